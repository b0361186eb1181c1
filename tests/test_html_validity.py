"""The Nu HTML checker (npm vnu-jar, on the machine's Java) finds no errors on any public page.

Every page from tests/public_pages.py in both languages, plus a form returned with errors, is
rendered by the test client, written to a file, and checked in one vnu run (one JVM start).
Skipped locally without Java or node_modules; a failure in CI, where .ci/run installs both.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, csrf_from
from public_pages import public_pages, seed

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _need_vnu() -> str:
    java = shutil.which("java")
    missing = [what for what, ok in (("java", java), (str(VNU_JAR), VNU_JAR.exists())) if not ok]
    if missing:
        message = f"Nu HTML checker needs {', '.join(missing)} (apt-get install default-jre-headless; npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message + ": .ci/run should have installed it")
        pytest.skip(message)
    return java


def vnu_errors(java: str, files: list[Path]) -> list[dict]:
    run = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    report = json.loads(run.stderr or '{"messages": []}')
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")
            or m.get("subType") == "fatal"]


def test_vnu_finds_no_errors_on_public_pages(app, client, tmp_path):
    java = _need_vnu()
    seeded = seed(app)
    files: list[Path] = []
    for page in public_pages(app, seeded):
        response = client.get(page.path)
        assert response.status_code == page.status, page.path
        if response.mimetype != "text/html":
            continue
        path = tmp_path / f"{page.name}.html"
        path.write_bytes(response.data)
        files.append(path)

    # A comment form sent back with errors: error summary, aria-invalid fields, messages.
    item = client.get(f"/zh/plans/2023-city-management/items/{seeded['item_code']}")
    invalid = client.post(f"/zh/plans/2023-city-management/items/{seeded['item_code']}/feedback", data={"csrf_token": csrf_from(item.data),
                                                                             "body": "", "kind": ""})
    assert invalid.status_code == 400
    files.append(tmp_path / "feedback-form-errors-zh.html")
    files[-1].write_bytes(invalid.data)

    assert len(files) >= 20
    errors = vnu_errors(java, files)
    described = [f"{Path(e.get('url', '')).name}:{e.get('lastLine')}: {e.get('message')} [{e.get('extract', '')!r}]"
                 for e in errors]
    assert not errors, "\n".join(described)


def test_vnu_reports_an_error_it_should(tmp_path):
    """The checker and the report parsing catch a real error (so a silent run cannot pass)."""
    java = _need_vnu()
    broken = tmp_path / "broken.html"
    broken.write_text('<!doctype html><html lang="en"><head><title>x</title></head><body><p><div></p></body></html>')
    assert vnu_errors(java, [broken])
