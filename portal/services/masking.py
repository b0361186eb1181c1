"""Finding personal data in text as residents type it, and masking it before anything is published.

Residents write phone numbers as `138 1234 5678`, `138.1234.5678`, `１３８－１２３４－５６７８`, `一三八…` (幺 for
1, as it is read out), bank cards in groups of four, and e-mail addresses with a full-width ＠, a Chinese name
or a Chinese domain. Detection runs on an NFKC-normalised copy of the text, Chinese numerals read as digits,
with odd separators allowed inside numbers; each match is mapped back to the characters the resident typed,
so only those are replaced and the rest of the text (Chinese punctuation included) stays exactly as written.
Where the digits around a number allow another reading of it ("五138一二三四5678", 一 typed for a dash, two
numbers written together), the whole run is masked, its first 3 and last 4 digits shown, as a phone number's.
A QQ number or WeChat ID is a figure or word like any other, so it is taken only after the word naming it
("QQ：12345678", "加我微信 wxid_abc123"). Every pattern is linear in the text's length (bounded repeats, no nested
unbounded ones): a 10,000-character comment made to make it backtrack is masked in milliseconds.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

# The strict form, for validating the contact field (an e-mail address there is read by follow.normalise_email):
# a phone number as people write it (after NFKC), digits with spaces, dashes, dots and an area code in brackets
# ("(021)5855-1234", printed so on every notice), 7 to 20 digits; then perhaps the extension of a switchboard
# number, "转 801", "分机801", "ext. 801", "x801", "#801" ("-801" is already such a number).
CONTACT_PHONE_RE = re.compile(r"(?P<number>\+?[0-9(][0-9\s().-]*?)"
                              r"(?:\s*(?:转|轉|分机号?|分機號?|ext(?:ension)?\.?:?|x|#)\s*[0-9]{1,6})?", re.IGNORECASE)
CONTACT_PHONE_DIGITS = range(7, 21)

# What people put between digit groups (after NFKC): up to two marks ("-", "--", a bracket closing an area
# code), each side up to two spaces, as in "138 - 1234 - 5678" and "(021) 5080-1234".
_MARK = r"[.\-_·•‧∙⋅‐‑‒–—―~/()]"
_SEP = rf"\s{{0,2}}(?:{_MARK}{{1,2}}\s{{0,2}})?"
_D = rf"{_SEP}[0-9]"
# A whole run of digits and separators (an ID number's final X included), read as one number: a bank card is
# such a run of 16 to 19 digits ("6222 0212 3456 7890 123"), an ID number one of 18; a number inside a longer
# run (a card's phone-shaped tail, an ID number's first 18 of 19 digits) is not taken apart.
DIGIT_RUN_RE = re.compile(rf"[0-9](?:{_D})*(?:{_SEP}[Xx](?![0-9]))?")
_YMD = rf"(?:19|20)[0-9]{{2}}{_SEP}(?:0?[1-9]|1[0-2]){_SEP}(?:0?[1-9]|[12][0-9]|3[01])"
DATES_RE = re.compile(rf"{_YMD}(?:{_SEP}{_YMD})*")  # "2023.01.01 - 2023.12.31": no card starts with 19 or 20
BIRTH_DATE_RE = re.compile(r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])")
PHONE_RE = re.compile(rf"(?<![0-9])(?:\+?8{_SEP}6{_SEP})?1{_SEP}[3-9](?:{_D}){{9}}(?![0-9])")
# Commas part a list or thousands, so they are no separator in general; in a mobile number's own groups of
# 3, 4 and 4 ("138，1234，5678") they are one.
PHONE_IN_GROUPS_RE = re.compile(r"(?<![0-9])1[3-9][0-9](?:\s{0,2}[,、]\s{0,2}[0-9]{4}){2}(?![0-9])")
ID_CARD_RE = re.compile(rf"(?<![0-9])[1-9](?:{_D}){{16}}{_SEP}[0-9Xx](?![0-9])")
# An area code is 0 and two or three digits, the first not 0 (00 dials abroad); its 0 is dropped after the
# country code: "+86 21 5080 1234".
LANDLINE_RE = re.compile(rf"(?<![0-9])(?:(?:\+|00)8{_SEP}6{_SEP}0?[1-9][0-9]{{1,2}}|0[1-9][0-9]{{1,2}})"
                         rf"{_SEP}[0-9](?:{_D}){{6,7}}(?![0-9])")
_DOT = r"\s{0,2}[.。]\s{0,2}"
# Any script before the @ and in the domain (张三@163.com, 用户@例子.中国): \w is Unicode. Written without a space
# after Chinese text ("我的邮箱是张三@…"), the words before it are matched with the address: where a name begins is
# not written, so _email keeps all but the last four such letters as they were. The bounds (64 before the @, 63 a
# label, as in RFC 5321) keep the search linear.
_TLD = r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}|中国|中國|公司|网络|網絡|香港|台湾|台灣|澳门|澳門|新加坡)"
LOOSE_EMAIL_RE = re.compile(rf"[\w.%+-]{{1,64}}\s{{0,2}}@\s{{0,2}}[\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}})*{_DOT}{_TLD}")
# QQ numbers (5 to 11 digits, no leading 0) and WeChat IDs (6 to 20 letters, digits, _ and -, a letter first:
# WeChat's rule) are taken only after a word naming them, with a colon, a space, 是 or 号(码) between:
# without it they are figures and words like any other. An English label needs its own word boundary
# (not the "qq" in "aqq"); "QQ/微信：…" names both.
_LABEL_AFTER = r"(?P<between>\s{0,2}(?:号码?|账号|帐号|id(?![a-z]))?\s{0,3}(?::\s{0,3})?(?:是\s{0,3}(?::\s{0,3})?)?)"
_SAID = re.compile(r"[:是号]|id", re.IGNORECASE)  # in "between": the ID is announced, not just a next word
# A figure with a measure word or unit after it counts something ("扣扣 12345 个", "QQ 20000 人次"): no account
# number is written so. Only when the unit ends the phrase: "QQ 12345678 只在晚上在线" (只, "only"), "… 个人号",
# "… 元旦后联系" name the account all the same.
_QUANTITY = (r"\s{0,2}(?:多|余)?(?:[万亿千百]?(?:平方米|平方公里|平米|公里|千米|公斤|人次|户次"
             r"|[只人个元块米吨台户套间栋幢辆家名位件条项次天岁斤张本份场处棵株座层角])|[万亿%‰])"
             r"(?:次|左右|以上|以下|之多|多|余)?(?!\w)")
# 企鹅 (QQ's nickname) is also a penguin: it names the account only when the number is announced ("企鹅号",
# "企鹅：") or added ("加我企鹅 …"); "看企鹅 30000 人" is a count (see _account).
QQ_RE = re.compile(r"(?P<label>(?<![a-z0-9])qq|(?<![a-z0-9])q(?=号)|扣扣|企鹅)"
                   r"(?:\s{0,2}[/、]\s{0,2}(?:微信|vx|wechat)(?![a-z]))?"
                   rf"{_LABEL_AFTER}(?P<id>[1-9][0-9]{{4,10}})(?![0-9])(?!{_QUANTITY})", re.IGNORECASE)
_ADDED = re.compile(r"加\s{0,2}(?:我\s{0,2})?$")
# The app's own names, and its parts' English names (朋友圈 Moments, 视频号 Channels, 公众号 Official Accounts,
# 小程序 Mini Programs), are no ID: "关注微信 WeChat 公众号" names it in both languages.
_APP_WORDS = r"(?:wechat|weixin|moments|channels|official|miniprograms?)(?![a-z0-9_-])"
WECHAT_RE = re.compile(r"(?P<label>微信|(?<![a-z0-9])(?:wechat|weixin|vx)(?![a-z]))"
                       rf"{_LABEL_AFTER}(?P<id>(?!{_APP_WORDS})[a-z][a-z0-9_-]{{5,19}})"
                       r"(?![a-z0-9_-])", re.IGNORECASE)
_MARKUP = re.compile(r"[<>&\"'`\x00-\x1f\x7f-\x9f]")


# Chinese numerals, as phone numbers are written out and read aloud (幺 for 1, 〇 or 零 for 0), and as on a
# cheque (壹贰叁…, simplified and traditional).
_NUMERALS = {"〇": "0", "零": "0", "一": "1", "幺": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
             "七": "7", "八": "8", "九": "9", "壹": "1", "贰": "2", "貳": "2", "叁": "3", "肆": "4", "伍": "5",
             "陆": "6", "陸": "6", "柒": "7", "捌": "8", "玖": "9"}
_FIGURE = re.compile(r"[0-9]")
_NUMERAL = re.compile(f"[{''.join(_NUMERALS)}]")
_OTHER = "\ufffd"  # a figure in the reading of numerals alone: no rule takes it for a digit or a separator


def _normalised(text: str, numerals: bool = True, figures: bool = True) -> tuple[str, list[int]]:
    """NFKC text, Chinese numerals as digits, and for each of its characters the index of the typed character
    it came from. Invisible format characters (zero-width space, soft hyphen, direction marks: category Cf)
    are left out, as a reader sees them: pasted inside a number they hid it from every rule while the page
    showed it whole; inside a match they are replaced with it.
    `numerals=False` leaves Chinese numerals as they are, `figures=False` reads figures as no digit (_OTHER):
    the two readings in which a number ends where the numerals give way to figures (see _scan)."""
    if text.isascii() and figures:  # ASCII has no format character and is its own NFKC
        return text, range(len(text))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii() and (figures or not "0" <= ch <= "9"):
            out.append(ch)
            origin.append(i)
            continue
        if unicodedata.category(ch) == "Cf":
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if not figures:
            folded = _FIGURE.sub(_OTHER, folded)
        if numerals:
            folded = _NUMERALS.get(folded, folded)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


_NOT_DIGIT = re.compile(r"[^0-9Xx]")


def _digits(s: str) -> str:
    return _NOT_DIGIT.sub("", s)


def _landline(s: str) -> str:
    """The area code as dialled at home (0 and two or three digits) and stars: a country code left out."""
    d = _digits(s)
    if s.startswith(("+", "00")):
        d = d[4:] if d.startswith("0086") else d[2:]
    return ("0" + d.removeprefix("0"))[:4] + "****"


def _phone(s: str) -> str:
    d = _digits(s)[-11:]
    return f"{d[:3]}****{d[-4:]}"


NAME_LETTERS = 4  # a name in another script before the @ (张三, 用户): at most this many of its letters


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"  # a zero-width character inside an address is part of it


def _email(typed: str) -> str:
    """The address's first character and stars, from the address as typed (the folded copy reads 张三 as 张3).
    The rule's match may hold the resident's own words written against the address ("邮箱是12345678@qq.com",
    "请发邮件至wang@…"): they are kept as typed. The address's name is the run of ASCII right before the @, or,
    when letters of another script come right before it (张三@…), at most NAME_LETTERS of them, since where
    such a name begins is not written ("我的邮箱是张三@…" shows as "我的邮箱***@***")."""
    at = next(i for i, ch in enumerate(typed) if unicodedata.normalize("NFKC", ch) == "@")
    local = typed[:at].rstrip()
    start = len(local)
    while start > 0 and (local[start - 1].isascii() and not local[start - 1].isspace() or _invisible(local[start - 1])):
        start -= 1
    if all(_invisible(ch) for ch in local[start:]):  # no ASCII name: letters of another script, or nothing
        start, letters = len(local), 0
        while start > 0 and letters < NAME_LETTERS and (local[start - 1].isalpha() or _invisible(local[start - 1])):
            letters += local[start - 1].isalpha()
            start -= 1
    return local[:start] + local[start:][:1] + "***@***"


def _card(s: str) -> str:
    d = re.sub(r"[^0-9]", "", s)
    return "*" * (len(d) - 4) + d[-4:]


def _id_number(s: str) -> tuple[str, str]:
    """(kind, masked): an ID number shows its first 3 characters (the province and city). Eighteen digits
    without a birth date where an ID number has one, nor a final X, are a bank card: its last 4 digits are
    shown."""
    d = _digits(s)
    if d[-1] in "Xx" or BIRTH_DATE_RE.fullmatch(d[6:14]):
        return "id_card", d[:3] + "*" * 15
    return "bank_card", _card(s)


def _whole_number(s: str) -> tuple[str, str] | None:
    """A run of digits as an ID number or a bank card (16 to 19 digits, but for dates), as (kind, masked); None,
    left for the other rules, for any other run."""
    d = _digits(s)
    if len(d) == 18:
        return _id_number(s)
    if 16 <= len(d) <= 19 and d.isdigit() and not DATES_RE.fullmatch(s):
        return "bank_card", _card(s)
    return None


_MOBILE_DIGITS = re.compile(r"1[3-9][0-9]{9}")
_GROUP = re.compile(r"[0-9]+")
_MOBILE_AT = re.compile(r"(?=1[3-9][0-9]{9})")  # every place one begins, overlapping ones too
# Matched against the text before a number read backwards (so _SEP backwards): one attempt, where a search for
# the run's start would try every position.
_SEP_BACKWARDS = rf"(?:\s{{0,2}}{_MARK}{{1,2}})?\s{{0,2}}"
_DIGITS_BEFORE = re.compile(rf"{_SEP_BACKWARDS}[0-9](?:{_SEP_BACKWARDS}[0-9]){{0,9}}")
# The characters a separator begins or ends with (spaces and marks, all below U+3001): a quick test before the
# patterns that read the digits across it.
_SEPARATING = frozenset(ch for ch in map(chr, range(0x3001)) if re.fullmatch(rf"\s|{_MARK}", ch))
_DIGITS_AFTER = re.compile(rf"(?:{_SEP}[0-9]){{1,10}}")


def _mobile(m: re.Match, typed: str) -> tuple[str, str] | None:
    """A mobile number; None when the digits it is written against, across a separator, make another reading as
    likely: in "15130000000 01" (1五130000000 01) the eleven digits could also be 13000000001, and masking the first
    showed its middle. So does a number of figures and numerals, as 一 may be a dash: "13000一0一000 01" is
    13000000001 too. The run is then masked whole (_long_run), unless a reading without the numerals finds it."""
    left, right = _neighbours(m)
    if left or right:
        if _mixed(typed):
            return None
        d = _digits(m[0])
        run = left + d[:-11]
        at = len(run)
        run += d[-11:] + right
        other = _MOBILE_AT.search(run, max(0, at - 10), at + 21)
        if other and other.start() == at:
            other = _MOBILE_AT.search(run, at + 1, at + 21)
        if other:
            return None
    return "mobile", _phone(m[0])


def _landline_rule(m: re.Match, typed: str) -> tuple[str, str] | None:
    """A landline; None when it is part of a run that may hold a mobile number, which is then masked whole
    (_long_run): a run that begins with one ("130 0000000000": 0000000000 is no landline there), or any, when
    figures and numerals in the landline are written against other digits (see _mobile). An extension after it
    ("021-50801234-801") begins no mobile number."""
    left, right = _neighbours(m)
    run = left + _digits(m[0]) + right
    if (left or right) and _mixed(typed) and _MOBILE_DIGITS.search(run):
        return None
    if left and any(_MOBILE_DIGITS.match(run, i) for i in range(len(left))):
        return None
    return "landline", _landline(m[0])


def _id_rule(m: re.Match, typed: str) -> tuple[str, str] | None:
    """An ID number (or a card of 18 digits); None when figures and numerals in it are written against other
    digits in a run that may hold a mobile number (see _mobile), which is then masked whole (_long_run)."""
    if _mixed(typed):
        left, right = _neighbours(m)
        if (left or right) and _MOBILE_DIGITS.search(left + _digits(m[0]) + right):
            return None
    return _id_number(m[0])


def _mixed(text: str) -> bool:
    """Whether `text` holds figures and Chinese numerals."""
    if text.isascii():
        return False
    text = unicodedata.normalize("NFKC", text)
    return bool(_FIGURE.search(text) and _NUMERAL.search(text))


def _neighbours(m: re.Match) -> tuple[str, str]:
    """Up to 10 digits written against the match, across a separator, before it and after it."""
    text, start, end = m.string, m.start(), m.end()
    left = start and text[start - 1] in _SEPARATING and _DIGITS_BEFORE.match(text[max(0, start - 70):start][::-1])
    right = end < len(text) and text[end] in _SEPARATING and _DIGITS_AFTER.match(text, end)
    return (_digits(left[0])[::-1] if left else ""), (_digits(right[0]) if right else "")


def _long_run(s: str) -> tuple[str, str] | None:
    """A run of 12 digits or more, no card, ID number or dates, holding eleven that could be a mobile number:
    its first 3 and last 4 digits, which show no more of any number inside it than a masked phone number does;
    None for any other run."""
    if len(s) < 12:
        return None
    d = re.sub(r"[^0-9]", "", s)
    if len(d) < 12 or not _MOBILE_DIGITS.search(d) or DATES_RE.fullmatch(s):
        return None
    groups = [int(group) for group in _GROUP.findall(s) if len(group) <= 3]
    if len(groups) == len(_GROUP.findall(s)) > 2 and all(a < b for a, b in zip(groups, groups[1:])):
        return None  # a list in order ("13 14 15 16 17 18号楼"): no mobile number is written so
    return "mobile", f"{d[:3]}****{d[-4:]}"


def _as(kind: str, replace):
    return lambda m, typed: (kind, replace(m[0]))


def _account(kind: str):
    """A QQ number or WeChat ID shows its first character: the label before it stays, as typed."""
    def replace(m: re.Match, typed: str) -> tuple[str, str] | None:
        if kind == "wechat" and m["label"].isascii() and m["id"].isalpha() and not _SAID.search(m["between"]):
            return None  # "WeChat please": a word after an English label and a space is read as a word
        if m["label"] == "企鹅" and not _SAID.search(m["between"]) and not _ADDED.search(m.string, 0, m.start()):
            return None  # "企鹅 12000": penguins
        return kind, m["id"][0] + "****"
    return replace


# Each rule is given the match in the folded copy and what it replaces as typed (the group "id" only, when the
# pattern has one), and gives (kind, masked), or None to leave the match to the other rules; the kinds name
# what staff are warned of (services/public_text.WHAT).
_NUMBER_RULES = (  # order matters: an ID number and a bank card hold digit runs that look like a phone number
    (DIGIT_RUN_RE, lambda m, typed: _whole_number(m[0])),
    (ID_CARD_RE, _id_rule),
    (PHONE_RE, _mobile),
    (PHONE_IN_GROUPS_RE, _as("mobile", _phone)),
    (LANDLINE_RE, _landline_rule),
)
_RULES = (
    *_NUMBER_RULES,
    (LOOSE_EMAIL_RE, lambda m, typed: ("email", _email(typed))),
    # Last: a phone number or an address given as one ("微信：138…") is already masked as such.
    (QQ_RE, _account("qq")),
    (WECHAT_RE, _account("wechat")),
)
# After every reading: what is left of a run that none of them took apart (see _scan). After the e-mail rule,
# which takes an address with a long number before the @ whole; a QQ number is no run of 12 digits.
_LONG_RUN = ((DIGIT_RUN_RE, lambda m, typed: _long_run(m[0])),)
_RULES_AND_LONG_RUN = (*_RULES[:len(_NUMBER_RULES) + 1], *_LONG_RUN, *_RULES[len(_NUMBER_RULES) + 1:])


@dataclass(frozen=True)
class Found:
    """One piece of personal data: its kind (see _RULES), the match in the NFKC copy, without the label of a QQ
    number or WeChat ID (what staff text is compared with, such as the resident's contact), and the masked form."""

    kind: str
    found: str
    masked: str


# Every rule needs a digit (a Chinese numeral is one), an @ or a WeChat label (after NFKC): text with none, as
# most searches are, is returned at once instead of being folded character by character.
_MAY_HOLD = re.compile(rf"[0-9@{''.join(_NUMERALS)}]|微信|wechat|weixin|vx", re.IGNORECASE)


def mask_personal_data(text: str) -> str:
    """Hide phone numbers, ID-card and bank card numbers, e-mail addresses, QQ numbers and WeChat IDs, however
    they were typed."""
    return _scan(text)[0]


def personal_data_in(text: str | None) -> list[Found]:
    """What mask_personal_data would hide in `text`, in the order of its rules: the staff check of public
    text (services/public_text.py) warns with the very rules that mask residents' comments."""
    return _scan(text or "")[1]


def _scan(text: str) -> tuple[str, list[Found]]:
    found: list[Found] = []
    nfkc = unicodedata.normalize("NFKC", text) if text else ""
    if not _MAY_HOLD.search(nfkc):
        return text, found
    mixed = _mixed(nfkc)
    text = _apply(_RULES if mixed else _RULES_AND_LONG_RUN, text, found)
    # Read as digits, numerals written against figures join them into one run: "一13812345678" was 12 digits,
    # no phone number, and was published whole. Where numerals give way to figures a number may begin or end,
    # so the number rules also read the figures alone and the numerals alone. Each reading has fewer digits
    # than the first, so it finds only a number that would be found with any other character in their place.
    # A number no reading isolates was published whole: between numerals ("五138一二三四5678" is 12 digits read
    # together, and neither the figures nor the numerals alone hold it), with 一 typed for a dash
    # ("138一2345一5678"), or written against another ("1381234567813987654321"). Such a run is masked whole,
    # after every reading (with a single reading, in it: _RULES_AND_LONG_RUN).
    if mixed:
        text = _apply(_NUMBER_RULES, text, found, numerals=False)
        text = _apply(_NUMBER_RULES, text, found, figures=False)
        text = _apply(_LONG_RUN, text, found)
    return text, found


def _apply(rules, text: str, found: list[Found], numerals: bool = True, figures: bool = True) -> str:
    """`text` with what `rules` find in the reading of it asked for masked; each finding added to `found`."""
    folded, origin = _normalised(text, numerals, figures)
    whole = None  # in a reading of figures or numerals alone, the reading of both, made when first needed
    for pattern, replace in rules:
        pieces, last = [], 0
        for m in pattern.finditer(folded):
            span = m.span("id") if "id" in pattern.groupindex else m.span()
            start, end = origin[span[0]], origin[span[1] - 1] + 1
            result = replace(m, text[start:end])
            if result is None:
                continue
            if not (numerals and figures):
                whole = whole or _normalised(text)
                if _runs_into_a_mobile(*whole, start, end):
                    continue
            kind, masked = result
            found.append(Found(kind, folded[span[0]:span[1]], masked))
            pieces += [text[last:start], masked]
            last = end
        if pieces:
            text = "".join(pieces) + text[last:]
            folded, origin = _normalised(text, numerals, figures)
            whole = None
    return text


def _runs_into_a_mobile(folded: str, origin, start: int, end: int) -> bool:
    """Whether, read with the numerals, the digits written against text[start:end] and some of its own make a
    mobile number: "1三0000000000" is 13000000000 and a 0, "一七〇一三〇〇〇〇〇〇001" 170 and 13000000001, and
    the numbers in the figures or the numerals alone (0000000000, 17013000000) are no numbers there. The run
    is then masked whole (_long_run)."""
    i, j = bisect_left(origin, start), bisect_left(origin, end)
    left = _DIGITS_BEFORE.match(folded[max(0, i - 70):i][::-1])
    right = _DIGITS_AFTER.match(folded, j)
    if not (left or right):
        return False
    before = _digits(left[0]) if left else ""
    own = _digits(folded[i:j])
    run = before[::-1] + own + (_digits(right[0]) if right else "")
    a, b = len(before), len(before) + len(own)
    return any(k < b and k + 11 > a and (k < a or k + 11 > b) for k in (w.start() for w in _MOBILE_AT.finditer(run)))


def plain_name(name: str | None) -> str:
    """A display name as shown to the public: NFKC, without markup characters or control characters."""
    if not name:
        return ""
    name = _MARKUP.sub("", unicodedata.normalize("NFKC", name))
    return re.sub(r"\s+", " ", name).strip()


def is_contact_phone(value: str) -> bool:
    """Whether `value` (NFKC-normalised, stripped) is a phone number as the contact field takes it."""
    m = CONTACT_PHONE_RE.fullmatch(value)
    return bool(m) and sum(c.isdigit() for c in m["number"]) in CONTACT_PHONE_DIGITS
