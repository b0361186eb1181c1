"""Staff figures and the publishing step (issue 18 points 10 and 12): whole numbers where a target
counts things, a confirmation above the target, a preview of what residents will read, and a
correction one click away after publishing (a new entry, never an edit)."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import csrf_from, hidden_fields, text_of

WHOLE = "This target counts things; please give a whole number."
CONFIRM = "This is more than the target. If it is right, tick the box below to confirm."


def _post(client, code="2.3", step="preview", **fields):
    page = client.get(f"/staff/items/{code}")
    data = {**hidden_fields(page.data), "status": "in_progress", "note_zh": "已完成意愿征询。",
            "note_en": "Residents consulted.", "happened_on": "2023-09-01", "step": step, **fields}
    return client.post(f"/staff/items/{code}", data=data)


def _updates(app):
    from portal.extensions import db
    from portal.models import StatusUpdate

    with app.app_context():
        return db.session.query(StatusUpdate).count()


def test_count_units_are_one_named_list_and_match_the_content(app):
    from portal.services.content import content
    from portal.services.units import COUNTED_UNITS, counts_things

    assert {"台", "个", "处", "座", "户", "所"} <= COUNTED_UNITS
    with app.app_context():
        units = {t.unit.zh: counts_things(t.unit.zh) for i in content().items for t in i.targets}
    assert units["台"] and units["个"] and units["个小区"] and units["处"] and units["座"]
    assert not units["%"] and not units["公里"] and not units["平方米"]


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.01, max_value=34.99, allow_nan=False).filter(lambda v: not v.is_integer()))
def test_a_fraction_of_a_lift_is_refused_by_the_rules(value):
    from types import SimpleNamespace

    from portal.rules.records import progress_values

    lifts = SimpleNamespace(key="starts", value=25, comparator="exact",
                            unit=SimpleNamespace(zh="台", en="lifts"))
    item = SimpleNamespace(targets=[lifts])
    errors: dict = {}
    assert progress_values(item, {"starts": repr(value)}, set(), errors) == {}
    assert errors == {"progress_starts": WHOLE}
    assert progress_values(item, {"starts": str(int(value))}, set(), {}) == {"starts": int(value)}


def test_whole_numbers_in_the_form(app, staff_client):
    editor = staff_client("editor")
    r = _post(editor, progress_consultations="12.5")
    assert r.status_code == 400 and ("整数" in text_of(r.data) or WHOLE in text_of(r.data))
    assert _post(editor, progress_consultations="12").status_code == 200  # the preview
    assert _updates(app) == 0


def test_above_the_target_is_confirmed_on_the_second_try(app, staff_client):
    editor = staff_client("editor")
    first = _post(editor, progress_consultations="36")  # the target is 35 lifts
    html = first.get_data(as_text=True)
    assert first.status_code == 400 and 'name="confirm_over"' in html
    assert 'name="confirm_over"' not in editor.get("/staff/items/2.3").get_data(as_text=True)
    second = _post(editor, progress_consultations="36", confirm_over="1")
    assert second.status_code == 200 and "36 / 35" in text_of(second.data)
    published = _post(editor, step="publish", progress_consultations="36", confirm_over="1")
    assert published.status_code == 302 and _updates(app) == 1


def test_preview_shows_both_pages_and_publishes_from_its_own_form(app, staff_client, client):
    editor = staff_client("editor")
    preview = _post(editor, progress_consultations="12", note_en="")
    html = preview.get_data(as_text=True)
    section = re.search(r'<section class="preview".*?</section>', html, re.S).group(0)
    assert "已完成意愿征询。" in section and "Lifts with residents consulted: 12 / 35 lifts" in text_of(section)
    assert _updates(app) == 0 and "已完成意愿征询" not in client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', section))
    assert "step" not in fields and fields["progress_consultations"] == "12"
    r = editor.post("/staff/items/2.3", data={**fields, "step": "publish"})
    assert r.status_code == 302 and _updates(app) == 1
    assert "已完成意愿征询。" in client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)


def test_after_publishing_a_correction_is_one_click_away_and_adds_an_entry(app, staff_client):
    from portal.extensions import db
    from portal.models import StatusUpdate

    editor = staff_client("editor")
    assert _post(editor, step="publish", progress_consultations="12").status_code == 302
    page = editor.get("/staff/items/2.3").get_data(as_text=True)
    with app.app_context():
        entry_id = db.session.query(StatusUpdate).one().id
    link = f"/staff/items/2.3?correct={entry_id}#h-update"
    box = re.search(r'<div class="confirm" role="status">.*?</div>', page, re.S).group(0)
    assert link.replace("&", "&amp;") in box
    assert '<div class="confirm"' not in editor.get("/staff/items/2.3").get_data(as_text=True)  # shown once
    form = editor.get(link.split("#")[0]).get_data(as_text=True)
    assert "已完成意愿征询。</textarea>" in form and 'value="12"' in form and 'value="2023-09-01"' in form
    assert _post(editor, step="publish", progress_consultations="13", note_zh="更正：完成13台意愿征询。").status_code == 302
    with app.app_context():
        assert db.session.query(StatusUpdate).count() == 2
    assert editor.get("/staff/items/1.1?correct=%d" % entry_id).status_code == 404
