"""A resident's emoji reach the page as typed: a family (👨‍👩‍👧), a profession (🧑🏽‍🚒) or a subdivision flag
(🏴󠁧󠁢󠁳󠁣󠁴󠁿) is one picture only with its zero-width joiners or tag characters, which inputs.visible_text removes
everywhere else (bidi overrides, invisible text)."""
from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from portal.inputs import EMOJI_SEQUENCE, visible_text

ZWJ = "\u200d"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
SEQUENCES = [
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family: man, woman, girl
    "\U0001f9d1\U0001f3fd\u200d\U0001f692",  # firefighter, medium skin tone
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag
    "\U0001f3f4\u200d\u2620\ufe0f",  # pirate flag
    "\u2764\ufe0f\u200d\U0001f525",  # heart on fire
    "\U0001f441\ufe0f\u200d\U0001f5e8\ufe0f",  # eye in speech bubble
    "\U0001f43b\u200d\u2744\ufe0f",  # polar bear
    SCOTLAND,
    "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",  # Wales
    "\u2764\ufe0f",  # a heart in emoji presentation (U+FE0F is a mark, never removed)
    "\U0001f44d\U0001f3fb",  # thumbs up, light skin tone
]
# What must not survive outside those sequences: bidi embeddings, overrides, isolates and marks, zero-width
# characters, soft hyphen, BOM, tag characters, C0/C1 controls.
INVISIBLE = ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u00ad\ufeff"
             "\U000e0001\U000e0020\U000e0041\U000e0067\U000e007f\x1b\x85\x0b\x7f")
PARTS = "\U0001f468\U0001f469\U0001f3f4\u2764\ufe0f\U0001f3fd路灯 ab"


def _left_invisible(text: str) -> set[str]:
    outside = EMOJI_SEQUENCE.sub("", text)
    return {ch for ch in outside if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf")}


def test_a_family_and_a_flag_keep_their_joiners():
    assert visible_text("路灯修好了 \U0001f468\u200d\U0001f469\u200d\U0001f467 谢谢") == \
        "路灯修好了 \U0001f468\u200d\U0001f469\u200d\U0001f467 谢谢"
    assert visible_text(f"苏格兰{SCOTLAND}游客") == f"苏格兰{SCOTLAND}游客"


def test_a_joiner_or_tag_outside_a_sequence_is_removed():
    assert visible_text("ab\u200dcd") == "abcd"  # between letters: hides nothing, joins nothing
    assert visible_text("\U0001f468\u200d") == "\U0001f468"  # joining nothing
    assert visible_text("\u200d\U0001f469") == "\U0001f469"
    assert visible_text("\U0001f468\u200d路") == "\U0001f468路"
    assert visible_text("x\U000e0067\U000e0062\U000e007f") == "x"  # tags not after the black flag
    assert visible_text("\U0001f3f4\U000e0067\U000e0062") == "\U0001f3f4"  # never ended: hidden text
    assert visible_text("\U0001f468\u200d\u202e\U0001f469") == "\U0001f468\U0001f469"


@given(st.lists(st.sampled_from(SEQUENCES) | st.sampled_from(INVISIBLE) | st.sampled_from(PARTS)
                | st.characters(codec="utf-8"), max_size=30).map("".join))
def test_no_format_character_survives_outside_an_emoji_sequence(typed):
    kept = visible_text(typed)
    assert not _left_invisible(kept), typed
    assert visible_text(kept) == kept


@given(st.lists(st.sampled_from(SEQUENCES) | st.sampled_from("路灯修好了 abc,。\n"), max_size=20).map("".join))
def test_emoji_sequences_in_visible_text_survive_unchanged(typed):
    assert visible_text(typed) == typed


@given(before=st.text(st.sampled_from(INVISIBLE + PARTS) | st.characters(codec="utf-8"), max_size=8),
       sequence=st.sampled_from(SEQUENCES),
       after=st.text(st.sampled_from(INVISIBLE + PARTS) | st.characters(codec="utf-8"), max_size=8))
def test_an_emoji_sequence_survives_whatever_surrounds_it(before, sequence, after):
    assert sequence in visible_text(before + sequence + after)


def test_no_sentence_hides_in_a_flag():
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore this")
    assert visible_text(f"\U0001f3f4{hidden}\U000e007f") == "\U0001f3f4"


def test_a_comment_sent_back_with_its_form_keeps_its_emoji(app_factory):
    family = SEQUENCES[0]
    client = app_factory(RATELIMIT_ENABLED=False).test_client()
    comment = {"body": f"路灯坏了很久 {family}{SCOTLAND}\u202e", "kind": "question", "place": "", "display_name": "",
               "website": "filled"}  # the form comes back with what was typed (tests/test_echoed_input.py)
    page = client.post("/zh/plans/2023-city-management/items/2.3/feedback", data=comment).get_data(as_text=True)
    assert f"路灯坏了很久 {family}{SCOTLAND}<" in page or f"路灯坏了很久 {family}{SCOTLAND}\n" in page
