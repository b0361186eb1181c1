"""Turn a published notice file into a plan folder under content/plans/<slug>/.

Only what the notice says is written: the normalised notice text, plan.yaml read from its header,
section names (Chinese from the notice, English left empty) and one item file per work point with
the official wording and empty plain-language fields. Item files that already exist are never
overwritten, so a writer's plain-language text survives a second import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .normalize import normalise
from .parser import ParsedNotice, parse_notice
from .readers import read_notice_file
from .store import NOTICE_FILE, PLAN_FILE, PLANS_DIR

_TITLE_IN_QUOTES = re.compile(r"《([^》]+)》")
_YEAR = re.compile(r"(\d{4})\s*年")


@dataclass
class PlannedImport:
    slug: str
    folder: Path
    notice: ParsedNotice
    problems: list[str]
    unknown_offices: list[str]
    files: dict[str, str] = field(default_factory=dict)  # path inside the plan folder -> text


@dataclass
class ImportOutcome:
    written: list[str]
    unchanged: list[str]
    kept: list[str]  # item files already there (perhaps with a writer's text), left alone


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _plan_title(notice: ParsedNotice) -> str:
    m = _TITLE_IN_QUOTES.search(notice.title)
    return m.group(1) if m else (notice.body_title or notice.title)


# plan.yaml fields a writer fills by hand (the notice is in Chinese only); a re-import keeps them.
WRITERS_FIELDS = ("issuer_en", "title_en")


def plan_record(notice: ParsedNotice, slug: str, kind: str | None, published: bool = False,
                written: dict | None = None) -> dict:
    """plan.yaml from the notice's header; `written` holds the writer's fields of an earlier import (else empty)."""
    title = _plan_title(notice)
    year = _YEAR.search(title)
    written = written or {}
    return {
        "slug": slug,
        "issuer": notice.issuer,
        "issuer_en": written.get("issuer_en") or "",
        "number": notice.number,
        "date": notice.date,
        "title": title,
        "title_en": written.get("title_en") or "",
        "year": int(year.group(1)) if year else int(notice.date[:4]),
        "kind": kind or ("city-management" if "城市管理" in title else "plan"),
        "published": published,
    }


def _item_text(item, number: str) -> str:
    head = f"# Work point {item.code} of {number}: plain-language text still to write (see content/STYLE.md).\n"
    return head + _dump({
        "code": item.code, "official": item.official_text,
        "title": {"zh": "", "en": ""}, "summary": {"zh": "", "en": ""},
        "targets": [], "places": [], "terms": [],
    })


def _sections_text(notice: ParsedNotice) -> str:
    names = {}
    for sec in notice.sections:
        names[str(sec.number)] = {"en": ""}
        for sub in sec.subsections:
            names[sub.code] = {"en": ""}
    return "# English names of the action areas, still to write (the Chinese comes from the notice).\n" + _dump(names)


def _known_offices(content_root: Path) -> set[str]:
    records = yaml.safe_load((content_root / "offices.yaml").read_text(encoding="utf-8")) or []
    return {r.get("zh") for r in records if isinstance(r, dict)}


def prepare_import(source: str | Path, slug: str, content_root: str | Path, kind: str | None = None,
                   publish: bool = False) -> PlannedImport:
    """Read, normalise and parse the notice; collect every unreadable line instead of stopping at the first.
    `publish` marks the plan published (a plan once published stays so on a re-import, and a writer's
    English in plan.yaml stays too)."""
    content_root = Path(content_root)
    raw, wrapped = read_notice_file(source)
    text = normalise(raw, hard_wrapped=wrapped)
    problems: list[str] = []
    notice = parse_notice(text, problems)
    known = _known_offices(content_root)
    unknown = sorted({o for i in notice.items for o in i.offices if o not in known})
    folder = content_root / PLANS_DIR / slug
    existing = folder / PLAN_FILE
    before = (yaml.safe_load(existing.read_text(encoding="utf-8")) or {}) if existing.exists() else {}
    written = {k: before.get(k) for k in WRITERS_FIELDS}
    planned = PlannedImport(slug, folder, notice, problems, unknown)
    planned.files[NOTICE_FILE] = text
    planned.files[PLAN_FILE] = (
        f"# Read from {NOTICE_FILE} by `flask plans import`; write issuer_en and title_en (English translations of\n"
        "# issuer and title), then set published: true once checked.\n"
        + _dump(plan_record(notice, slug, kind, publish or bool(before.get("published")), written)))
    planned.files["sections.yaml"] = _sections_text(notice)
    for item in notice.items:
        planned.files[f"items/{item.code}.yaml"] = _item_text(item, notice.number)
    return planned


def write_import(planned: PlannedImport) -> ImportOutcome:
    outcome = ImportOutcome([], [], [])
    for rel, text in planned.files.items():
        path = planned.folder / rel
        keep_writers_work = rel.startswith("items/") or rel == "sections.yaml"
        if path.exists() and path.read_text(encoding="utf-8") == text:
            outcome.unchanged.append(rel)
        elif path.exists() and keep_writers_work:
            outcome.kept.append(rel)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            outcome.written.append(rel)
    return outcome


def tree_lines(planned: PlannedImport) -> list[str]:
    """The dry run's report: the plan, each area and work point, then every line it could not read."""
    n = planned.notice
    out = [f"plan {planned.slug}: {n.number} {n.date} {_plan_title(n)} ({n.issuer})"]
    by_sub: dict[str, list] = {}
    for item in n.items:
        by_sub.setdefault(f"{item.section}.{item.subsection}", []).append(item)
    for sec in n.sections:
        out.append(f"{sec.number} {sec.title}")
        for sub in sec.subsections:
            out.append(f"  {sub.code} {sub.title}")
            for item in by_sub.get(sub.code, []):
                support = f" 配合: {'、'.join(item.supporting)}" if item.supporting else ""
                lead = item.offices[: len(item.offices) - len(item.supporting)]
                out.append(f"    {item.code} [{'、'.join(lead)}{support}] {item.deadline} ({item.when}) {item.official_text[:16]}…")
    out.append(f"{len(n.items)} work points")
    if planned.unknown_offices:
        out.append("offices not in content/offices.yaml (add them there): " + "、".join(planned.unknown_offices))
    out += [f"cannot read {p}" for p in planned.problems]
    return out
