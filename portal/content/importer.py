"""Turn a published notice file into a plan folder under content/plans/<slug>/.

Only what the notice says is written: the normalised notice text, plan.yaml read from its header,
section names (Chinese from the notice, English left empty) and one item file per work point with
the official wording and empty plain-language fields. On a re-import a writer's plain-language text
survives in the item files of work points the notice still has; `official:` is always the notice's.

The folder is built beside the live one, loaded by the site's own loader and only then swapped in,
so an import that fails, or whose result would not load, leaves the live plan as it was.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from flask_babel import gettext

from . import renumbered as renumbered_record
from .honesty import plan_problems
from .normalize import normalise
from .parser import NoticeParseError, ParsedNotice, parse_notice, plan_title
from ..config import NOTICE_MAX_BYTES, NOTICE_MAX_UNZIPPED_BYTES
from .readers import read_notice_file
from .store import (NOTICE_FILE, PLAN_FILE, PLANS_DIR, ContentError, UnknownOfficeError, discover_plans, load_content,
                    read_plan)


@dataclass
class PlannedImport:
    slug: str
    folder: Path
    notice: ParsedNotice
    problems: list[NoticeParseError]
    unknown_offices: list[str]
    published: bool = False  # what plan.yaml will say: asked for, or already so
    files: dict[str, str] = field(default_factory=dict)  # path inside the plan folder -> text
    # "1.1.2 → 1.1.3": renumbered work points under whose old code the database holds records
    renumbered_with_records: list[str] = field(default_factory=list)
    # Work points struck out of the notice (not renumbered) that the database holds records under: the
    # import goes ahead (the notice decides), and says that these records no longer show on the site.
    struck_out_with_records: list[str] = field(default_factory=list)
    # Work points whose official text changed under the same code (not renumbered) that the database holds
    # records under: the records stay with the code, which may now be another work point (one added before it).
    reworded_with_records: list[str] = field(default_factory=list)
    # "3.1.2 → 3.1.1": a moved point would take the code of a struck-out point that has records, which
    # would then show under it; moving records cannot help (they belong to no point of the new notice).
    taken_with_records: list[str] = field(default_factory=list)
    move_records: bool = False  # records go with renumbered work points (services/renumbering.py)
    records_moved: dict[str, int] = field(default_factory=dict)  # old code -> records moved with it
    # The work points of the plan's current notice (code -> official text); empty on a first import.
    previous: dict[str, str] = field(default_factory=dict)
    # The words of text boxes left out as no part of the notice (a seal, a page header): the clerk checks them.
    ignored_boxes: list[str] = field(default_factory=list)

    @cached_property
    def moves(self) -> dict[str, str]:
        return renumbered(self)

    @property
    def refusal(self) -> str | None:
        """Why this import cannot be written (its dry run then fails too), or None."""
        if self.problems:
            return gettext("%(count)s line(s) could not be read; nothing written", count=len(self.problems))
        if self.taken_with_records:
            return gettext("a renumbered work point would take the number of a struck-out one whose progress "
                           "updates, comments, sites, marks, outcomes or e-mail followers would then show under it: "
                           "%(moves)s; nothing is written", moves=", ".join(self.taken_with_records))
        if self.renumbered_with_records and not self.move_records:
            # Records point at (plan, code): under the old code they would show beside another work point.
            return gettext("this notice renumbers work points that have progress updates, comments, sites, marks, "
                           "outcomes or e-mail followers: %(moves)s; they would then belong to another work point, "
                           "so nothing is written (--move-records moves them with their work points)",
                           moves=", ".join(self.renumbered_with_records))
        if self.published and self.unknown_offices:
            # A published plan is loaded at every start; one naming an unknown office would stop the site.
            return gettext("cannot publish: offices not in content/offices.yaml (add them there first): %(offices)s",
                           offices="、".join(self.unknown_offices))
        return None


@dataclass
class ImportOutcome:
    written: list[str]
    unchanged: list[str]
    kept: list[str]  # item files and sections.yaml with a writer's text, kept
    removed: list[str] = field(default_factory=list)  # item files of work points no longer in the notice
    reworded: list[str] = field(default_factory=list)  # item files whose official text changed: reread the writer's
    dropped_targets: list[str] = field(default_factory=list)  # "items/<code>.yaml: <key>": phrase no longer in the text
    moved: dict[str, str] = field(default_factory=dict)  # old code -> new code of a work point renumbered


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _plan_title(notice: ParsedNotice) -> str:
    return plan_title(notice.title, notice.body_title)


# plan.yaml fields a writer fills by hand (the notice is in Chinese only); a re-import keeps them.
WRITERS_FIELDS = ("issuer_en", "title_en")


def plan_record(notice: ParsedNotice, slug: str, kind: str | None, published: bool = False,
                written: dict | None = None) -> dict:
    """plan.yaml from the notice's header; `written` holds the writer's fields of an earlier import (else empty)."""
    title = _plan_title(notice)
    written = written or {}
    return {
        "slug": slug,
        "issuer": notice.issuer,
        "issuer_en": written.get("issuer_en") or "",
        "number": notice.number,
        "date": notice.date,
        "title": title,
        "title_en": written.get("title_en") or "",
        "year": notice.year,
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


def _section_codes(notice: ParsedNotice) -> list[str]:
    return [code for sec in notice.sections for code in (str(sec.number), *(sub.code for sub in sec.subsections))]


def _sections_text(notice: ParsedNotice) -> str:
    names = {code: {"en": ""} for code in _section_codes(notice)}
    return "# English names of the action areas, still to write (the Chinese comes from the notice).\n" + _dump(names)


def _known_offices(content_root: Path) -> set[str]:
    records = yaml.safe_load((content_root / "offices.yaml").read_text(encoding="utf-8")) or []
    return {r.get("zh") for r in records if isinstance(r, dict)}


def _one_notice_one_folder(content_root: Path, slug: str, notice: ParsedNotice) -> None:
    """One notice, one plan folder: a mistyped --slug would otherwise publish a second copy of it, and a
    slug copied from last year's command would make next year's notice a "corrected" notice of last
    year's plan, keeping its writers' text and its records under the same codes."""
    number = notice.number
    for other in discover_plans(content_root):
        if other.slug != slug and other.number == number:
            raise ContentError(gettext("%(number)s is already imported in %(folder)s: import it again with --slug "
                                       "%(slug)s", number=number, folder=other.rel, slug=other.slug))
        if other.slug == slug and other.number != number:
            raise ContentError(gettext(
                "%(folder)s holds %(theirs)s, not %(number)s: import a new notice with a --slug of its own (such as "
                "%(year)s-city-management); if this is the same plan reissued under a new number, write that "
                "number in %(folder)s/plan.yaml first", folder=other.rel, theirs=other.number, number=number,
                year=notice.year))


def prepare_import(source: str | Path, slug: str, content_root: str | Path, kind: str | None = None,
                   publish: bool = False, max_bytes: int = NOTICE_MAX_BYTES,
                   max_unzipped: int = NOTICE_MAX_UNZIPPED_BYTES) -> PlannedImport:
    """Read, normalise and parse the notice; collect every unreadable line instead of stopping at the first.
    `publish` marks the plan published (a plan once published stays so on a re-import, and a writer's
    English in plan.yaml stays too)."""
    content_root = Path(content_root)
    ignored: list[str] = []
    raw, from_pdf = read_notice_file(source, max_bytes, ignored, max_unzipped=max_unzipped)
    known = _known_offices(content_root)
    text = normalise(raw, from_pdf=from_pdf, offices=known)
    problems: list[str] = []
    notice = parse_notice(text, problems)
    _one_notice_one_folder(content_root, slug, notice)
    unknown = sorted({o for i in notice.items for o in i.offices if o not in known})
    folder = content_root / PLANS_DIR / slug
    existing = folder / PLAN_FILE
    before = (yaml.safe_load(existing.read_text(encoding="utf-8")) or {}) if existing.exists() else {}
    written = {k: before.get(k) for k in WRITERS_FIELDS}
    published = publish or bool(before.get("published"))
    planned = PlannedImport(slug, folder, notice, problems, unknown, published, previous=_old_wording(folder),
                            ignored_boxes=ignored)
    planned.files[NOTICE_FILE] = text
    planned.files[PLAN_FILE] = (
        f"# Read from {NOTICE_FILE} by `flask plans import`; write issuer_en and title_en (English translations of\n"
        "# issuer and title), then set published: true once checked.\n"
        + _dump(plan_record(notice, slug, kind, published, written)))
    planned.files["sections.yaml"] = _sections_text(notice)
    for item in notice.items:
        planned.files[f"items/{item.code}.yaml"] = _item_text(item, notice.number)
    return planned


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _leading_comments(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[: next((n for n, line in enumerate(lines) if not line.startswith("#")), len(lines))])


def _merged_item(old: str, item, outcome: ImportOutcome) -> str:
    """A writer's item file kept, with `official:` made the notice's text again (it is a copy of the notice,
    checked at every load) and the targets whose phrase is no longer in that text taken out."""
    data = yaml.safe_load(old)
    if not isinstance(data, dict):
        return old  # not ours to repair: the loader names the problem and the import is refused
    new = dict(data)
    if "code" in data:
        new["code"] = item.code  # the file may come from the point's old code (renumbered)
    if "official" in data:
        new["official"] = item.official_text
    if isinstance(data.get("targets"), list):
        gone = [t for t in data["targets"] if isinstance(t, dict) and t.get("phrase") not in item.official_text]
        new["targets"] = [t for t in data["targets"] if t not in gone]
        outcome.dropped_targets += [f"items/{item.code}.yaml: {t.get('key')} ({t.get('phrase')})" for t in gone]
    return old if new == data else _leading_comments(old) + _dump(new)


def _merged_sections(old: str, notice: ParsedNotice) -> str:
    """A writer's sections.yaml kept, with an empty English name added for each new action area."""
    data = yaml.safe_load(old)
    if not isinstance(data, dict):
        return old
    missing = {code: {"en": ""} for code in _section_codes(notice) if code not in {str(k) for k in data}}
    return old if not missing else old.rstrip("\n") + "\n" + _dump(missing)


def _old_wording(folder: Path) -> dict[str, str]:
    try:
        return {i.code: i.official_text for i in parse_notice((folder / NOTICE_FILE).read_text(encoding="utf-8")).items}
    except (OSError, NoticeParseError):
        return {}


def struck_out(planned: PlannedImport) -> list[str]:
    """Codes of the plan's current notice that the new one no longer has and that did not move."""
    new, moves = {i.code for i in planned.notice.items}, planned.moves
    return [code for code in planned.previous if code not in new and code not in moves]


def renumbered(planned: PlannedImport) -> dict[str, str]:
    """Work points of the plan's current notice that the new one gives another code, their text unchanged
    (a corrected notice that adds or strikes out a point renumbers those after it): old code -> new code."""
    old = planned.previous
    new = {i.code: i.official_text for i in planned.notice.items}
    at = {}
    for code, text in new.items():
        at.setdefault(text, []).append(code)
    return {code: at[text][0] for code, text in old.items()
            if new.get(code) != text and len(at.get(text, [])) == 1 and list(old.values()).count(text) == 1}


def _earlier_code(code: str, moved: dict[str, str], came_from: dict[str, str]) -> str | None:
    """Whose item file holds this work point's text so far: the code it moved from, else its own unless
    that point moved away (the code is then a new point's, with no text yet)."""
    if code in came_from:
        return came_from[code]
    return None if code in moved else code


def _build(planned: PlannedImport, staged: Path, outcome: ImportOutcome) -> None:
    """Write into `staged` (a copy of the live folder) what the live folder should become. A writer's item
    file follows its work point to a new code: kept under the old one, it would explain another point."""
    live, items = planned.folder, {f"items/{i.code}.yaml": i for i in planned.notice.items}
    old_wording = planned.previous
    outcome.moved = planned.moves
    came_from = {new: old for old, new in outcome.moved.items()}
    for path in sorted((staged / "items").glob("*.yaml")):
        rel = f"items/{path.name}"
        if rel in items:
            continue
        path.unlink()
        if path.stem not in outcome.moved:
            outcome.removed.append(rel)
    new_texts = {i.official_text for i in planned.notice.items}
    # A struck-out point whose code a moved one takes: its file is replaced, and it is gone all the same.
    outcome.removed += [f"items/{code}.yaml" for code in came_from
                        if code in old_wording and old_wording[code] not in new_texts]
    for rel, text in planned.files.items():
        if rel in items:
            source = _earlier_code(items[rel].code, outcome.moved, came_from)
            old = _read(live / f"items/{source}.yaml") if source else None
        else:
            source, old = None, _read(live / rel)
        if old is not None and rel in items:
            text = _merged_item(old, items[rel], outcome)
            if old_wording.get(source, items[rel].official_text) != items[rel].official_text:
                outcome.reworded.append(rel)
        elif old is not None and rel == "sections.yaml":
            text = _merged_sections(old, planned.notice)
        if old is not None and text != planned.files[rel]:
            outcome.kept.append(rel)
        (outcome.unchanged if text == _read(live / rel) else outcome.written).append(rel)
        (staged / rel).parent.mkdir(parents=True, exist_ok=True)
        (staged / rel).write_text(text, encoding="utf-8")
    _build_record(planned, staged, outcome)


def _build_record(planned: PlannedImport, staged: Path, outcome: ImportOutcome) -> None:
    """Other plans' `continues:` lines that now name a moved point by its old code (renumbered.py): another
    plan's files are not the import's to edit, so the renumbered plan keeps the record the pages follow."""
    # Gone: struck out, whether or not a moved point took its code (struck_out lists only codes left free).
    gone = [code for code in planned.previous if code not in outcome.moved
            and (code in outcome.moved.values() or code not in {i.code for i in planned.notice.items})]
    record = renumbered_record.updated(planned.folder.parent.parent, planned.slug, outcome.moved, gone)
    rel = renumbered_record.RECORD_FILE
    text = renumbered_record.text(record) if record else None
    if text == _read(planned.folder / rel):
        return
    if text is None:
        (staged / rel).unlink(missing_ok=True)
    else:
        (staged / rel).write_text(text, encoding="utf-8")
    outcome.written.append(rel)


def _check_loads(planned: PlannedImport, staged: Path) -> None:
    """Load the staged folder with the loader the site uses, as if it were already in place."""
    root = planned.folder.parent.parent
    try:
        plan = read_plan(root, staged, planned.slug)
        others = [p for p in discover_plans(root) if p.slug != planned.slug]
        store = load_content(root, planned.slug, others + [plan])
        # A writer's text kept from an earlier import may now state what the (corrected) notice does not.
        invented = plan_problems(store) if planned.published else []
        if invented:
            raise ContentError(gettext("cannot publish: the plain-language text states what the notice does not; "
                                       "correct these first:") + "\n" + "\n".join(str(p) for p in invented))
    except ContentError as exc:
        if isinstance(exc, UnknownOfficeError) and not planned.published:
            return  # the site does not load an unpublished plan; its new offices are listed for staff to add
        raise ContentError(gettext("import refused, %(folder)s left as it was: %(why)s",
                                   folder=f"content/{PLANS_DIR}/{planned.slug}", why=exc)) from None


def _swap(staged: Path, live: Path) -> None:
    if not live.exists():
        staged.rename(live)
        return
    retired = staged.with_name(staged.name + "-replaced")
    live.rename(retired)
    try:
        staged.rename(live)
    except OSError:
        retired.rename(live)
        raise
    shutil.rmtree(retired)


def write_import(planned: PlannedImport) -> ImportOutcome:
    """Build the plan folder beside the live one (a dot folder, which discover_plans skips), check that it
    loads, then swap it in: a failure at any step leaves the live folder as it was."""
    outcome = ImportOutcome([], [], [])
    live = planned.folder
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{planned.slug}.import-", dir=live.parent))
    try:
        if live.is_dir():
            shutil.copytree(live, staged, dirs_exist_ok=True)  # the plan's own places.yaml, glossary.yaml …
        else:
            os.chmod(staged, live.parent.stat().st_mode & 0o777)  # mkdtemp's 0700 would hide it from the server
        _build(planned, staged, outcome)
        if outcome.written or outcome.removed:
            _check_loads(planned, staged)
            _swap(staged, live)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return outcome


def cannot_read(problem: NoticeParseError) -> str:
    return gettext("cannot read %(problem)s", problem=problem)


def ignored_lines(planned: PlannedImport) -> list[str]:
    """What the import left out of the file as no part of the notice, for the clerk to check."""
    if not planned.ignored_boxes:
        return []
    return [gettext("text boxes left out as not part of the notice (a seal, a page header or a caption; if one "
                    "is, move its text into the body in Word): %(texts)s",
                    texts="、".join(f"“{text}”" for text in planned.ignored_boxes))]


def tree_lines(planned: PlannedImport) -> list[str]:
    """The dry run's report: the plan, each area and work point, then every line it could not read."""
    n = planned.notice
    out = [gettext("plan %(slug)s: %(number)s %(date)s %(title)s (%(issuer)s)", slug=planned.slug, number=n.number,
                   date=n.date, title=_plan_title(n), issuer=n.issuer)]
    by_sub: dict[str, list] = {}
    for item in n.items:
        by_sub.setdefault(f"{item.section}.{item.subsection}", []).append(item)
    for sec in n.sections:
        out.append(f"{sec.number} {sec.title}")
        for sub in sec.subsections:
            out.append(f"  {sub.code} {sub.title}")
            for item in by_sub.get(sub.code, []):
                support = gettext(" supporting: %(offices)s", offices="、".join(item.supporting)) if item.supporting else ""
                lead = item.offices[: len(item.offices) - len(item.supporting)]
                out.append(f"    {item.code} [{'、'.join(lead)}{support}] {item.deadline} ({item.when}) {item.official_text[:16]}…")
    out.append(gettext("%(count)s work points", count=len(n.items)))
    if planned.unknown_offices:
        out.append(gettext("offices not in content/offices.yaml (add them there): %(offices)s",
                           offices="、".join(planned.unknown_offices)))
    out += ignored_lines(planned)
    out += [cannot_read(p) for p in planned.problems]
    return out
