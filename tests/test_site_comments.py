"""Comments left on a project site: named on the work point page, place preselected on the site page."""
from __future__ import annotations

from conftest import csrf_from, text_of
from progress_support import add_site


def _approve_all(app):
    from portal.models import Feedback
    from portal.extensions import db
    from portal.services import feedback as service

    with app.test_request_context():
        for fb in db.session.query(Feedback).filter_by(state="pending").all():
            service.approve(fb, None)


def test_site_comment_is_named_on_the_item_page(app, client):
    site_id = add_site(app, "2.3", "古桐四村12号楼加装电梯", "consultation", target="consultations", place="gutong-sicun")
    site_page = client.get(f"/zh/plans/2023-city-management/items/2.3/sites/{site_id}")
    assert site_page.status_code == 200
    # The site's place is already chosen in the form on the site page.
    assert '<option selected value="gutong-sicun">' in site_page.data.decode()
    r = client.post("/zh/plans/2023-city-management/items/2.3/feedback", data={
        "csrf_token": csrf_from(site_page.data), "body": "请问十二号楼什么时候开工？", "kind": "question",
        "place": "gutong-sicun", "site_id": str(site_id)})
    assert r.status_code == 302
    _approve_all(app)
    html = client.get("/zh/plans/2023-city-management/items/2.3").data.decode()
    assert "请问十二号楼什么时候开工" in html
    assert "所涉项目" in text_of(html) and f"/zh/plans/2023-city-management/items/2.3/sites/{site_id}" in html
    # On the site's own page the comment needs no such label.
    site_html = client.get(f"/zh/plans/2023-city-management/items/2.3/sites/{site_id}").data.decode()
    assert "请问十二号楼什么时候开工" in site_html and "所涉项目" not in text_of(site_html)


def test_item_page_form_defaults_to_whole_town(client):
    html = client.get("/zh/plans/2023-city-management/items/2.3").data.decode()
    select = html.split('id="place"')[1].split("</select>")[0]
    assert select.count("<option selected") == 1 and '<option selected value="">' in select
