"""The published content: the parsed notice joined with the plain-language files under content/.

Loaded once per process and read-only afterwards; the database never holds this text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext
from pydantic import BaseModel, ValidationError

from .. import yaml_text
from .parser import WHEN_ALL_YEAR, WHEN_ONGOING, NoticeParseError, ParsedNotice, deadline_from_period, parse_notice
from .schema import (InLanguage, ItemFile, OfficeFile, PlaceFile, PlainText, PlanFile, SearchSuggestions, SectionName,
                     TargetFile, TermFile)

NOTICE_FILE = "notice.txt"
PLAN_FILE = "plan.yaml"
PLANS_DIR = "plans"


class ContentError(ValueError):
    """A content file is missing or invalid; the message names the file and the field."""


@dataclass(frozen=True)
class Text(InLanguage):
    """Wording built by the loader, which may fall back to the notice's Chinese where English is unwritten."""
    zh: str
    en: str


# The records of content/*.yaml are used as they were validated.
Office = OfficeFile
Place = PlaceFile
Term = TermFile
Target = TargetFile


@dataclass(frozen=True)
class Subsection:
    code: str
    number: int
    title: Text


@dataclass
class Section:
    number: int
    title: Text
    plain_zh: str | None
    subsections: list[Subsection] = field(default_factory=list)
    items: list["Item"] = field(default_factory=list)


class Plan(PlanFile):
    """One published notice: the facts of its plan.yaml and its folder under content/plans/."""
    folder: Path

    @property
    def rel(self) -> str:
        return f"content/{PLANS_DIR}/{self.slug}"


@dataclass(frozen=True)
class Item:
    code: str
    section: Section
    subsection: Subsection
    number: int | None
    official_text: str
    offices: tuple[Office, ...]
    deadline: str
    title: Text
    summary: InLanguage
    targets: tuple[Target, ...] = ()
    places: tuple[Place, ...] = ()
    terms: tuple[Term, ...] = ()
    # False until a writer has filled the plain-language summary: pages then show the official text
    # with "plain-language summary in preparation", never wording made up by the software.
    plain: bool = True
    clause: str = ""  # the notice's （责任部门：…；时间节点：…） verbatim
    when: str = ""  # the notice's 时间节点 words
    plan: str = ""  # the slug of the plan this work point belongs to; codes are unique within a plan only
    continues: str | None = None  # "<plan-slug>/<code>" of an earlier plan's item, from the item file

    @property
    def open_ended(self) -> str | None:
        """"year" (全年) or "ongoing" (持续推进) when the notice gives no month; the deadline is then the year's end.
        "period" when the month was read from a period (第三季度) or is the last of several (6月、12月): a
        page that showed the month alone would state a date the notice does not. "none" when the notice's
        clause names offices and no deadline at all."""
        if self.clause and not self.when:
            return "none"
        if self.when in WHEN_ALL_YEAR:
            return "year"
        if self.when in WHEN_ONGOING:
            return "ongoing"
        return "period" if deadline_from_period(self.when) else None

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.code.split("."))


@dataclass
class ContentStore:
    notice: ParsedNotice
    sections: list[Section]
    items: list[Item]
    offices: list[Office]
    places: list[Place]
    glossary: list[Term]
    aliases: list[tuple[str, ...]]
    plan: Plan | None = None
    plans: list[Plan] = field(default_factory=list)
    suggestions: SearchSuggestions | None = None
    # Other plans' `continues:` lines naming a point of this plan by a code a renumbering moved (renumbered.py).
    renumbered: dict[str, dict[str, str]] = field(default_factory=dict)
    _by_code: dict[str, Item] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_code = {i.code: i for i in self.items}

    def item(self, code: str) -> Item | None:
        return self._by_code.get(code)

    def section(self, number: int) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)

    def office(self, slug: str) -> Office | None:
        return next((o for o in self.offices if o.slug == slug), None)

    def place(self, slug: str) -> Place | None:
        return next((p for p in self.places if p.slug == slug), None)

    def items_by_office(self, slug: str) -> list[Item]:
        return [i for i in self.items if any(o.slug == slug for o in i.offices)]

    def items_by_month(self, month: str) -> list[Item]:
        return [i for i in self.items if i.deadline == month]

    def items_by_place(self, slug: str) -> list[Item]:
        return [i for i in self.items if any(p.slug == slug for p in i.places)]

    @property
    def months(self) -> list[str]:
        return sorted({i.deadline for i in self.items})


def _read_yaml(path: Path, root: Path) -> Any:
    rel = path.relative_to(root.parent) if root.parent in path.parents else path
    try:
        return yaml_text.load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(gettext("%(file)s: file is missing", file=rel)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError(gettext("%(file)s: not valid YAML/UTF-8: %(why)s", file=rel, why=exc)) from None


def _validate(model: type[BaseModel], data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise ContentError(f"{where}: {loc}: {err['msg']}") from None


def _list_file(path: Path, root: Path, model: type[BaseModel], key: str, where: str | None = None) -> list[Any]:
    data = _read_yaml(path, root)
    where = where or f"content/{path.name}"
    if not isinstance(data, list):
        raise ContentError(f"{where}: (top level): expected a list of records")
    records = [_validate(model, rec, f"{where}[{n}]") for n, rec in enumerate(data)]
    seen: set[str] = set()
    for n, rec in enumerate(records):
        value = getattr(rec, key)
        if value in seen:
            raise ContentError(gettext("%(where)s: duplicate value %(value)s", where=f"{where}[{n}]: {key}",
                                       value=repr(value)))
        seen.add(value)
    return records


# Characters of one figure (20, 1.2万, 95%, 三十五) or one Latin word: a heading never ends inside one.
_UNBROKEN = re.compile(r"[0-9A-Za-z.．%％万亿千百十〇零一二三四五六七八九两]")
FALLBACK_TITLE_LENGTH = 20


def _fallback_title(text: str) -> str:
    """The clause's first words up to 20 characters, cut before a figure rather than through it: 不少于20处
    cut at 20 characters read 不少于2, a figure the notice does not give."""
    first = re.split(r"[，。；,;]", text, maxsplit=1)[0]
    cut = FALLBACK_TITLE_LENGTH
    if len(first) > cut and _UNBROKEN.match(first[cut]):
        while cut > 0 and _UNBROKEN.match(first[cut - 1]):
            cut -= 1
    return first[:cut] if cut else first[:FALLBACK_TITLE_LENGTH]


class UnknownOfficeError(ContentError):
    """A work point names an office that content/offices.yaml has no record for."""


def read_plan(root: Path, folder: Path, slug: str) -> Plan:
    """The plan.yaml of `folder`, which is content/plans/<slug>/ or the importer's copy of it being built."""
    where = f"content/{PLANS_DIR}/{slug}/{PLAN_FILE}"
    data = _validate(PlanFile, _read_yaml(folder / PLAN_FILE, root), where)
    if data.slug != slug:
        raise ContentError(gettext("%(where)s: %(slug)s does not match the folder name", where=f"{where}: slug",
                                   slug=repr(data.slug)))
    return Plan(**data.model_dump(), folder=folder)


def discover_plans(root: str | Path) -> list[Plan]:
    """Every plan folder under content/plans/, newest year first."""
    root = Path(root)
    # Folders whose name starts with a dot are the importer's work in progress (importer.py), not plans.
    plans = [read_plan(root, path.parent, path.parent.name)
             for path in sorted((root / PLANS_DIR).glob(f"*/{PLAN_FILE}")) if not path.parent.name.startswith(".")]
    return sorted(plans, key=lambda p: (p.year, p.date, p.slug), reverse=True)


def choose_plan(plans: list[Plan], slug: str | None) -> Plan:
    if not plans:
        raise ContentError(f"content/{PLANS_DIR}: no plan folder with a {PLAN_FILE}")
    if not slug:
        # An imported plan stays unpublished until staff have checked it, so it never replaces the site.
        return ([p for p in plans if p.published] or plans)[0]
    for plan in plans:
        if plan.slug == slug:
            return plan
    raise ContentError(f"PORTAL_CURRENT_PLAN: no plan {slug!r} in content/{PLANS_DIR}")


def _shared_and_plan(root: Path, plan: Plan, name: str, model: type[BaseModel], key: str) -> list[Any]:
    """A shared list at the top of content/ plus the plan's own additions, if it has any."""
    records = _list_file(root / name, root, model, key)
    own = plan.folder / name
    if own.exists():
        extra = _list_file(own, root, model, key, f"{plan.rel}/{name}")
        known = {getattr(r, key) for r in records}
        for n, rec in enumerate(extra):
            if getattr(rec, key) in known:
                raise ContentError(gettext("%(where)s: %(value)s is already in %(file)s",
                                           where=f"{plan.rel}/{name}[{n}]: {key}", value=repr(getattr(rec, key)),
                                           file=f"content/{name}"))
        records += extra
    return records


def _read_notice(plan: Plan) -> ParsedNotice:
    where = f"{plan.rel}/{NOTICE_FILE}"
    try:
        return parse_notice((plan.folder / NOTICE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(gettext("%(file)s: file is missing", file=where)) from None
    except NoticeParseError as exc:
        raise ContentError(f"{where}: {exc}") from None


def _section_names(root: Path, plan: Plan) -> dict[str, SectionName]:
    path = plan.folder / "sections.yaml"
    where = f"{plan.rel}/sections.yaml"
    names_raw = (_read_yaml(path, root) if path.exists() else {}) or {}
    if not isinstance(names_raw, dict):
        raise ContentError(f"{where}: (top level): expected a mapping of codes")
    return {str(k): _validate(SectionName, v, f"{where}: {k}") for k, v in names_raw.items()}


def _build_sections(notice: ParsedNotice, names: dict[str, SectionName], plan: Plan):
    def english(code: str) -> SectionName:
        # A published plan needs every English name; an imported one shows the Chinese until written.
        if code not in names and plan.published:
            raise ContentError(gettext("%(where)s: no English name for this section",
                                       where=f"{plan.rel}/sections.yaml: {code}"))
        return names.get(code) or SectionName()

    sections: list[Section] = []
    subs: dict[str, Subsection] = {}
    for ps in notice.sections:
        name = english(str(ps.number))
        section = Section(ps.number, Text(ps.title, name.en or ps.title), name.plain_zh)
        for psub in ps.subsections:
            sub = Subsection(psub.code, psub.number, Text(psub.title, english(psub.code).en or psub.title))
            section.subsections.append(sub)
            subs[psub.code] = sub
        sections.append(section)
    return sections, subs


def _read_aliases(root: Path) -> list[tuple[str, ...]]:
    aliases_raw = _read_yaml(root / "aliases.yaml", root) or []
    if not isinstance(aliases_raw, list) or not all(isinstance(g, list) and len(g) >= 2 for g in aliases_raw):
        raise ContentError("content/aliases.yaml: (top level): expected a list of lists of two or more words")
    return [tuple(str(w) for w in group) for group in aliases_raw]


def _read_suggestions(root: Path) -> SearchSuggestions:
    name = "search_suggestions.yaml"
    return _validate(SearchSuggestions, _read_yaml(root / name, root), f"content/{name}")


@dataclass
class _Lookups:
    office_by_zh: dict[str, Office]
    place_by_slug: dict[str, Place]
    term_by_key: dict[str, Term]


def _item_from_file(parsed, section, sub, offices, data: ItemFile, where: str, lk: _Lookups, plan_slug: str) -> Item:
    for n, t in enumerate(data.targets):
        if t.phrase not in parsed.official_text:
            raise ContentError(gettext("%(where)s: %(phrase)s is not in the official text",
                                       where=f"{where}: targets.{n}.phrase", phrase=repr(t.phrase)))
    for n, slug in enumerate(data.places):
        if slug not in lk.place_by_slug:
            raise ContentError(gettext("%(where)s: unknown place %(place)s", where=f"{where}: places.{n}",
                                       place=repr(slug)))
    for n, key in enumerate(data.terms):
        if key not in lk.term_by_key:
            raise ContentError(gettext("%(where)s: unknown glossary term %(term)s", where=f"{where}: terms.{n}",
                                       term=repr(key)))
    fallback = _official_title(parsed, sub)
    title = Text(data.title.zh or fallback.zh, data.title.en or data.title.zh or fallback.en)
    return Item(
        parsed.code, section, sub, parsed.number, parsed.official_text, offices, parsed.deadline,
        title, data.summary, tuple(data.targets), tuple(lk.place_by_slug[s] for s in data.places),
        tuple(lk.term_by_key[k] for k in data.terms), plain=bool(data.summary.zh),
        clause=parsed.clause, when=parsed.when, plan=plan_slug, continues=data.continues,
    )


def _official_title(parsed, sub: Subsection) -> Text:
    """The notice's own words as a heading, for an item whose plain-language title is not written yet."""
    return sub.title if parsed.number is None else Text(_fallback_title(parsed.official_text), sub.title.en)


def _build_items(root: Path, plan: Plan, notice: ParsedNotice, sections, subs, lk: _Lookups) -> list[Item]:
    item_dir = plan.folder / "items"
    known_codes = {p.code for p in notice.items}
    for path in sorted(item_dir.glob("*.yaml")) if item_dir.is_dir() else []:
        if path.stem not in known_codes:
            raise ContentError(gettext("%(where)s: no work point %(code)s in the notice",
                                       where=f"{plan.rel}/items/{path.name}: code", code=path.stem))
    items: list[Item] = []
    for parsed in notice.items:
        where = f"{plan.rel}/items/{parsed.code}.yaml"
        office_list = []
        for zh in parsed.offices:
            if zh not in lk.office_by_zh:
                raise UnknownOfficeError(gettext("content/offices.yaml: zh: no record for office %(office)s "
                                                 "(work point %(code)s)", office=repr(zh), code=parsed.code))
            office_list.append(lk.office_by_zh[zh])
        section = sections[parsed.section - 1]
        sub = subs[f"{parsed.section}.{parsed.subsection}"]
        path = item_dir / f"{parsed.code}.yaml"
        if path.exists():
            data = _validate(ItemFile, _read_yaml(path, root), where)
            if data.code != parsed.code:
                raise ContentError(gettext("%(where)s: %(code)s does not match the file name", where=f"{where}: code",
                                           code=repr(data.code)))
            if data.official and data.official != parsed.official_text:
                raise ContentError(gettext("%(where)s: differs from the notice's text of work point %(code)s",
                                           where=f"{where}: official", code=parsed.code))
            item = _item_from_file(parsed, section, sub, tuple(office_list), data, where, lk, plan.slug)
        else:
            item = Item(parsed.code, section, sub, parsed.number, parsed.official_text, tuple(office_list),
                        parsed.deadline, _official_title(parsed, sub), PlainText(), plain=False,
                        clause=parsed.clause, when=parsed.when, plan=plan.slug)
        section.items.append(item)
        items.append(item)
    return items


def _check_continues(items: list[Item], plan: Plan, plans: list[Plan]) -> None:
    """`continues` names an earlier plan; that plan's codes are checked by `flask plans check`."""
    years = {p.slug: p.year for p in plans}
    for item in items:
        if item.continues is None:
            continue
        slug = item.continues.split("/", 1)[0]
        where = f"{plan.rel}/items/{item.code}.yaml: continues"
        if slug not in years:
            raise ContentError(gettext("%(where)s: no plan %(slug)s in %(folder)s", where=where, slug=repr(slug),
                                       folder=f"content/{PLANS_DIR}"))
        if slug == plan.slug or years[slug] > plan.year:
            raise ContentError(gettext("%(where)s: %(slug)s is not an earlier plan than %(plan)s", where=where,
                                       slug=repr(slug), plan=repr(plan.slug)))


def load_content(root: str | Path, plan_slug: str | None = None, plans: list[Plan] | None = None) -> ContentStore:
    """Load the shared files and one plan (by default the newest) into a read-only store."""
    root = Path(root)
    plans = discover_plans(root) if plans is None else plans
    plan = choose_plan(plans, plan_slug)
    notice = _read_notice(plan)
    offices: list[Office] = _list_file(root / "offices.yaml", root, OfficeFile, "slug")
    places: list[Place] = _shared_and_plan(root, plan, "places.yaml", PlaceFile, "slug")
    glossary: list[Term] = _shared_and_plan(root, plan, "glossary.yaml", TermFile, "key")
    sections, subs = _build_sections(notice, _section_names(root, plan), plan)
    aliases = _read_aliases(root)
    lk = _Lookups({o.name.zh: o for o in offices}, {p.slug: p for p in places}, {t.key: t for t in glossary})
    items = _build_items(root, plan, notice, sections, subs, lk)
    _check_continues(items, plan, plans)
    from . import renumbered  # it lists plans with discover_plans, from this module

    return ContentStore(notice, sections, items, offices, places, glossary, aliases, plan, plans,
                        _read_suggestions(root), renumbered.read(plan.folder))


@dataclass
class PlanRegistry:
    """Every plan the site serves (the published ones and the current one), newest first, by slug."""
    stores: dict[str, ContentStore]
    current: str

    def store(self, slug: str | None = None) -> ContentStore | None:
        return self.stores.get(slug or self.current)

    @cached_property
    def items_by_plan_code(self) -> dict[tuple[str, str], Item]:
        """Every served work point by (plan, code): a search looks up each of its ranked hits. A registry never
        changes once loaded (loading a plan makes a new one), so this is built on first use and kept."""
        return {(slug, item.code): item for slug, store in self.stores.items() for item in store.items}

    @property
    def current_store(self) -> ContentStore:
        return self.stores[self.current]

    @property
    def plans(self) -> list[Plan]:
        return [s.plan for s in self.stores.values()]


def load_plans(root: str | Path, current_slug: str | None = None) -> PlanRegistry:
    """Load every published plan plus the current one (which may be an unpublished plan chosen by name)."""
    plans = discover_plans(root)
    current = choose_plan(plans, current_slug)
    served = [p for p in plans if p.published or p.slug == current.slug]
    return PlanRegistry({p.slug: load_content(root, p.slug, plans) for p in served}, current.slug)
