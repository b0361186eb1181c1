"""What a resident typed and the page repeats (a tracking code not found, a search, a comment sent back with
its errors, a post refused as cross-site) holds no invisible format or control character: a bidi override
or isolate in a shared link made the page show a sentence no one wrote (portal/inputs.visible_text)."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.inputs import EMOJI_SEQUENCE

ITEM_FORM = "/{lang}/plans/2023-city-management/items/2.3/feedback"
# Bidi embeddings, overrides, isolates and marks, zero-width characters, soft hyphen, BOM, a tag character,
# and C0/C1 controls: what makes a page read differently from what was typed, or hides part of it.
INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u00ad\ufeff\U000e0041\x1b\x85\x0b\x7f"
# The pages' own word joiners (i18n.counts_kept_with_their_words) are theirs, not the resident's.
PAGE_OWN = "\u2060"


def _invisible_in(page: str) -> set[str]:
    """Outside emoji sequences, whose joiners and tags make one picture (tests/test_emoji_sequences.py)."""
    return {ch for ch in EMOJI_SEQUENCE.sub("", page) if ch not in "\t\n\r" + PAGE_OWN and unicodedata.category(ch) in ("Cf", "Cc")}


@pytest.fixture
def unlimited(app_factory):
    return app_factory(RATELIMIT_ENABLED=False)


def _echoes(client, lang: str, typed: str):
    """Every route that repeats what was typed, with what it was given."""
    yield client.get(f"/{lang}/feedback/", query_string={"code": typed[:30]})
    yield client.get(f"/{lang}/search", query_string={"q": typed})
    comment = {"body": "路灯坏了很久 " + typed, "kind": "question", "place": "", "display_name": typed[:40]}
    yield client.post(ITEM_FORM.format(lang=lang), data={**comment, "website": "filled"})  # sent back with the form
    yield client.post(ITEM_FORM.format(lang=lang), data=comment, headers={"Sec-Fetch-Site": "cross-site"})
    yield client.post(f"/{lang}/feedback/1/flag", data={"reason": typed}, headers={"Origin": "https://t.example.net"})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bidi_override_in_a_tracking_code_is_not_repeated(unlimited, lang):
    r = unlimited.test_client().get(f"/{lang}/feedback/", query_string={"code": "ZJ-\u202eTSET\u2066AB"})
    page = r.get_data(as_text=True)
    assert r.status_code == 404
    assert "ZJ-TSETAB" in page and not _invisible_in(page)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.lists(st.sampled_from(INVISIBLE) | st.sampled_from("ZJ-7K3Q 路灯 abc<&\"'") | st.characters(codec="utf-8"),
                      min_size=1, max_size=30).map("".join),
       lang=st.sampled_from(["zh", "en"]))
def test_no_echoing_page_repeats_an_invisible_character(unlimited, typed, lang):
    client = unlimited.test_client()
    for r in _echoes(client, lang, typed):
        assert r.status_code < 500, (r.request.path, typed)
        assert not _invisible_in(r.get_data(as_text=True)), (r.request.path, r.status_code, typed)
