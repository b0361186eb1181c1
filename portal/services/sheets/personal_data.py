"""Personal data in the texts a sheet would publish (services/public_text.py): each finding is said in the
preview where the clerk finds it in the file, and the sheet is published only with "Publish anyway" ticked."""
from __future__ import annotations

from ...i18n import N_
from .. import public_text
from .plan import Plan

IN_SHEET = N_("this text contains %(found)s. It is published as typed: correct the file, or tick “Publish anyway” "
              "below if it is meant to be public (the town's own number, for example).")


def findings(plan: Plan) -> list[tuple[str, int, str, dict[str, list[public_text.Finding]]]]:
    """(sheet, row, work point code, {column: findings}) for each change whose published text holds any."""
    out = []
    for c in plan.items:
        found = public_text.check({"note_zh": c.note_zh, "note_en": c.note_en})
        if found:
            out.append(("items", c.row, c.code, found))
    for s in plan.sites:
        texts = {"note_zh": s.note_zh, "note_en": s.note_en}
        if s.kind == "add":  # a listed project's name and building are locked: published already
            texts |= {"name_zh": s.name_zh, "name_en": s.fields.get("name_en"), "building": s.fields.get("building")}
        found = public_text.check(texts)
        if found:
            out.append(("sites", s.row, s.code, found))
    return out


def mark(plan: Plan) -> None:
    """Says each finding on the plan (plan.personal_data), in the staff member's language, and keeps them for
    the audit (plan.personal_data_found)."""
    plan.personal_data_found = findings(plan)
    plan.personal_data = [plan.problem(IN_SHEET, sheet, row, column, found=public_text.named(items))
                          for sheet, row, _, found in plan.personal_data_found for column, items in found.items()]


def audit_after(plan: Plan) -> list[dict]:
    """What the audit log keeps of the findings published anyway (as mark found them): where, and what, masked."""
    return [{"sheet": sheet, "row": row, "item": code, **{k: ", ".join(f.shown for f in v) for k, v in found.items()}}
            for sheet, row, code, found in plan.personal_data_found]
