"""A form sent with mistakes, as an older resident meets it: a 360 px phone in care mode, in both languages.
The page that comes back puts focus on the error summary (so it is read out and the next Tab goes to the
first link in it; no JavaScript needed: the forms post to #error-summary), passes axe with AAA contrast and
keeps 48 px targets, ties every message to its field (aria-describedby), marks the field invalid and keeps
what was typed. Comment form (every kind of mistake and the too-many-comments answer), follow form,
tracking-code look-up."""
from __future__ import annotations

import pytest

from browser_support import screenshot
from feedback_support import submit_direct
from mail_support import mail_app, smtp  # noqa: F401 (fixtures)
from test_accessibility import care_page_problems, with_axe

ITEM = "/{lang}/plans/2023-city-management/items/2.3"

# Where focus is, whether the focused element is on screen and shows a focus ring.
FOCUS = """() => { const el = document.activeElement, r = el.getBoundingClientRect(), st = getComputedStyle(el);
  return {top: r.top, h: innerHeight, cls: el.className, text: el.textContent.trim().slice(0, 60), onScreen: r.top >= 5 && r.top < innerHeight,  // 5: its focus ring above it shows too
          ring: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2}; }"""
# For an invalid field: the text of the elements that describe it.
DESCRIBED = """id => { const el = document.getElementById(id);
  return {invalid: el.getAttribute('aria-invalid'), value: el.type === 'checkbox' ? String(el.checked) : el.value,
          described: (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
                      .map(d => (document.getElementById(d) || {textContent: '(missing #' + d + ')'}).textContent.trim())}; }"""


def _focus_on_summary(tab, problems: list[str], where: str, says: str) -> None:
    focus = tab.evaluate(FOCUS)
    if "error-summary" not in focus["cls"] or says not in focus["text"]:
        problems.append(f"{where}: focus is on {focus['cls'] or 'the page'!r} ({focus['text']!r}), not the error summary")
    elif not (focus["onScreen"] and focus["ring"]):
        problems.append(f"{where}: the focused summary is off screen or has no focus ring: {focus}")
    problems.extend(care_page_problems(tab, where))


def _tied(tab, problems: list[str], where: str, field_id: str, message: str, typed: str | None = None) -> None:
    got = tab.evaluate(DESCRIBED, field_id)
    if got["invalid"] != "true" or not any(message in d for d in got["described"]):
        problems.append(f"{where}: #{field_id} is not marked invalid or not described by {message!r}: {got}")
    if typed is not None and got["value"] != typed:
        problems.append(f"{where}: #{field_id} lost what was typed: {got['value']!r} instead of {typed!r}")


WORDS = {
    "zh": {"send": "提交留言", "summary": "请修改以下内容", "emoji": "请用文字或数字", "contact": "请填写电话号码或电子邮箱",
           "notify": "请在上面填写您的电子邮箱", "empty": "请填写留言内容", "wait": "您最近已提交多条留言", "follow": "用电子邮件关注",
           "email": "电子邮箱", "check": "查询", "no_code": "请输入您提交留言时得到的查询码", "unknown": "没有查询码为"},
    "en": {"send": "Send comment", "summary": "Please correct the following", "emoji": "in words or numbers",
           "contact": "Please give a phone number or an e-mail address", "notify": "Please give your e-mail address above",
           "empty": "Please write your comment", "wait": "Please wait", "follow": "Follow by e-mail", "email": "e-mail",
           "check": "Check", "no_code": "Please type the tracking code", "unknown": "No comment has the tracking code"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_failed_form_takes_focus_to_its_error_summary(mail_app, live_server, browser_context_factory, lang):
    server = live_server(mail_app)
    w = WORDS[lang]
    ctx = with_axe(browser_context_factory("phone-360"))  # axe needs scripts; the fragment focus works without
    ctx.add_cookies([{"name": "care", "value": "1", "url": server.url}])
    tab = ctx.new_page()
    item = server.url + ITEM.format(lang=lang)
    problems: list[str] = []

    tab.goto(item)
    tab.fill("#body", "!!! ???")
    tab.fill("#display_name", "王阿姨")
    tab.fill("#contact", "next door")
    tab.check("#notify_reply")
    tab.get_by_role("button", name=w["send"]).click()
    _focus_on_summary(tab, problems, "comment form", w["summary"])
    _tied(tab, problems, "comment form", "body", w["emoji"], "!!! ???")
    _tied(tab, problems, "comment form", "contact", w["contact"], "next door")
    _tied(tab, problems, "comment form", "notify_reply", w["notify"], "true")
    if tab.input_value("#display_name") != "王阿姨":
        problems.append("comment form: the name was lost")
    screenshot(tab, f"form-errors-comment-{lang}-care-360")

    tab.goto(item)
    tab.get_by_role("button", name=w["send"]).click()
    _focus_on_summary(tab, problems, "empty comment", w["summary"])
    _tied(tab, problems, "empty comment", "body", w["empty"], "")

    for n in range(mail_app.config["FEEDBACK_RATE_LIMIT"]):
        submit_direct(mail_app, body=f"第{n}条留言：电梯什么时候开工？", ip="127.0.0.1")
    tab.goto(item)
    tab.fill("#body", "三号楼加装电梯什么时候开工？")
    tab.get_by_role("button", name=w["send"]).click()
    _focus_on_summary(tab, problems, "too many comments", w["wait"])
    if tab.input_value("#body") != "三号楼加装电梯什么时候开工？":
        problems.append("too many comments: the comment was lost")

    tab.goto(item)
    tab.fill("#follow-email", "wang at qq")
    tab.get_by_role("button", name=w["follow"], exact=True).click()
    _focus_on_summary(tab, problems, "follow form", w["email"])
    _tied(tab, problems, "follow form", "follow-email", w["email"], "wang at qq")
    screenshot(tab, f"form-errors-follow-{lang}-care-360")

    tab.goto(f"{server.url}/{lang}/feedback/")
    tab.fill("#code", " ")
    tab.get_by_role("button", name=w["check"], exact=True).click()
    _focus_on_summary(tab, problems, "empty tracking code", w["no_code"])
    _tied(tab, problems, "empty tracking code", "code", w["no_code"])
    tab.fill("#code", "ZJ-AAAAAA")
    tab.get_by_role("button", name=w["check"], exact=True).click()
    _focus_on_summary(tab, problems, "unknown tracking code", w["unknown"])
    _tied(tab, problems, "unknown tracking code", "code", w["unknown"], "ZJ-AAAAAA")
    screenshot(tab, f"form-errors-lookup-{lang}-care-360")
    assert not problems, "\n".join(problems)
