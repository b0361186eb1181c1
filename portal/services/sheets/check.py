"""Checking an uploaded sheet against what is published: the changes it makes, its problems (each with
sheet, row and column) and its conflicts. The rules are those of the staff item form
(portal/rules), called here row by row."""
from __future__ import annotations

from ...i18n import N_
from ..clock import today
from ..content import content, registry
from ...rules.progress import has_percent_sign, is_percentage, parse_number
from ...rules.records import update_problems
from .codes import work_point
from .personal_data import mark
from .columns import ITEMS
from .plan import ItemChange, Plan, ValueChange, check_locked, conflict, day_errors, parse_day
from .read import Parsed
from .rows import item_rows
from .site_check import check_sites
from .state import ItemState, load, status_choices

ITEM_FIELDS = ("new_status", "note_zh", "note_en", "happened_on")
# Where each of update_problems' fields is in the sheet.
FIELD_COLUMNS = {"status": "new_status", "note_zh": "note_zh", "note_en": "note_en", "happened_on": "happened_on"}
NO_TARGET = N_("This work point has no such target.")
# A counted target's figure follows its projects, which move with no entry of the work point (see check_locked).
COUNTED = frozenset({"last_value"})
OTHER_PLAN = N_("This file is the progress sheet of another plan: %(file)s. This page reports on %(here)s, and the "
                "same codes (such as 2.3) are other work points there, so nothing in the file was read. Upload it on "
                "the progress sheets page of %(file)s, or download this plan's sheet here and fill that in.")
NO_PLAN_NEW_ONLY = N_("This file does not say which plan it is for (it was downloaded before sheets said so), and "
                      "every row in it is a new project, which could belong to the same-numbered work point of any "
                      "plan: %(plans)s. Download a new sheet from this page and copy the new projects into it.")
DIFFERENT = N_("Another row of this work point gives a different value here; fill it in on one row only.")


def check(parsed: Parsed) -> Plan:
    plan = Plan(problems=list(parsed.problems), layout=parsed.layout)
    if not parsed.sheets or not _same_plan(plan, parsed):
        return plan
    states = load()
    groups: dict[str, list[dict]] = {}
    for row in parsed.rows["items"]:
        state = work_point(plan, "items", row, states)
        if state is not None:
            groups.setdefault(state.item.code, []).append(row)
    choices = status_choices()
    for code, group in groups.items():
        _check_item(plan, states[code], group, choices)
    check_sites(plan, parsed.rows["sites"], states)
    mark(plan)
    return plan


def plan_name(slug: str) -> str:
    """A plan as staff know it: its year and its notice's number (浦张府〔2023〕45号); the slug if not served."""
    store = registry().store(slug)
    return f"{store.plan.year} · {store.plan.number}" if store is not None else slug


def _same_plan(plan: Plan, parsed: Parsed) -> bool:
    """Whether the file may be read against the plan in view. A file for another plan is refused with one
    problem. A file from before files said their plan is read against the plan in view, as it always was,
    where that is unambiguous: a listed row (a work point's, a project's with its ID) carries locked columns
    that another plan's rows do not match; a file of new projects only carries nothing of the kind."""
    here = content().plan.slug
    if parsed.plan is not None:
        if parsed.plan != here:
            plan.add(OTHER_PLAN, file=plan_name(parsed.plan), here=plan_name(here))
            return False
        return True
    listed = parsed.rows["items"] or any(r["cells"].get("site_id") for r in parsed.rows["sites"])
    if not listed and parsed.rows["sites"] and len(registry().stores) > 1:
        plan.add(NO_PLAN_NEW_ONLY, plans="; ".join(plan_name(p.slug) for p in registry().plans))
        return False
    return True


def _one_value_each(plan: Plan, group: list[dict]) -> tuple[dict[str, str], dict[str, int]]:
    """A work point's status, notes and date may be written on any one of its rows, but not differently twice."""
    values, rows = {}, {}
    for key in ITEM_FIELDS:
        values[key], rows[key] = "", group[0]["row"]
        for row in group:
            text = row["cells"].get(key, "")
            if not text:
                continue
            if values[key] and text != values[key]:
                plan.add(DIFFERENT, "items", row["row"], key)
            elif not values[key]:
                values[key], rows[key] = text, row["row"]
    return values, rows


def _read_rows(plan: Plan, state: ItemState, group: list[dict]) -> tuple[bool, dict[str, str], dict[str, int]]:
    expected = {r["target"]: r for r in item_rows(state)}
    targets, derived = {t.key: t for t in state.item.targets}, state.derived()
    stale, values, rows = False, {}, {}
    for row in group:
        cells = row["cells"]
        want = expected.get(cells.get("target", ""))
        if want is None:
            plan.add(NO_TARGET, "items", row["row"], "target")
            continue
        counted = COUNTED if want["target"] in derived else frozenset()
        stale = check_locked(plan, ITEMS, row, want, counted) or stale
        value = cells.get("new_value")
        if not value:
            continue
        if not _same_figure(values.get(want["target"], value), value, targets.get(want["target"])):
            plan.add(DIFFERENT, "items", row["row"], "new_value")  # a copied row: neither figure may silently win
        elif want["target"] not in values:
            values[want["target"]], rows[want["target"]] = value, row["row"]
    return stale, values, rows


def _same_figure(first: str, other: str, target) -> bool:
    """Whether two rows give one figure: "96%" and "96" of a percentage are the same to the clerk (one row saved
    from Excel as text, one typed), but a percent sign on a count is a different, wrong, figure."""
    if first == other:
        return True
    signed = target is None or not is_percentage(target)
    return (parse_number(first) is not None and parse_number(first) == parse_number(other)
            and (not signed or has_percent_sign(first) == has_percent_sign(other)))


def _check_item(plan: Plan, state: ItemState, group: list[dict], choices: dict[str, str]) -> None:
    stale, values, value_rows = _read_rows(plan, state, group)
    fields, field_rows = _one_value_each(plan, group)
    if not values and not any(fields.values()):
        plan.unchanged += 1
        return
    raw = fields["new_status"]
    status = choices.get(raw.lower(), raw) if raw else (state.status or "")
    if not values and status == state.status and not any(fields[k] for k in ITEM_FIELDS if k != "new_status"):
        plan.unchanged += 1  # the current status chosen again, nothing else: no change to publish
        return
    happened = parse_day(fields["happened_on"]) if fields["happened_on"] else today()
    errors, clean = update_problems(state.item, status, fields["note_zh"], fields["note_en"], happened, values,
                                    set(state.derived()), today())
    errors = day_errors(errors, fields["happened_on"])
    for name, message in errors.items():
        if name.startswith("progress_"):
            key = name[len("progress_"):]
            plan.add(message, "items", value_rows.get(key, group[0]["row"]), "new_value")
        else:
            column = FIELD_COLUMNS.get(name)
            plan.add(message, "items", field_rows[column] if column else group[0]["row"], column)
    if errors:
        return
    note_zh, note_en = fields["note_zh"].strip(), fields["note_en"].strip()
    latest = state.latest
    if any((e.status, e.note_zh, e.note_en or "", e.happened_on, {p.target_key: p.value for p in e.progress})
           == (status, note_zh, note_en, happened, clean) for e in state.entries):
        # This very update is already published (the same sheet uploaded again). Any entry, not only the newest:
        # a back-dated update is history, below the newest, and the version the row carries does not change.
        plan.unchanged += 1
        return
    if stale:
        conflict(plan, ITEMS, group[0]["row"], latest.happened_on if latest else None)
        return
    current = {**{k: v for k, (v, _e) in state.reported().items()}, **state.derived()}
    targets = {t.key: t for t in state.item.targets}
    plan.items.append(ItemChange(
        state.item.code, state.item.title, group[0]["row"], state.status, status,
        [ValueChange(targets[k], current.get(k), v) for k, v in clean.items()], note_zh, note_en, happened,
        latest.happened_on if latest else None))
