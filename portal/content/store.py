"""The published content: the parsed notice joined with the plain-language files under content/.

Loaded once per process and read-only afterwards; the database never holds this text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .parser import NoticeParseError, ParsedNotice, parse_notice
from .schema import ItemFile, OfficeFile, PlaceFile, SectionName, TermFile

NOTICE_FILE = "notice.txt"


class ContentError(ValueError):
    """A content file is missing or invalid; the message names the file and the field."""


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Office:
    slug: str
    name: Text
    full_zh: str | None = None


@dataclass(frozen=True)
class Place:
    slug: str
    name: Text
    kind: str


@dataclass(frozen=True)
class Term:
    key: str
    name: Text
    explanation: Text
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name.zh, *self.aliases)


@dataclass(frozen=True)
class Target:
    key: str
    metric: Text
    value: float
    unit: Text
    comparator: str
    phrase: str

    @property
    def display_value(self) -> str:
        return f"{self.value:g}" if self.value != int(self.value) else f"{int(self.value):,}"


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
    summary: Text
    targets: tuple[Target, ...] = ()
    places: tuple[Place, ...] = ()
    terms: tuple[Term, ...] = ()

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
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{rel}: file is missing") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError(f"{rel}: not valid YAML/UTF-8: {exc}") from None


def _validate(model: type[BaseModel], data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise ContentError(f"{where}: {loc}: {err['msg']}") from None


def _list_file(path: Path, root: Path, model: type[BaseModel], key: str) -> list[Any]:
    data = _read_yaml(path, root)
    where = f"content/{path.name}"
    if not isinstance(data, list):
        raise ContentError(f"{where}: (top level): expected a list of records")
    records = [_validate(model, rec, f"{where}[{n}]") for n, rec in enumerate(data)]
    seen: set[str] = set()
    for n, rec in enumerate(records):
        value = getattr(rec, key)
        if value in seen:
            raise ContentError(f"{where}[{n}]: {key}: duplicate value {value!r}")
        seen.add(value)
    return records


def _fallback_title(text: str) -> str:
    first = re.split(r"[，。；,;]", text, maxsplit=1)[0]
    return first[:20]


def load_content(root: str | Path) -> ContentStore:
    root = Path(root)
    try:
        notice = parse_notice((root / NOTICE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"content/{NOTICE_FILE}: file is missing") from None
    except NoticeParseError as exc:
        raise ContentError(f"content/{NOTICE_FILE}: {exc}") from None

    offices = [Office(o.slug, Text(o.zh, o.en), o.full_zh) for o in _list_file(root / "offices.yaml", root, OfficeFile, "slug")]
    office_by_zh = {o.name.zh: o for o in offices}
    places = [Place(p.slug, Text(p.zh, p.en), p.kind) for p in _list_file(root / "places.yaml", root, PlaceFile, "slug")]
    place_by_slug = {p.slug: p for p in places}
    glossary = [
        Term(t.key, Text(t.zh, t.en), Text(t.explain_zh, t.explain_en), tuple(t.aliases))
        for t in _list_file(root / "glossary.yaml", root, TermFile, "key")
    ]
    term_by_key = {t.key: t for t in glossary}

    names_raw = _read_yaml(root / "sections.yaml", root) or {}
    if not isinstance(names_raw, dict):
        raise ContentError("content/sections.yaml: (top level): expected a mapping of codes")
    names = {str(k): _validate(SectionName, v, f"content/sections.yaml: {k}") for k, v in names_raw.items()}

    def english_name(code: str) -> SectionName:
        if code not in names:
            raise ContentError(f"content/sections.yaml: {code}: no English name for this section")
        return names[code]

    sections: list[Section] = []
    subs: dict[str, Subsection] = {}
    for ps in notice.sections:
        sec_name = english_name(str(ps.number))
        section = Section(ps.number, Text(ps.title, sec_name.en), sec_name.plain_zh)
        for psub in ps.subsections:
            sub = Subsection(psub.code, psub.number, Text(psub.title, english_name(psub.code).en))
            section.subsections.append(sub)
            subs[psub.code] = sub
        sections.append(section)

    aliases_raw = _read_yaml(root / "aliases.yaml", root) or []
    if not isinstance(aliases_raw, list) or not all(isinstance(g, list) and len(g) >= 2 for g in aliases_raw):
        raise ContentError("content/aliases.yaml: (top level): expected a list of lists of two or more words")
    aliases = [tuple(str(w) for w in group) for group in aliases_raw]

    items: list[Item] = []
    item_dir = root / "items"
    known_codes = {p.code for p in notice.items}
    for path in sorted(item_dir.glob("*.yaml")) if item_dir.is_dir() else []:
        if path.stem not in known_codes:
            raise ContentError(f"content/items/{path.name}: code: no work point {path.stem} in the notice")
    for parsed in notice.items:
        where = f"content/items/{parsed.code}.yaml"
        office_list = []
        for zh in parsed.offices:
            if zh not in office_by_zh:
                raise ContentError(f"content/offices.yaml: zh: no record for office {zh!r} (work point {parsed.code})")
            office_list.append(office_by_zh[zh])
        section = sections[parsed.section - 1]
        sub = subs[f"{parsed.section}.{parsed.subsection}"]
        path = item_dir / f"{parsed.code}.yaml"
        if path.exists():
            data = _validate(ItemFile, _read_yaml(path, root), where)
            if data.code != parsed.code:
                raise ContentError(f"{where}: code: {data.code!r} does not match the file name")
            targets = []
            for n, t in enumerate(data.targets):
                if t.phrase not in parsed.official_text:
                    raise ContentError(f"{where}: targets.{n}.phrase: {t.phrase!r} is not in the official text")
                targets.append(Target(t.key, Text(t.metric.zh, t.metric.en), t.value, Text(t.unit.zh, t.unit.en), t.comparator, t.phrase))
            for n, slug in enumerate(data.places):
                if slug not in place_by_slug:
                    raise ContentError(f"{where}: places.{n}: unknown place {slug!r}")
            for n, key in enumerate(data.terms):
                if key not in term_by_key:
                    raise ContentError(f"{where}: terms.{n}: unknown glossary term {key!r}")
            title = Text(data.title.zh, data.title.en)
            summary = Text(data.summary.zh, data.summary.en)
            item = Item(
                parsed.code, section, sub, parsed.number, parsed.official_text, tuple(office_list), parsed.deadline,
                title, summary, tuple(targets), tuple(place_by_slug[s] for s in data.places),
                tuple(term_by_key[k] for k in data.terms),
            )
        else:
            # Until its plain-language file exists, an item shows its official words only.
            title = sub.title if parsed.number is None else Text(_fallback_title(parsed.official_text), sub.title.en)
            item = Item(parsed.code, section, sub, parsed.number, parsed.official_text, tuple(office_list),
                        parsed.deadline, title, Text("", ""))
        section.items.append(item)
        items.append(item)
    return ContentStore(notice, sections, items, offices, places, glossary, aliases)
