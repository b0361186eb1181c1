"""Issue 11.7: phone numbers, ID numbers and e-mail addresses are masked however residents type them
(full-width, odd separators, full-width @), the rest of the text stays as typed, and a masked display
name never shows markup characters."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.services.masking import mask_personal_data, plain_name

SEPARATORS = st.sampled_from(["", "", " ", "-", ".", "－", "．", "\u3000", "·", "—", "_", " - ", "  —  ", ") ", "）",
                             " (", "--", " / "])
TEXT = st.sampled_from(["", "我的电话是", "联系：", "请打", "邮箱", "Call me on ", "（", "，谢谢。", " thanks", "身份证号"])


def _wide(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@st.composite
def typed(draw, digits: str) -> str:
    """`digits` as a resident might type them: any character full width, a separator or two between."""
    out = ""
    for i, ch in enumerate(digits):
        out += draw(st.sampled_from([ch, _wide(ch)]))
        if i < len(digits) - 1:
            out += draw(SEPARATORS)
    return out


PHONES = st.builds(lambda p, rest: "1" + p + rest, st.sampled_from("3456789"),
                   st.text(alphabet="0123456789", min_size=9, max_size=9))
IDS = st.builds(lambda first, mid, last: first + mid + last, st.sampled_from("123456789"),
                st.text(alphabet="0123456789", min_size=16, max_size=16), st.sampled_from("0123456789X"))


@settings(max_examples=300, deadline=None)
@given(st.data(), PHONES, TEXT, TEXT, st.booleans())
def test_any_phone_number_is_masked(data, phone, before, after, country):
    number = data.draw(typed(("86" if country else "") + phone))
    if country:
        number = data.draw(st.sampled_from(["+", "＋", ""])) + number
    masked = mask_personal_data(before + number + after)
    assert masked == f"{before}{phone[:3]}****{phone[-4:]}{after}"  # the rest exactly as typed


@settings(max_examples=200, deadline=None)
@given(st.data(), IDS, TEXT, TEXT)
def test_any_id_number_is_masked(data, id_number, before, after):
    masked = mask_personal_data(before + data.draw(typed(id_number)) + after)
    assert masked == before + id_number[:3] + "*" * 15 + after


LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=12).filter(
    lambda s: s[0].isalnum())
LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=2, max_size=10)


@settings(max_examples=200, deadline=None)
@given(LOCAL, LABEL, st.sampled_from(["com", "cn", "net", "org"]), st.sampled_from(["@", "＠", " @ ", "＠ "]),
       st.sampled_from([".", "．", " . ", "。"]), st.booleans(), TEXT, TEXT)
def test_any_email_address_is_masked(local, domain, tld, at, dot, wide, before, after):
    address = f"{local}{at}{domain}{dot}{tld}"
    if wide:
        address = "".join(_wide(c) for c in address)
    masked = mask_personal_data(f"{before} {address} {after}")
    assert masked.startswith(before) and masked.endswith(after)
    # Only where the address was: the text around it may hold the domain's letters ("on" in "Call me on").
    shown = masked[len(before):len(masked) - len(after)]
    assert domain not in shown.lower() and "＠" not in shown, masked


def test_ordinary_numbers_and_punctuation_stay():
    text = "2023年12月底前完成30台加装电梯，张江路1234号（东侧）；预算：500万元。"
    assert mask_personal_data(text) == text
    assert mask_personal_data("电话：１３８ １２３４ ５６７８。") == "电话：138****5678。"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_display_names_never_show_markup(name):
    from portal.services.feedback import mask_name

    for shown in (plain_name(name), mask_name(name) or ""):
        assert not set(shown) & set("<>&\"'`"), shown
        assert not set(shown) & set("＜＞＆＂＇"), shown


def test_public_name_of_a_full_name_with_markup(app):
    from portal.models import Feedback
    from portal.services.feedback import public_name

    fb = Feedback(display_name="<b>张三</b> 13812345678", show_full_name=True)
    assert public_name(fb) == "b张三/b 138****5678"
    assert public_name(Feedback(display_name="＜img src=x＞", show_full_name=False)) == "i*** s***"


@pytest.mark.parametrize("typed", ["张 三", "张\u3000三", "张\u200b三", "张\u2060三", " 张 三 ", "张\u00a0三"])
def test_a_two_character_name_typed_with_a_gap_is_still_shortened(typed):
    """张三 shows as 张*. A space (an ideographic space, a zero-width one) typed between surname and given
    name was counted as a character and replaced by the star, so 张*三 showed the whole name."""
    from portal.services.feedback import mask_name

    assert mask_name(typed) == "张*"


def test_a_name_of_rare_characters_is_shortened_as_a_chinese_name():
    """Characters beyond the basic block (𠀋, 𡐓: Extension B, found in names) were not taken for Chinese, so
    "𠀋 𡐓" was masked word by word as an English name, "𠀋*** 𡐓***": the whole name."""
    from portal.services.feedback import mask_name

    assert mask_name("𠀋 𡐓") == "𠀋*" and mask_name("𠀋𡐓𠀌") == "𠀋*𠀌"


def test_a_three_character_name_with_gaps_keeps_only_its_first_and_last():
    from portal.services.feedback import mask_name

    assert mask_name("张 三 丰") == mask_name("张三丰") == "张*丰"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202d"])
def test_invisible_characters_inside_a_number_do_not_stop_the_masking(invisible):
    """A zero-width space, a soft hyphen or a direction mark pasted inside a phone or ID number (copied from
    a chat or a contact card) is invisible on the page, so readers saw the whole number: it was not masked."""
    phone = invisible.join(["138", "0013", "8000"])
    assert mask_personal_data(f"电话{phone}，谢谢") == "电话138****8000，谢谢"
    id_number = f"31011519900101{invisible}1234"
    assert "19900101" not in mask_personal_data(f"身份证{id_number}")
    assert mask_personal_data(f"邮箱 li{invisible}ming@qq.com 谢谢") == "邮箱 l***@*** 谢谢"


@pytest.mark.parametrize("typed, shown", [
    ("电话 138 - 1234 - 5678 谢谢", "电话 138****5678 谢谢"),
    ("电话 138 — 1234 — 5678", "电话 138****5678"),
    ("电话（138）1234 5678", "电话（138****5678"),
    ("+86 (138) 1234-5678", "138****5678"),
    ("身份证 310115 - 19900101 - 123X", "身份证 310***************"),
    ("居委 (021) 5080-1234", "居委 (0215****"),
    ("居委（０２１）５０８０１２３４", "居委（0215****"),
    ("居委 021 - 5080 - 1234", "居委 0215****"),
    ("居委 +86 21 5080 1234", "居委 0215****"),
    ("居委 0086-21-50801234", "居委 0215****"),
    ("居委 +86 (21) 5080-1234", "居委 0215****"),
])
def test_numbers_typed_with_spaced_dashes_or_brackets_are_masked(typed, shown):
    """Residents type "138 - 1234 - 5678" (a dash with a space either side), put the area code in brackets as
    every notice prints it ("(021) 5080-1234"), and give a landline with the country code ("+86 21 ...").
    The separators allowed two characters at most and no brackets, and a landline had to start with 0:
    all of these were published whole. An opening bracket before a number stays, as all the text around it."""
    assert mask_personal_data(typed) == shown


@pytest.mark.parametrize("typed, shown", [
    ("居委 021-5080 1234 转 801，谢谢", "居委 0215**** 转 801，谢谢"),
    ("居委 021-50801234-801", "居委 0215****-801"),
    ("Office: 021-5080 1234 ext. 801", "Office: 0215**** ext. 801"),
    ("居委（021）50801234转801", "居委（0215****转801"),
    ("居委 021 5080 1234 801", "居委 0215**** 801"),
    ("居委 +86 21 5080 1234 分机 801", "居委 0215**** 分机 801"),
])
def test_a_landline_with_an_extension_is_masked(typed, shown):
    """The contact field takes a number with an extension; one written so in a comment is masked all the same
    (the extension alone names no one)."""
    assert mask_personal_data(typed) == shown


@pytest.mark.parametrize("text", [
    "2023年12月底前完成30台加装电梯，张江路1234号（东侧）；预算：500万元。",
    "第13 - 15号楼，2024 - 2025年，(1) - (3)项",
    "完成率 (95%)，13:00 - 15:00 开放",
])
def test_ordinary_figures_with_dashes_and_brackets_stay(text):
    assert mask_personal_data(text) == text
