"""The open-data API: shape, values against the notice, 404s, and the OpenAPI document."""
from __future__ import annotations

import jsonschema
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conftest import text_of
from test_parser import EXPECTED


def _validator(doc, name):
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(doc))
    schema = {"$ref": f"urn:openapi#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(schema, registry=registry)


@pytest.fixture
def spec(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def test_items_list_matches_notice(client, spec):
    data = client.get("/api/v1/items").get_json()
    assert len(data["items"]) == 30
    got = {i["code"]: ([d["zh"] for d in i["departments"]], i["deadline"]) for i in data["items"]}
    assert got == EXPECTED
    validator = _validator(spec, "Item")
    for item in data["items"]:
        validator.validate(item)
        assert item["url"] == {"zh": f"/zh/plans/2023-city-management/items/{item['code']}", "en": f"/en/plans/2023-city-management/items/{item['code']}"}
        assert item["status"]["code"] == "no_report"
        assert all(d["en"] for d in item["departments"])


def test_one_item(client, spec):
    item = client.get("/api/v1/items/2.3").get_json()
    _validator(spec, "Item").validate(item)
    assert item["section"]["number"] == 2
    assert "加装电梯" in item["official_text"]
    assert item["status"]["label"]["zh"] == "尚未发布进展报告"
    assert item["status"]["label"]["en"] == "No progress report published yet"


@pytest.mark.parametrize("code", ["9.9", "2", "2.3.4.5", "<script>", "%27%20OR%201=1"])
def test_unknown_item_is_json_404(client, code):
    r = client.get(f"/api/v1/items/{code}")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == 404


def test_openapi_document_is_valid_openapi(spec):
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/items/{code}" in spec["paths"]
    jsonschema.Draft202012Validator.check_schema(spec["components"]["schemas"]["Item"])


def test_healthz_ok(app, client):
    from portal.search import index

    with app.app_context():
        index.build()  # without one, /healthz says "degraded" (tests/test_operations.py)
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "ok"


def test_healthz_503_when_database_not_loaded(app_factory, tmp_path):
    from portal.extensions import db
    from portal.models import WorkItem

    app = app_factory()
    with app.app_context():
        db.session.query(WorkItem).delete()
        db.session.commit()
    r = app.test_client().get("/healthz")
    assert r.status_code == 503 and r.get_json()["checks"]["database"] == "not loaded"


def test_document_is_generated_from_the_models(app, spec):
    from portal.api import schemas
    from portal.api.openapi import OPERATIONS

    assert spec["components"]["schemas"]["Item"]["required"] == list(schemas.Item.model_fields)
    assert {op.path for op in OPERATIONS} == set(spec["paths"])
    assert all(op.endpoint in app.view_functions for op in OPERATIONS)


def test_a_key_the_models_do_not_name_fails_the_document(client, spec):
    item = client.get("/api/v1/items/2.3").get_json()
    item["undocumented"] = 1
    with pytest.raises(jsonschema.ValidationError):
        _validator(spec, "Item").validate(item)


def test_search_parameter_errors_are_error_objects(client, spec):
    r = client.get("/api/v1/search?q=lift&more=2")
    assert r.status_code == 400
    _validator(spec, "Error").validate(r.get_json())
    assert r.get_json()["error"]["message"].startswith("more:")


def test_a_search_hit_carries_the_status_the_page_shows(client):
    """No progress report yet and the deadline passed, as on the work point's page and in the item API."""
    hit = client.get("/api/v1/search", query_string={"q": "加装电梯", "lang": "en"}).json["results"][0]
    item = client.get(f"/api/v1/items/{hit['code']}").json
    assert hit["status"] == item["status"]
    assert hit["status"]["code"] == "no_report" and hit["status"]["deadline_passed"] is True


@pytest.mark.parametrize("method, path, json", [
    ("post", "/api/v1/items", True),
    ("delete", "/api/v1/plans/2023-city-management/items/2.3", True),
    ("put", "/api/v1/openapi.json", True),
    ("post", "/zh/plans/2023-city-management/items/", False),
])
def test_a_method_an_address_does_not_take_says_which_it_does(client, method, path, json):
    """RFC 9110 15.5.6: a 405 names the methods the address accepts in Allow; the error page and the API's
    Error object used to drop it."""
    r = getattr(client, method)(path)
    assert r.status_code == 405
    assert {"GET", "HEAD"} <= {m.strip() for m in r.headers.get("Allow", "").split(",")}
    assert (r.headers["Content-Type"] == "application/json") == json
    if json:
        assert r.get_json()["error"]["code"] == 405


def test_a_search_in_a_plan_the_site_does_not_have_is_an_error_not_an_empty_answer(client, spec):
    """The search page ignores an unknown ?plan= and lists what every plan has (1 work point for 电梯); the API
    answered 200 with total 0, as if no work point matched: a client's typo in a slug read as "nothing"."""
    page = text_of(client.get("/en/search", query_string={"q": "电梯", "plan": "2099-nothing"}).data)
    assert "1 work point found" in page
    r = client.get("/api/v1/search", query_string={"q": "电梯", "plan": "2099-nothing"})
    assert r.status_code == 400
    _validator(spec, "Error").validate(r.get_json())
    assert r.get_json()["error"]["message"].startswith("plan:") and "/api/v1/plans" in r.get_json()["error"]["message"]
    known = client.get("/api/v1/search", query_string={"q": "电梯", "plan": "2023-city-management"}).get_json()
    assert known["total"] == 1


def test_the_csv_links_are_the_apis_links_made_absolute_under_a_path_prefix_too(client):
    """Mounted under /portal (SCRIPT_NAME, which url_for and every page honour), the CSV wrote
    http://localhost/portal/portal/zh/...: request.url_root already holds the prefix that url_for adds."""
    import csv
    import io

    for base in ("http://localhost", "http://localhost/portal"):
        text = client.get("/api/v1/items.csv", base_url=base).data.decode("utf-8-sig")
        rows = {r["code"]: r for r in csv.DictReader(io.StringIO(text))}
        api = client.get("/api/v1/items/2.3", base_url=base).get_json()["url"]
        assert rows["2.3"]["url_zh"] == "http://localhost" + api["zh"] and rows["2.3"]["url_en"] == "http://localhost" + api["en"]
        assert client.get(api["zh"].removeprefix(base.removeprefix("http://localhost")), base_url=base).status_code == 200


@pytest.mark.parametrize("query, reason", [
    ({}, "empty"),
    ({"q": "？！@#"}, "nothing_searchable"),
    ({"q": "电梯", "more": "2"}, "invalid_parameter"),
    ({"q": "电梯", "plan": "2099-nothing"}, "unknown_plan"),
])
def test_a_search_that_cannot_run_says_why_for_people_and_for_programs(client, spec, query, reason):
    """The API answered {"message": "empty"}: a bare code where people read a message. The message is now
    an English sentence and the code a documented field of its own."""
    r = client.get("/api/v1/search", query_string=query)
    assert r.status_code == 400
    error = r.get_json()["error"]
    _validator(spec, "Error").validate(r.get_json())
    assert error["reason"] == reason
    assert " " in error["message"] and error["message"].startswith(("q: ", "more: ", "plan: "))
    assert reason in spec["components"]["schemas"]["ErrorDetail"]["properties"]["reason"]["anyOf"][0]["enum"]


def test_every_reason_the_search_raises_has_an_api_message_and_is_documented():
    """too_long stops at the parameter check (max 200) before the search's own limit; it has a message all the same."""
    import re
    from pathlib import Path
    from typing import get_args

    import portal.search.query as query
    from portal.api.schemas import SearchErrorReason
    from portal.search.routes import API_QUERY_ERRORS

    raised = set(re.findall(r'QueryError\("(\w+)"\)', Path(query.__file__).read_text()))
    assert raised == set(API_QUERY_ERRORS) and raised <= set(get_args(SearchErrorReason))


def test_the_document_lists_a_304_exactly_where_one_is_answered(client, spec):
    """The answers carry ETags and answer If-None-Match with 304 (portal/http_caching.py); the document named
    no 304, so a client generated from it treated one as an error."""
    values = {"lang": "en", "slug": "2023-city-management", "code": "2.3"}
    checked = 0
    for template, methods in spec["paths"].items():
        operation = methods["get"]
        if "200" not in operation["responses"]:
            continue
        path = template.format(**values)
        first = client.get(path, query_string={"q": "电梯"} if path == "/api/v1/search" else None)
        assert first.status_code == 200, path
        etag = first.headers.get("ETag")
        again = client.get(path, headers={"If-None-Match": etag} if etag else {},
                           query_string={"q": "电梯"} if path == "/api/v1/search" else None)
        assert (again.status_code == 304) == ("304" in operation["responses"]), path
        assert ("304" in operation["responses"]) == ("ETag" in operation["responses"]["200"].get("headers", {})), path
        checked += again.status_code == 304
    assert checked >= 6


def test_the_document_names_its_server(client, app_factory):
    assert client.get("/api/v1/openapi.json").get_json()["servers"] == [{"url": "/"}]
    public = app_factory(PUBLIC_URL="https://zj.example.gov.cn/").test_client()
    assert public.get("/api/v1/openapi.json", headers={"Host": "evil.example"}).get_json()["servers"] == [
        {"url": "https://zj.example.gov.cn"}]


@pytest.mark.parametrize("method, path", [("get", "/api/v1/items/9.9"), ("get", "/api/v1/nothing"), ("post", "/api/v1/items")])
def test_api_errors_are_english_whatever_the_readers_language(client, method, path):
    """Every API error message is English (the search's 400s, the schema's descriptions); the 404 and 405
    went through the error pages' Chinese for a reader whose browser or cookie asks for Chinese."""
    client.set_cookie("lang", "zh")
    r = getattr(client, method)(path, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert r.headers["Content-Type"] == "application/json"
    message = r.get_json()["error"]["message"]
    assert message.isascii(), message
    assert "页面" in text_of(client.get("/zh/no-such-page").data)  # the pages keep their language
