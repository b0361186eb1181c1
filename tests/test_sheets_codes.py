"""Work-point codes that Excel changes: a CSV sheet opened and saved in Excel has 2.10 as 2.1 (a number). In a
plan with ten points in an area the reader must not put the row onto 2.1, nor guess 2.10: it refuses the row
with both codes named, unless the row's title (or a project's target) says which work point it is.
The 2023 plan has no such code (its areas have at most five points); next year's notice may."""
from __future__ import annotations

import shutil

import pytest
import yaml

from sheets_support import csv_bytes, csv_header, csv_rows
from test_plans_import import NOTICE_2024, ROOT

SLUG = "2024-ten-points"
NUMERALS = "一二三四五六七八九十"


def _notice() -> str:
    """The sample 2024 notice with a second area of ten points, 2.1 to 2.10."""
    head, _, _ = NOTICE_2024.partition("二、开展居住小区品质提升行动")
    points = "".join(f"（{n}）推进第{k}批楼道整治。\n\n完成第{k}批 {k} 个小区楼道整治。（责任部门：城建中心（房办）；时间节点：年底前）\n\n"
                     for k, n in enumerate(NUMERALS, start=1))
    return head + "二、开展居住小区品质提升行动\n\n" + points


@pytest.fixture
def ten_points(app_factory, tmp_path):
    from portal.services.plans import import_notice

    dest = tmp_path / "content"
    shutil.copytree(ROOT / "content", dest)
    source = tmp_path / "notice.txt"
    source.write_text(_notice(), encoding="utf-8")
    import_notice(source, SLUG, dest, dry_run=False)
    plan_file = dest / "plans" / SLUG / "plan.yaml"
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    plan_file.write_text(yaml.safe_dump({**plan, "published": True}, allow_unicode=True), encoding="utf-8")
    return app_factory(CONTENT_DIR=str(dest))


def _check(app, part: str, edit):
    """The plan's CSV sheet `part`, as Excel saves it (every 2.10 a 2.1), edited by `edit`, then checked."""
    from flask import g

    from portal.services.sheets import build
    from portal.services.sheets.check import check
    from portal.services.sheets.read import read

    with app.test_request_context():
        g.plan = SLUG
        rows = csv_rows(build.csv_bytes(part))
        cols = {name.split(" / ")[1]: n for n, name in enumerate(csv_header(rows))}
        code = cols["Code"] if part == "items" else cols["Work point"]
        rows = [[("2.1" if n == code and v == "2.10" else v) for n, v in enumerate(r)] for r in rows]
        rows = edit(rows, cols)
        return check(read(csv_bytes(rows), f"{part}.csv"))


def _texts(app, plan) -> list[str]:
    with app.test_request_context("/?lang=en"):
        return [p.text() for p in plan.problems]


def test_the_plan_has_both_codes(ten_points):
    from portal.services.content import content

    with ten_points.app_context():
        codes = {i.code for i in content(SLUG).items}
    assert {"2.1", "2.10"} <= codes


def test_a_new_project_of_2_10_saved_as_2_1_is_refused_naming_both_codes(ten_points):
    """A new project row has no title column: its code, saved by Excel as 2.1, put the project onto 2.1."""
    def new_project(rows, cols):
        row = [""] * len(rows[-1])
        row[cols["Work point"]], row[cols["Name"]], row[cols["New stage"]] = "2.1", "第10批楼道整治（一号楼）", "施工中"
        return rows + [row]

    plan = _check(ten_points, "sites", new_project)
    assert not plan.sites, [(s.code, s.name_zh) for s in plan.sites]
    [problem] = plan.problems
    assert problem.column == "code" and problem.params["code"] == "2.1" and problem.params["other"] == ["2.10"]


def test_a_progress_row_of_2_10_saved_as_2_1_is_refused_by_its_title(ten_points):
    """The row's title is 2.10's: the problem says so, naming both codes, rather than "locked column changed"."""
    def fill(rows, cols):
        title = next(r[cols["Work point"]] for r in rows if r[cols["Code"]] == "2.1" and "第10批" in r[cols["Work point"]])
        genuine = next(r[cols["Work point"]] for r in rows if r[cols["Code"]] == "2.1" and "第1批" in r[cols["Work point"]])
        for r in rows:
            if r[cols["Work point"]] in (title, genuine):
                r[cols["New status"]], r[cols["What changed (zh)"]] = "推进中", "已启动楼道整治。"
        return rows

    plan = _check(ten_points, "items", fill)
    assert [(i.code, i.title.zh) for i in plan.items] == [("2.1", "推进第1批楼道整治")], _texts(ten_points, plan)
    assert {(p.params.get("code"), p.params.get("other")) for p in plan.problems} == {("2.1", "2.10")}
    text = " ".join(_texts(ten_points, plan))
    assert "2.10" in text and ".xlsx" in text


def test_only_a_code_excel_reads_as_the_same_number_is_a_possible_original():
    from portal.services.sheets.codes import saved_as

    codes = {"2.1", "2.10", "2.100", "2.1.1", "12.1", "2.11", "3.10"}
    assert saved_as("2.1", codes) == ["2.10", "2.100"]
    assert saved_as("3.1", codes) == ["3.10"]
    assert saved_as("2.1.1", codes) == [] and saved_as("", codes) == [] and saved_as("2.11", codes) == []


@pytest.mark.parametrize("lang, joined", [("en", "2.10, 2.100"), ("zh", "2.10、2.100")])
def test_several_possible_codes_are_joined_in_the_language_the_clerk_reads(app, lang, joined):
    """2.1 may have been 2.10 or 2.100: an English-speaking clerk reads "2.10, 2.100", not "2.10、2.100"."""
    from flask import g

    from portal.services.sheets.codes import work_point
    from portal.services.sheets.plan import Plan
    from portal.services.sheets.problems import Problem

    plan = Plan()
    # No title or target in the row: the states of 2.10 and 2.100 are not looked into.
    assert work_point(plan, "items", {"row": 3, "cells": {"code": "2.1"}}, {"2.10": None, "2.100": None}) is None
    [problem] = [Problem.from_dict(p.as_dict()) for p in plan.problems]  # as kept with the upload
    with app.test_request_context():
        g.lang = lang
        text = problem.text()
    assert joined in text, text
