"""Every public page in both languages: the one list that the browser, HTML-validity, weight and query checks walk.

Pages are discovered from the app's URL map, so a new page is checked as soon as its route exists:
a GET rule under `/<lang>/` is a public page, unless its last segment names a file (`feed.atom`). A rule with parameters besides `lang` needs sample
values in `SAMPLES` (test_public_pages_listed fails until it has them); a rule that is not an HTML
page goes in `NOT_PAGES` with the reason. `VARIANTS` adds states of a page worth checking on their
own (search results, not-found pages).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

LANGS = ("zh", "en")

# endpoint -> (store -> list of URL values). The first value is the one the browser checks use;
# the query-count check walks all of them, so listings of 1 item and of many are compared.
SAMPLES: dict[str, Callable] = {
    "public.item": lambda store, seed: [{"code": seed["item_code"]}] + [{"code": i.code} for i in store.items[:4]],
    "public.area": lambda store, seed: [{"number": s.number} for s in store.sections],
    "public.office": lambda store, seed: [{"slug": o.slug} for o in
                                          sorted(store.offices, key=lambda o: -len(store.items_by_office(o.slug)))],
    "public.month": lambda store, seed: [{"month": m} for m in
                                         sorted(store.months, key=lambda m: -len(store.items_by_month(m)))],
    "public.place": lambda store, seed: [{"slug": p.slug} for p in store.places],
    "feedback.track": lambda store, seed: [{"tracking": seed["tracking"]}],
    "public.site": lambda store, seed: [{"code": seed["item_code"], "site_id": seed["site_id"]}],
    "public.item_poster": lambda store, seed: [{"code": seed["item_code"]}],
    "public.site_poster": lambda store, seed: [{"code": seed["item_code"], "site_id": seed["site_id"]}],
    "public.item_history": lambda store, seed: [{"code": seed["item_code"]}],
}

NOT_PAGES = {
    "public.care_mode": "sets the large-text cookie and redirects",
    "search.go": "counts a click on a search result for the search report and redirects to the work point",
    # Their URLs carry a secret from an e-mail; tests/test_follow_mail.py walks them with real ones.
    "follow.confirm": "needs a one-time token from a confirmation e-mail",
    "follow.unsubscribe": "needs a signed link from an update e-mail",
    "feedback.submit_reloaded": "a reload of the comment form's address: redirects to the item page's form",
    "feedback.flag_reloaded": "a GET on the report form's address: redirects to the comment",
    "public.mark_item_reloaded": "a reload of the mark button's address: redirects to the button",
    "public.mark_site_reloaded": "a reload of the mark button's address: redirects to the button",
    "feedback.withdraw_reloaded": "a reload of the withdrawal's address: redirects to the tracking page",
    "follow.request_reloaded": "a reload of the follow form's address: redirects to the home page",
}

# (endpoint, URL values, expected status, label): states of a page that render different markup.
VARIANTS = [
    ("search.results", {"q": "加装电梯"}, 200, "chinese-query"),
    ("search.results", {"q": "lift", "status": "no_report"}, 200, "filtered"),
    ("search.results", {"q": "zzzzqqq"}, 200, "no-results"),
    ("search.results", {"q": "悦府"}, 200, "near-matches"),
    ("search.results", {"q": "违建", "more": "1"}, 200, "more-results"),
    ("feedback.lookup", {"code": "ZJ-AAAAAA"}, 404, "unknown-code"),
    ("public.item", {"code": "99.99"}, 404, "not-found"),
]


@dataclass(frozen=True)
class Page:
    endpoint: str
    lang: str
    path: str
    status: int = 200
    variant: str = ""

    @property
    def name(self) -> str:
        """A stable, file-name-safe label such as `public.item-zh` or `search.results-en-filtered`."""
        return "-".join(part for part in (self.endpoint, self.lang, self.variant) if part)


def page_endpoints(app) -> list[str]:
    """Endpoints of every GET rule under /<lang>/, in URL-map order."""
    seen: list[str] = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/<lang>/") or "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.endpoint.startswith("public.old_"):
            continue  # an address from before plans had their own pages: a 301 (tests/test_plans_pages.py)
        if "." in rule.rule.rsplit("/", 1)[-1]:
            continue  # a file such as feed.atom or data.json, not an HTML page
        if rule.endpoint not in seen:
            seen.append(rule.endpoint)
    return seen


def missing_samples(app) -> list[str]:
    """Page endpoints whose rule has parameters besides lang and no entry in SAMPLES."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in page_endpoints(app) and set(rule.arguments) - {"lang", "plan"} and rule.endpoint not in SAMPLES:
            out.append(f"{rule.endpoint} ({rule.rule})")
    return out


def seed(app) -> dict:
    """A status update, a project site, published and pending comments with a staff reply: every part of a page.

    Sample data for tests only; services another area is still building are used when they exist.
    """
    from datetime import date

    from portal.services import feedback
    from portal.services.auth import create_staff
    from portal.services.content import content

    out: dict = {"site_id": 1}
    with app.app_context():
        item_code = "2.3"  # a work point with targets and places
        staff = create_staff(f"page-seed-{id(app)}", "correct horse battery staple", "admin")
        try:
            from portal.services.progress import record_update

            target = content().item(item_code).targets[0]
            record_update(item_code, "in_progress", "已开工。", "Work has started.", date(2023, 9, 1),
                          progress={target.key: target.value // 2}, actor=staff)  # lifts: whole
        except ImportError:
            pass
        try:
            from portal.services.sites import add_site

            out["site_id"] = add_site(item_code, None, "测试小区3号楼", "Test estate building 3", None, None,
                                      "consultation", staff).id
        except ImportError:
            pass
        published = feedback.submit(item_code, body="楼道里的电动自行车什么时候能有地方充电？", kind="question",
                                    ip="192.0.2.10", lang="zh", display_name="王阿姨").feedback
        feedback.approve(published, staff, reply="充电棚计划十一月底前建成。")
        pending = feedback.submit(item_code, body="Please add a bench near the lift.", kind="suggestion",
                                  ip="192.0.2.11", lang="en").feedback
        out.update(item_code=item_code, tracking=pending.tracking_code, published=published.tracking_code)
    return out


def public_pages(app, seeded: dict, *, every_sample: bool = False, variants: bool = True) -> list[Page]:
    """Every public page path in both languages: one per endpoint (or every sample), then the variants."""
    from flask import url_for

    from portal.services.content import content

    pages: list[Page] = []
    with app.test_request_context():
        store = content()
        for endpoint in page_endpoints(app):
            if endpoint not in SAMPLES and any(set(r.arguments) - {"lang", "plan"} for r in app.url_map.iter_rules(endpoint)):
                continue  # reported by missing_samples()
            values_list = SAMPLES[endpoint](store, seeded) if endpoint in SAMPLES else [{}]
            for values in values_list if every_sample else values_list[:1]:
                for lang in LANGS:
                    label = "-".join(str(v) for v in values.values()) if every_sample else ""
                    pages.append(Page(endpoint, lang, url_for(endpoint, lang=lang, **values), variant=label))
        if variants:
            for endpoint, values, status, label in VARIANTS:
                if endpoint in app.view_functions:
                    for lang in LANGS:
                        pages.append(Page(endpoint, lang, url_for(endpoint, lang=lang, **values), status, label))
    return pages
