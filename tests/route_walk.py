"""Walks the app as an attacker would: every rule in `app.url_map` with sample arguments, every form
found by rendering pages, every query parameter found in links and GET forms.

Nothing here knows the routes by name, so areas added later are covered without editing these tests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Rule

from conftest import STAFF_PASSWORD, login

ITEM = "2.3"  # a work point with targets, places and project sites


@dataclass
class Seeded:
    values: dict[str, object]
    staff: dict[str, str] = field(default_factory=dict)  # role -> username


def seed(app) -> Seeded:
    """Data every kind of page needs to render: comments in each state, a site, a status update, staff."""
    from portal.extensions import db
    from portal.services import feedback as fb_service
    from portal.services.auth import create_staff
    from portal.services.content import content

    values: dict[str, object] = {}
    staff: dict[str, str] = {}
    with app.app_context():
        for role in ("admin", "editor", "moderator"):
            username = f"walk-{role}"
            user = create_staff(username, STAFF_PASSWORD, role)
            staff[role] = username
            values.setdefault("staff_id", user.id)
            values.setdefault("user_id", user.id)
            values.setdefault("username", username)
        admin = db.session.get(type(user), values["staff_id"])
        published = fb_service.submit(ITEM, body="小区加装电梯什么时候开工？", kind="question", ip="192.0.2.1",
                                      lang="zh").feedback
        fb_service.approve(published, admin)
        pending = fb_service.submit(ITEM, body="楼道里的电动自行车太多了。", kind="concern", ip="192.0.2.2",
                                    lang="zh").feedback
        values.update(tracking=published.tracking_code, feedback_id=published.id, pending_id=pending.id)
        store = content()
        item = store.item(ITEM)
        try:
            from portal.services.sites import add_site

            site = add_site(ITEM, None, "测试小区3号楼", "Test estate building 3", None, None, "consultation", admin)
            values["site_id"] = site.id
        except ImportError:
            values["site_id"] = 1
        try:
            from portal.services.progress import record_update

            update = record_update(ITEM, "in_progress", "已开工。", "Work has started.", date(2023, 9, 1), actor=admin)
            values["update_id"] = update.id
        except ImportError:
            values["update_id"] = 1
        values.update(
            lang="zh", code=ITEM, number=item.section.number, month=item.deadline,
            office=store.offices[0].slug, place=store.places[0].slug,
            target_key=item.targets[0].key if item.targets else "x", key=item.targets[0].key if item.targets else "x",
            filename="css/site.css", id=published.id, plan=store.plan.slug,
        )
    return Seeded(values, staff)


def value_for(rule: Rule, name: str, values: dict[str, object]):
    if name == "slug":
        return values["office"] if "office" in rule.endpoint else values["place"]
    if name in values:
        return values[name]
    converter = rule._converters.get(name)  # noqa: SLF001 - werkzeug keeps them only here
    from werkzeug.routing.converters import NumberConverter

    return 1 if isinstance(converter, NumberConverter) else "x"  # subclasses too, such as a bounded int


def url_of(rule: Rule, values: dict[str, object], overrides: dict[str, object] | None = None) -> str:
    args = {name: value_for(rule, name, values) for name in rule.arguments}
    args.update(overrides or {})
    built = rule.build(args, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} with {args}"
    return built[1]


def rules(app, method: str) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if method in (r.methods or ())), key=lambda r: r.rule)


def endpoint_of(app, path: str, method: str = "GET") -> str | None:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(path, method=method)
    except (NotFound, MethodNotAllowed, HTTPException):
        return None
    return endpoint


def login_as(app, seeded: Seeded, role: str | None):
    client = app.test_client()
    if role:
        response = login(client, seeded.staff[role])
        assert response.status_code == 302, f"{role} could not log in"
    return client


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, checkbox, hidden, password, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: list[FormField]

    @property
    def signature(self) -> tuple:
        # Digits stand for ids: the same form for another comment or account is the same form.
        return (re.sub(r"\d+", "N", self.action), self.method, tuple(sorted(re.sub(r"\d+", "N", f.name) for f in self.fields)))

    def data(self, override: dict[str, str] | None = None) -> dict[str, str]:
        """What a person would send: defaults filled so only the overridden field can be wrong."""
        out: dict[str, str] = {}
        for f in self.fields:
            if f.kind in ("submit", "button", "image", "reset", "file"):
                continue
            if f.kind == "checkbox":
                if f.value and f.required:
                    out[f.name] = f.value
                continue
            if f.kind == "radio":
                out.setdefault(f.name, f.value)
                continue
            if f.kind == "select":
                out[f.name] = f.value or next((o for o in f.options if o), "")
            elif f.kind == "date":
                out[f.name] = f.value or "2023-09-01"
            elif f.kind == "number":
                out[f.name] = f.value or "1"
            elif f.kind in ("hidden",):
                out[f.name] = f.value
            else:
                out[f.name] = f.value or ("这是一条关于加装电梯的测试内容。" if f.required or f.kind == "textarea" else "")
        out.update(override or {})
        return out


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(a.get("action", ""), (a.get("method") or "get").lower(), [])
            self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
            return
        if self._form is None or not a.get("name"):
            return
        required = "required" in a
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                same = next((f for f in self._form.fields if f.name == a["name"]), None)
                if same is not None:
                    if "checked" in a:
                        same.value = a.get("value", "")
                    return
            self._form.fields.append(FormField(a["name"], kind, a.get("value", ""), required=required or "checked" in a))
        elif tag == "textarea":
            self._textarea = FormField(a["name"], "textarea", "", required=required)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = FormField(a["name"], "select", "", required=required)
            self._form.fields.append(self._select)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea.value = self._textarea.value.strip()
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def parse_page(html: str, page_path: str) -> tuple[list[Form], list[str]]:
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        form.action = form.action.split("#")[0] or page_path
    return parser.forms, parser.links


def query_params(links: list[str]) -> dict[str, set[str]]:
    """Local link paths and the query parameter names they carry."""
    out: dict[str, set[str]] = {}
    for href in links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.query:
            continue
        out.setdefault(parts.path, set()).update(k for k, _v in parse_qsl(parts.query, keep_blank_values=True))
    return out


def page_paths(app, values: dict[str, object], prefix: str | None = None) -> list[str]:
    """One URL per GET rule (both languages where the rule has one), static files aside."""
    out = []
    for rule in rules(app, "GET"):
        if rule.endpoint in ("static", "assets") or (prefix and not rule.rule.startswith(prefix)):
            continue
        langs = ("zh", "en") if "lang" in rule.arguments else (None,)
        for lang in langs:
            out.append(url_of(rule, values, {"lang": lang} if lang else None))
    return out


def db_snapshot(app) -> dict:
    """Row counts of every table and the columns staff actions change: equal snapshots, nothing written."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Feedback, StaffUser, WorkItem

    with app.app_context():
        out: dict = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
        out["feedback"] = sorted(db.session.execute(select(Feedback.id, Feedback.state, Feedback.reply_body)).all())
        out["staff"] = sorted(db.session.execute(select(StaffUser.id, StaffUser.role, StaffUser.active,
                                                        StaffUser.password_hash)).all())
        out["status"] = sorted(db.session.execute(select(WorkItem.code, WorkItem.current_status)).all(), key=str)
        db.session.remove()
    return out


def declared_permission(app, endpoint: str) -> str | None:
    """The permission a view's @auth.requires(...) names, read from the decorator's closure."""
    import inspect

    view = app.view_functions[endpoint]
    while view is not None:
        if view.__closure__:
            permission = inspect.getclosurevars(view).nonlocals.get("permission")
            if isinstance(permission, str):
                return permission
        view = getattr(view, "__wrapped__", None)
    return None
