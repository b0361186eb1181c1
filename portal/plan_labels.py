"""How pages name a plan and cite its notice, in the reader's language.

A notice exists in Chinese only. Chinese readers see its own words. English readers see the translation a
writer put in plan.yaml (`title_en`, `issuer_en`) or, while there is none, wording made only of facts the
plan holds (year, document number, date) with the Chinese name as it stands: the software never makes up
a translation of an official name.
"""
from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import gettext
from markupsafe import Markup, escape

from .content import Plan
from .i18n import N_, counts_kept_with_their_words, current_lang
from .punctuation import marks
from .services.content import content
from .templating import MONTHS_EN, unbroken

UNTRANSLATED_TITLE = N_("Work points of %(year)s, notice %(number)s")
SOURCE = N_("Source: notice %(number)s of %(date)s, issued by %(issuer)s. Plain-language texts explain the official "
            "wording; where they differ, the official text applies.")
INTRO = N_("Notice %(number)s of %(date)s, issued by %(issuer)s, has %(count)d work points in %(areas)d action areas.")
INTRO_PLAIN = N_("This site explains each one in plain language and shows how it is going.")
INTRO_OFFICIAL = N_("This site shows each one and how it is going.")


def plan_title(plan: Plan) -> str:
    """Plain text, so it also fits where markup cannot go (an <option>, a <title>); on the page, plan_heading."""
    if current_lang() != "en":
        return plan.title
    return plan.title_en or gettext(UNTRANSLATED_TITLE, year=plan.year, number=plan.number)


def plan_heading(plan: Plan) -> Markup:
    """plan_title where it is read on the page (a heading, a link): its year and document number each kept on
    one line ("2023年" never split as "2023" / "年" on a phone), as unbroken keeps every figure."""
    return unbroken(plan_title(plan))


def plan_issuer(plan: Plan) -> Markup:
    if current_lang() != "en":
        return escape(plan.issuer)
    if plan.issuer_en:
        return escape(plan.issuer_en)
    # Marked, so a screen reader reads the Chinese name in Chinese on an English page.
    return Markup('<span lang="zh-Hans">{}</span>').format(plan.issuer)


def plan_number(plan: Plan) -> Markup:
    """The document number (浦张府〔2023〕45号), marked Chinese on an English page as the issuer is."""
    if current_lang() != "en":
        return escape(plan.number)
    return Markup('<span lang="zh-Hans">{}</span>').format(plan.number)


def notice_day(plan: Plan) -> str:
    """The date of the notice as a reader writes it: "21 June 2023", "2023年6月21日"."""
    day = date.fromisoformat(plan.date)
    if current_lang() == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def _say(message: str, plan: Plan, **more) -> Markup:
    """`message` in the reader's language, with the plan's issuer, number and date put in (escaped)."""
    facts = {"issuer": plan_issuer(plan), "number": plan_number(plan), "date": unbroken(notice_day(plan)), **more}
    return escape(counts_kept_with_their_words(gettext(message))) % facts


def page_plan() -> Plan:
    """The plan the page shows, else the current plan (on pages of no plan: search, tracking, privacy)."""
    return content().plan


def plan_source(plan: Plan | None = None) -> Markup:
    """The footer's source line: the notice of the plan the page shows, else of the current plan."""
    return _say(SOURCE, plan or page_plan())


def plan_intro(plan: Plan, items: list, sections: list) -> Markup:
    """The home page's opening: who issued what and when; "plain language" only once every item has it."""
    plain = all(item.plain for item in items)
    closing = escape(gettext(INTRO_PLAIN if plain else INTRO_OFFICIAL))
    return _say(INTRO, plan, count=len(items), areas=len(sections)) + marks(current_lang())["space"] + closing


def init_app(app: Flask) -> None:
    for helper in (page_plan, plan_title, plan_heading, plan_issuer, plan_number, notice_day, plan_source, plan_intro):
        app.add_template_global(helper)
