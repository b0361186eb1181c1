"""Plans as content: import a published notice into content/plans/<slug>/ and check what is still unwritten.

The CLI (flask plans …) and the tests call these; nothing here writes plain-language wording.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext

from .. import yaml_text
from ..config import NOTICE_MAX_BYTES, NOTICE_MAX_UNZIPPED_BYTES
from ..content import ContentError, discover_plans, load_content, renumbered
from ..content.honesty import HonestyProblem, plan_problems
from ..content.importer import ImportOutcome, PlannedImport, prepare_import, struck_out, tree_lines, write_import
from ..content.parser import FIGURE_RE
from ..content.store import PLANS_DIR



@dataclass
class PlanCheck:
    slug: str
    published: bool
    items: int = 0
    missing: dict[str, list[str]] = field(default_factory=dict)  # what -> item codes
    # Why the plan does not load: nothing else about it is known then.
    load_errors: list[str] = field(default_factory=list)
    # `continues:` lines naming no work point of the earlier plan: the plan loads and is served, but those
    # work points' pages link to nothing they continue.
    broken_continues: list[str] = field(default_factory=list)
    # Figures, dates or places in the plain-language text that the notice does not hold (content/honesty.py).
    invented: list[HonestyProblem] = field(default_factory=list)
    # Lines right only through another plan's renumbered.yaml: to correct, but the pages show them rightly.
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Everything that fails a published plan before its titles and text are read (`flask plans check`)."""
        return self.load_errors + self.broken_continues

    @property
    def untitled(self) -> list[str]:
        return sorted(set(self.missing.get("title zh", [])) | set(self.missing.get("title en", [])))

    @property
    def failing(self) -> bool:
        """A published plan must load, give every item a title in both languages and invent nothing."""
        return self.published and bool(self.errors or self.untitled or self.invented)


def _item_data(path: Path) -> dict:
    return (yaml_text.load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def check_plan(content_root: str | Path, slug: str) -> PlanCheck:
    plans = {p.slug: p for p in discover_plans(content_root)}
    if slug not in plans:
        raise ContentError(gettext("%(folder)s: no such plan", folder=f"content/plans/{slug}"))
    plan = plans[slug]
    result = PlanCheck(slug, plan.published)
    try:
        store = load_content(content_root, slug)
    except ContentError as exc:
        result.load_errors.append(str(exc))
        return result
    result.items = len(store.items)
    result.broken_continues, result.warnings = _continues_problems(content_root, store)
    result.invented = plan_problems(store)
    for item in store.items:
        data = _item_data(plan.folder / "items" / f"{item.code}.yaml")
        title, summary = data.get("title") or {}, data.get("summary") or {}
        checks = {
            "title zh": title.get("zh"), "title en": title.get("en"),
            "summary zh": summary.get("zh"), "summary en": summary.get("en"),
            # A figure with a unit in the official text: the item probably has a target worth recording.
            "targets": data.get("targets") or not FIGURE_RE.search(item.official_text),
            "places": data.get("places"),
        }
        for what, present in checks.items():
            if not present:
                result.missing.setdefault(what, []).append(item.code)
    return result


def _continues_problems(content_root, store) -> tuple[list[str], list[str]]:
    """`continues: <slug>/<code>` must name a work point of that (loadable) earlier plan, read as the pages
    read it: through that plan's renumbered.yaml (content/renumbered.py). A line right only through that
    record is a warning naming the code to write, not an error: the pages link it to the point it meant."""
    errors, warnings, earlier = [], [], {}
    for item in store.items:
        if not item.continues:
            continue
        slug, _, code = item.continues.partition("/")
        if slug not in earlier:
            try:
                earlier[slug] = load_content(content_root, slug)
            except ContentError:
                earlier[slug] = None
        named = earlier[slug]
        file = f"{store.plan.rel}/items/{item.code}.yaml"
        now = renumbered.code_now(named.renumbered, f"{store.plan.slug}/{item.code}", code) if named else None
        if now == renumbered.GONE:  # the pages link such a line to nothing: another point may hold its code now
            errors.append(gettext("%(file)s: continues: %(code)s was struck out of the notice; correct or remove "
                                  "the line", file=file, code=item.continues))
        elif named is None or named.item(now or code) is None:
            errors.append(gettext("%(file)s: continues: no work point %(code)s", file=file,
                                  code=f"{slug}/{now or code}"))
        elif now:
            warnings.append(gettext("%(file)s: continues: %(code)s is right only through %(plan)s's renumbered.yaml; "
                                    "write continues: %(now)s", file=file, code=item.continues, plan=slug,
                                    now=f"{slug}/{now}"))
    return errors, warnings


def check_plans(content_root: str | Path, slug: str | None = None) -> list[PlanCheck]:
    slugs = [slug] if slug else [p.slug for p in discover_plans(content_root)]
    return [check_plan(content_root, s) for s in slugs]


def _codes_with_records(slug: str, codes) -> set[str]:
    """Which of the plan's work point codes the database holds records under. Outside an app (a test
    importing into a folder) there is no database to ask."""
    from flask import has_app_context
    from sqlalchemy import select, union
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from ..extensions import db
    from ..models import Feedback, ItemOutcome, MatterMark, ProjectSite, StatusUpdate, Subscription

    if not has_app_context():
        return set()
    codes = list(codes)
    query = union(*(select(m.item_code).where(m.plan == slug, m.item_code.in_(codes))
                    for m in (StatusUpdate, Feedback, ProjectSite, MatterMark)),
                  select(ItemOutcome.item_code).where(ItemOutcome.plan_slug == slug, ItemOutcome.item_code.in_(codes)))
    # Residents following a work point by e-mail follow "<plan>/<code>".
    keys = [f"{slug}/{code}" for code in codes]
    follows = select(Subscription.key).where(Subscription.kind == "item", Subscription.key.in_(keys))
    # An earlier plan's outcome "continued by" this work point.
    continued = select(ItemOutcome.continued_by).where(ItemOutcome.continued_by.in_(keys))
    try:
        return set(db.session.scalars(query)) | {key.split("/", 1)[1] for key in db.session.scalars(union(follows, continued))}
    except (OperationalError, ProgrammingError):  # no tables yet: a site never started holds no records
        db.session.rollback()
        return set()


def continued_elsewhere(content_root: str | Path, slug: str) -> list[str]:
    """Item files of other plans whose `continues:` names a work point of this plan by a code a renumbering
    moved: another plan's files are not ours to edit, so they are named for staff to correct; until then the
    pages follow the plan's renumbered.yaml, which the import wrote (content/renumbered.py)."""
    rels = {p.slug: p.rel for p in discover_plans(content_root)}
    record = renumbered.read(Path(content_root) / PLANS_DIR / slug)
    return [f"{rels.get(ref.split('/', 1)[0], ref.split('/', 1)[0])}/items/{ref.split('/', 1)[1]}.yaml: "
            f"continues: {slug}/{old} → " + (f"{slug}/{now}" if now else gettext("struck out of the notice"))
            for ref, codes in record.items() for old, now in codes.items()]


def import_notice(source: str | Path, slug: str, content_root: str | Path, *, dry_run: bool,
                  kind: str | None = None, publish: bool = False,
                  move_records: bool = False,
                  max_bytes: int = NOTICE_MAX_BYTES,
                  max_unzipped: int = NOTICE_MAX_UNZIPPED_BYTES) -> tuple[PlannedImport, ImportOutcome | None]:
    """Parse the notice; unless a dry run or the import is refused (`planned.refusal`: a line could not be
    read, a published plan would name an office content/offices.yaml lacks, or renumbered work points have
    records and `move_records` is off), write the plan folder. With `move_records` the records of renumbered
    work points move to their new codes in the transaction that is committed once the folder is in place."""
    planned = prepare_import(source, slug, content_root, kind, publish=publish, max_bytes=max_bytes,
                             max_unzipped=max_unzipped)
    planned.move_records = move_records
    moves = planned.moves
    # A code changes hands both ways: the records of a moved point's old code, and those of a struck-out
    # point whose code a moved one takes, would show under the wrong work point.
    gone = struck_out(planned)
    new_texts = {i.code: i.official_text for i in planned.notice.items}
    reworded = [code for code, text in planned.previous.items() if new_texts.get(code, text) != text
                and code not in moves and code not in moves.values()]
    asked = set(moves) | set(moves.values()) | set(gone) | set(reworded)
    with_records = _codes_with_records(slug, asked) if asked else set()
    planned.renumbered_with_records = [f"{old} → {new}" for old, new in moves.items()
                                       if old in with_records or new in with_records]
    # The records under a new code belong to the point that had it, unless that point moved away too.
    planned.taken_with_records = [f"{old} → {new}" for old, new in moves.items()
                                  if new in with_records and new not in moves]
    planned.struck_out_with_records = [code for code in gone if code in with_records]
    planned.reworded_with_records = [code for code in reworded if code in with_records]
    if dry_run or planned.refusal:
        return planned, None
    if not (move_records and planned.renumbered_with_records):
        return planned, write_import(planned)
    from ..extensions import db
    from .renumbering import move_records as move

    try:
        planned.records_moved = move(slug, moves, {i.code: (i.section, i.deadline) for i in planned.notice.items})
        outcome = write_import(planned)
        db.session.commit()  # after the swap: a failed import leaves the records where they were
    except BaseException:
        db.session.rollback()
        raise
    return planned, outcome


__all__ = ["HonestyProblem", "PlanCheck", "check_plan", "check_plans", "import_notice", "plan_problems", "tree_lines"]
