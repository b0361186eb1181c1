"""Issue 11.7: phone numbers (in Chinese numerals too), ID numbers, bank card numbers and e-mail addresses (in
any script) are masked however residents type them (full-width, odd separators, full-width @), the rest of the
text stays as typed, the official texts are left alone, and a masked display name never shows markup characters."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

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
# An ID number: area (6 digits), birth date, sequence (3), check character. Eighteen digits without a birth
# date where an ID number has it are taken for a bank card (test_an_18_digit_number_without_a_birth_date...).
IDS = st.builds(lambda area, born, seq, last: area + born.strftime("%Y%m%d") + seq + last,
                st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
                st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2029, 12, 31)),
                st.text(alphabet="0123456789", min_size=3, max_size=3), st.sampled_from("0123456789X"))


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


# --- Bank cards, e-mail addresses outside ASCII, phone numbers in Chinese numerals ----------------------

CARDS = st.builds(lambda first, rest, n: (first + rest)[:n], st.sampled_from(["62", "4", "5", "3", "9"]),
                  st.text(alphabet="0123456789", min_size=19, max_size=19), st.integers(16, 19))


def _card_mask(card: str) -> str:
    return "*" * (len(card) - 4) + card[-4:]


def _looks_like_an_id(number: str) -> bool:
    """Eighteen digits with a birth date (19xx or 20xx, month 01-12, day 01-31) where an ID number has it."""
    return len(number) == 18 and re.fullmatch(r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])",
                                              number[6:14]) is not None


@settings(max_examples=300, deadline=None)
@given(st.data(), CARDS.filter(lambda c: not _looks_like_an_id(c)), TEXT, TEXT)
def test_any_bank_card_number_is_masked_but_its_last_four_digits(data, card, before, after):
    masked = mask_personal_data(before + data.draw(typed(card)) + after)
    assert masked == before + _card_mask(card) + after


@pytest.mark.parametrize("typed, shown", [
    ("卡号 6222 0212 3456 7890 123，谢谢", "卡号 ***************0123，谢谢"),
    ("卡号6222021234567890", "卡号************7890"),
    ("card 4111-1111-1111-1111 please", "card ************1111 please"),
    ("卡号：６２２２　０２１２　３４５６　７８９０", "卡号：************7890"),
    ("卡号 6222 0212 1381 2345 678", "卡号 ***************5678"),  # a phone-shaped tail is part of the card
    ("卡号 622202123456789012", "卡号 **************9012"),  # 18 digits, no birth date where an ID has it
])
def test_bank_card_numbers_are_masked_but_their_last_four_digits(typed, shown):
    """Residents asking about subsidies paste the card the money should go to: 16 to 19 digits, in groups of
    four, was published whole (or, with a phone-shaped tail, masked only there)."""
    assert mask_personal_data(typed) == shown


@pytest.mark.parametrize("text", ["编号 12345678901234567890123", "2023年1月1日 - 2023年12月31日", "第1 2 3 4 5 6 7 8项"])
def test_runs_of_digits_that_are_not_16_to_19_long_are_not_taken_for_cards(text):
    assert mask_personal_data(text) == text


NUMERALS = {"0": "〇零", "1": "一幺", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七", "8": "八", "9": "九"}


@st.composite
def spoken(draw, digits: str) -> str:
    """`digits` as a resident might type them in Chinese numerals, mixed with digits, with the same separators."""
    out = ""
    for i, ch in enumerate(digits):
        out += draw(st.sampled_from([ch, _wide(ch), *NUMERALS[ch]]))
        if i < len(digits) - 1:
            out += draw(SEPARATORS)
    return out


@settings(max_examples=300, deadline=None)
@given(st.data(), PHONES, TEXT, TEXT)
def test_any_phone_number_in_chinese_numerals_is_masked(data, phone, before, after):
    masked = mask_personal_data(before + data.draw(spoken(phone)) + after)
    assert masked == f"{before}{phone[:3]}****{phone[-4:]}{after}"


@pytest.mark.parametrize("typed, shown", [
    ("电话一三八一二三四五六七八，谢谢", "电话138****5678，谢谢"),
    ("电话幺三八 幺二三四 五六七八", "电话138****5678"),
    ("电话：一三八-〇〇一三-八〇〇〇", "电话：138****8000"),
    ("电话 1三8 零零13 八000", "电话 138****8000"),
    ("座机〇二一 五〇八〇 一二三四", "座机0215****"),
])
def test_phone_numbers_in_chinese_numerals_are_masked(typed, shown):
    """一三八一二三四五六七八 (or 幺三八…, as it is read out) is the same number: it was published whole."""
    assert mask_personal_data(typed) == shown


@pytest.mark.parametrize("text", ["一二三四五六七八九十", "十三五规划，一一落实，二〇二三年十二月", "三五成群，七八个人"])
def test_chinese_numerals_in_ordinary_text_stay(text):
    assert mask_personal_data(text) == text


HAN_LOCAL = st.text(alphabet="张三李四用户王小明邮箱abc123._-", min_size=1, max_size=12).filter(lambda s: s[0].isalnum())
HAN_LABEL = st.text(alphabet="例子网易公司张江镇政府abc123", min_size=2, max_size=8)


@settings(max_examples=200, deadline=None)
@given(HAN_LOCAL, st.one_of(LABEL, HAN_LABEL), st.sampled_from(["com", "cn", "中国", "中國", "公司", "网络"]),
       st.sampled_from(["@", "＠", " @ "]), st.sampled_from([".", "．", "。"]), TEXT, TEXT)
def test_any_email_address_outside_ascii_is_masked(local, domain, tld, at, dot, before, after):
    address = f"{local}{at}{domain}{dot}{tld}"
    masked = mask_personal_data(f"{before} {address} {after}")
    assert masked.startswith(before) and masked.endswith(after)
    shown = masked[len(before):len(masked) - len(after)]
    # The domain is what must not show: nothing of the address after the @ (the name's first character shows,
    # as in every masked address; the domain's letters may also be in the name, "11小@11.com").
    assert shown.rstrip().endswith("***@***") and shown.count("@") == 1 and "＠" not in shown, masked


@pytest.mark.parametrize("typed, shown", [
    ("邮箱：张三@163.com，谢谢", "邮箱：张***@***，谢谢"),
    ("邮箱 用户@例子.中国 谢谢", "邮箱 用***@*** 谢谢"),
    ("Mail li@例子.公司 please", "Mail l***@*** please"),
    ("邮箱：王小明2020＠网易。com", "邮箱：王小明2***@***"),
    # Where a name written against the words before it begins is not written: at most four characters go.
    ("我的邮箱是张三@163.com", "我的邮箱***@***"),
    # An address in ASCII written against the words before it: the words stay.
    ("我的QQ邮箱是12345678@qq.com", "我的QQ邮箱是1***@***"),
    ("请发邮件至wang@example.org，谢谢", "请发邮件至w***@***，谢谢"),
    # The words kept are shown as typed: the copy the rules read has 三 as 3.
    ("我住三楼，邮箱是张三＠163。com 谢谢", "我住三楼，邮箱***@*** 谢谢"),
])
def test_email_addresses_with_chinese_local_parts_or_domains_are_masked(typed, shown):
    """Addresses with a Chinese name before the @ or a Chinese domain (用户@例子.中国) were published whole."""
    assert mask_personal_data(typed) == shown


def _official_texts():
    plans = Path(__file__).resolve().parent.parent / "content" / "plans"
    return sorted(p for p in plans.rglob("*") if p.suffix in (".txt", ".yaml"))


@pytest.mark.parametrize("path", _official_texts(), ids=lambda p: p.name)
def test_the_official_notice_and_its_work_points_are_not_changed_by_masking(path):
    """Masking runs on what residents write; a rule that took the notice's figures, dates or numbering for
    personal data would also take them in a comment quoting it."""
    text = path.read_text(encoding="utf-8")
    assert mask_personal_data(text) == text


@pytest.mark.parametrize("typed, shown", [
    ("一13812345678", "一138****5678"),
    ("电话二13812345678", "电话二138****5678"),
    ("13812345678三楼", "138****5678三楼"),
    ("电话 八 138-1234-5678", "电话 八 138****5678"),
    ("座机五021-5080 1234", "座机五0215****"),
    ("2一三八一二三四五六七八", "2138****5678"),  # in numerals, against a digit
])
def test_a_number_against_chinese_numerals_is_masked(typed, shown):
    """Chinese numerals are read as digits, so "一13812345678" was a run of 12 digits, no phone number: it was
    published whole. Where the digits change from numerals to figures a number may also begin or end."""
    assert mask_personal_data(typed) == shown


@pytest.mark.parametrize("text", ["三1234号楼", "第一2023年度", "二〇二三年12月", "十三五期间完成35台电梯，11万平方米",
                                  "一1381234567", "七8个人"])
def test_figures_against_chinese_numerals_stay(text):
    assert mask_personal_data(text) == text


def test_an_id_number_after_a_numeral_is_masked():
    # 19 digits read together: masked as a bank card is, the birth date hidden all the same.
    assert "19900101" not in mask_personal_data("身份证号一310115199001011234")


@settings(max_examples=200, deadline=None)
@given(st.data(), PHONES, st.sampled_from("〇零一幺二三四五六七八九"), TEXT, TEXT)
def test_a_phone_number_with_numerals_written_against_it_is_masked(data, phone, numeral, before, after):
    """The numeral stays as typed, and the number is masked as a phone number; after a 0 (〇一三八…, read as an
    area code) it may be masked as a landline, all but its first digits. (Numerals that with the number's first
    digits look like a phone number themselves, 一三138…, are read so first: the rules cannot tell.)"""
    number = data.draw(typed(phone))
    if numeral in "〇零":
        masked = mask_personal_data(before + numeral + number + after)
        assert "****" in masked and sum(ch.isdigit() for ch in masked) <= 7, masked
        return
    masked = mask_personal_data(before + numeral + number + after)
    assert masked == f"{before}{numeral}{phone[:3]}****{phone[-4:]}{after}"


# --- QQ numbers and WeChat IDs, after the words that name them ----------------------------------------

@pytest.mark.parametrize("typed, shown", [
    ("我的QQ：12345678", "我的QQ：1****"),
    ("QQ号 123456789，谢谢", "QQ号 1****，谢谢"),
    ("qq12345", "qq1****"),
    ("Q号:987654321", "Q号:9****"),
    ("加我扣扣是 20260101", "加我扣扣是 2****"),
    ("企鹅号 3456789012", "企鹅号 3****"),
    ("ＱＱ：１２３４５６７８", "ＱＱ：1****"),
    ("QQ号码是一二三四五六七", "QQ号码是1****"),
    ("加我微信 wxid_abc123", "加我微信 w****"),
    ("微信号: zhang_san88 谢谢", "微信号: z**** 谢谢"),
    ("VX：abc12345", "VX：a****"),
    ("vx abc-12345", "vx a****"),
    ("WeChat: zhangsan", "WeChat: z****"),
    ("wechat ID: lisi_2020", "wechat ID: l****"),
    ("微信zhangsan，电话13812345678", "微信z****，电话138****5678"),
    ("微信同号 13812345678", "微信同号 138****5678"),
    ("微信：13812345678", "微信：138****5678"),
])
def test_qq_numbers_and_wechat_ids_are_masked_after_their_label(typed, shown):
    """"我的QQ：12345678", "加我微信 wxid_abc123" were published whole: a resident is found with either."""
    assert mask_personal_data(typed) == shown


@pytest.mark.parametrize("text", [
    "35台电梯，11万平方米，第2.3项，12345678号文件",
    "QQ群 12345", "微信公众号 zjzf2020", "关注微信公众号“张江镇”", "微信支付 100元", "QQ 0123456", "QQ 1234",
    "QQ 123456789012", "微信 abc12", "微信 1abcdef", "微信 " + "a" * 21, "Add me on WeChat please",
    "I use VX daily", "aqq12345678", "The WeChat group meets daily",
    # The app named in both languages: the English name after the Chinese label is no ID.
    "关注张江镇微信 WeChat 公众号", "微信 weixin 搜索“张江镇”", "微信号 WeChat 小程序",
])
def test_figures_and_words_without_a_qq_or_wechat_label_stay(text):
    assert mask_personal_data(text) == text


WECHAT_IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{5,19}", fullmatch=True).filter(
    lambda name: name.lower() not in ("wechat", "weixin"))
QQ_NUMBERS = st.from_regex(r"[1-9][0-9]{4,10}", fullmatch=True).filter(lambda n: not re.fullmatch(r"1[3-9][0-9]{9}", n))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.tuples(st.sampled_from(["QQ", "qq", "Q号", "扣扣", "QQ号", "企鹅号"]), QQ_NUMBERS),
                 st.tuples(st.sampled_from(["微信", "微信号", "VX", "vx", "WeChat", "wechat"]), WECHAT_IDS)),
       st.sampled_from(["", " ", "：", ": ", "是", " 是 ", "号"]), TEXT, st.sampled_from(["", "，谢谢", " thanks"]))
def test_any_qq_number_or_wechat_id_after_its_label_is_masked(labelled, between, before, after):
    label, the_id = labelled
    if label.endswith("号") and between == "号":
        between = ""
    if before[-1:].isascii() and before[-1:].isalpha():
        before += " "  # an English label is a word of its own ("aqq12345" is no QQ number)
    if not between.strip() and label.isascii() and the_id[:1].isalpha():
        between += ":"  # "WeChat please": a word after an English label is read as a word
    masked = mask_personal_data(f"{before}{label}{between}{the_id}{after}")
    assert masked == f"{before}{label}{between}{the_id[0]}****{after}"


# --- A figure after 企鹅 (a penguin) or before a unit is no QQ number -----------------------------------------

@pytest.mark.parametrize("text", [
    "企鹅 12000 只", "企鹅12000只，海豹300只", "企鹅馆 20000 人次", "看企鹅 30000 人", "企鹅是 20000 只左右",
    "企鹅：12000只", "企鹅 123456", "扣扣 12345 个", "QQ 20000 人次", "QQ 12345 元", "QQ号 12345 万", "QQ 12345678 多人",
])
def test_figures_that_count_something_after_a_qq_label_stay(text):
    """企鹅 is QQ's nickname and a penguin: "企鹅 12000 只" was published as "企鹅 1**** 只". 企鹅 names the
    account only when the number is announced (企鹅号, 企鹅：) or added (加我企鹅); a figure with a measure word or
    unit after it counts something, after any label."""
    assert mask_personal_data(text) == text


@pytest.mark.parametrize("typed, shown", [
    ("企鹅号 12000", "企鹅号 1****"),
    ("企鹅号码：123456789", "企鹅号码：1****"),
    ("加我企鹅 12345678", "加我企鹅 1****"),
    ("加企鹅12345678", "加企鹅1****"),
    ("企鹅：12345678", "企鹅：1****"),
    ("我的企鹅是 12345678，谢谢", "我的企鹅是 1****，谢谢"),
    # A unit's character starting a word ("only", "personal", "New Year's Day", a surname) counts nothing.
    ("QQ 12345678 只在晚上在线", "QQ 1**** 只在晚上在线"),
    ("QQ 12345678 个人号", "QQ 1**** 个人号"),
    ("QQ：12345678 元旦后联系", "QQ：1**** 元旦后联系"),
    ("QQ 12345678 张先生", "QQ 1**** 张先生"),
    ("扣扣 12345 天天在线", "扣扣 1**** 天天在线"),
])
def test_qq_numbers_after_a_label_naming_the_account_are_masked(typed, shown):
    assert mask_personal_data(typed) == shown


@pytest.mark.parametrize("typed, shown", [
    # A valid WeChat ID (6 to 20 letters, digits, _ or -, a letter first): nothing tells it from a word.
    ("微信 group123", "微信 g****"),
    ("微信 moments2020", "微信 m****"),
    # WeChat's parts named in English are no ID.
    ("我在微信 Moments 看到的", "我在微信 Moments 看到的"),
    ("微信 Channels 直播", "微信 Channels 直播"),
    ("关注微信 Official Account", "关注微信 Official Account"),
    ("微信 miniprogram", "微信 miniprogram"),
])
def test_wechat_ids_and_the_names_of_wechat_s_parts(typed, shown):
    """"我在微信 Moments 看到的" was published as "我在微信 M**** 看到的": Moments (朋友圈) is no ID."""
    assert mask_personal_data(typed) == shown


# --- Phone numbers among numerals, against other numbers, typed oddly -------------------------------------

@pytest.mark.parametrize("typed, shown", [
    ("五138一二三四5678", "513****5678"),
    ("138一二三四5678五", "138****6785"),
    ("一二138一二三四5678三", "121****6783"),
    ("138一2345一5678", "138****5678"),  # 一 typed for a dash
    ("1381234567813987654321", "138****4321"),
    ("电话 138123456789", "电话 138****6789"),
    ("壹叁捌壹贰叁肆伍陆柒捌", "138****5678"),
    ("电话 138，1234，5678", "电话 138****5678"),
    ("138、1234、5678", "138****5678"),
    ("138,1234,5678", "138****5678"),
    # As before: the extension, the country code, the area code's brackets.
    ("138-1234-5678-1", "138****5678-1"),
    ("0086 138 1234 5678", "0086 138****5678"),
    ("(021) 5080 1234", "(0215****"),
])
def test_phone_numbers_no_reading_isolated_are_masked(typed, shown):
    """A mobile number between numerals ("五138一二三四5678": 12 digits read together, none in the figures or the
    numerals alone), written against another, or with 一 for a dash was published whole."""
    assert mask_personal_data(typed) == shown


@pytest.mark.parametrize("text", [
    "400-123-4567", "4001234567", "95588", "800-820-8820", "人民币壹万贰仟元整", "1、2、3、4、5、6、7、8、9、10、11号楼",
    "13,812,345,678元", "12,345,678", "第13 14 15 16 17 18号楼",
])
def test_hotlines_amounts_and_lists_stay(text):
    assert mask_personal_data(text) == text


_READ = {**{n: d for d, ns in NUMERALS.items() for n in ns}, **dict(zip("壹贰叁肆伍陆柒捌玖", "123456789"))}


def _read(text: str) -> list[str]:
    """The digits a reader can string together, however far apart: masking's stars alone part them."""
    import unicodedata

    digits = "".join(_READ.get(ch, ch) for ch in unicodedata.normalize("NFKC", text))
    return re.sub(r"[^0-9*]", "", digits).split("*")


FILLER = st.text(alphabet="电话号码联系我的在请打是了一二三四五六七八九〇零幺0123456789 -.·—，。、（）()", max_size=8)


@settings(max_examples=400, deadline=None)
@given(st.data(), PHONES, FILLER, FILLER)
def test_no_more_of_a_phone_number_than_its_first_3_and_last_4_digits_shows(data, phone, before, after):
    """Any mobile number, in figures, numerals or both, with separators (一 for a dash too), in any text of
    numerals, figures and separators: no digit of its middle shows, whatever numbers stand against it. (A number
    in numerals with 一 for a dash is left out: "一三〇〇〇〇一〇〇〇〇1" could be 13000010000 and a 1.)"""
    from hypothesis import assume

    spoken_or_typed = spoken if data.draw(st.booleans()) else typed
    head, middle, tail = (data.draw(spoken_or_typed(part)) for part in (phone[:3], phone[3:7], phone[7:]))
    gaps = [data.draw(SEPARATORS), data.draw(SEPARATORS)]
    if spoken_or_typed is typed and data.draw(st.booleans()):  # a dash typed as 一 (but no one types 一一 for --)
        head, middle, tail, *gaps = (re.sub(r"(?<!-)-(?!-)", "一", part) for part in (head, middle, tail, *gaps))
    number = head + gaps[0] + middle + gaps[1] + tail
    masked = mask_personal_data(before + number + after)
    shown = _read(masked)
    # What may show (the surrounding text, the first 3 and last 4 digits, as typed, a 一 between them and the
    # middle too) must not by itself hold what may not.
    allowed = _read(before + head + gaps[0] + "*" + gaps[1] + tail + after)
    for secret in (phone[:4], phone[3:7], phone[6:]):
        assume(not any(secret in part for part in allowed))
        assert not any(secret in part for part in shown), (before + number + after, masked)
