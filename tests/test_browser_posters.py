"""Posters in real headless Chromium: the QR code on screen decodes (Debian zbar) to the page's address,
and the staff print of a work point comes out as one A4 sheet per poster."""
from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest

from browser_support import screenshot
from conftest import STAFF_PASSWORD, make_staff
from progress_support import add_site


def _decode(png: bytes) -> str:
    if not shutil.which("zbarimg"):
        if os.environ.get("CI"):
            pytest.fail("zbarimg missing in CI (apt-get install zbar-tools)")
        pytest.skip("zbarimg not installed (apt-get install zbar-tools)")
    out = subprocess.run(["zbarimg", "-q", "--raw", "-"], input=png, capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.decode().strip()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_poster_qr_decodes_to_the_page(app, live_server, page, lang):
    site = add_site(app, "2.3", "甲楼加装电梯", "consultation", name_en="Lift, block A")
    server = live_server(app)
    for path, expected in ((f"/{lang}/plans/2023-city-management/items/2.3/poster", f"{server.url}/{lang}/plans/2023-city-management/items/2.3"),
                           (f"/{lang}/plans/2023-city-management/items/2.3/sites/{site}/poster",
                            f"{server.url}/{lang}/plans/2023-city-management/items/2.3/sites/{site}#feedback-form")):
        page.goto(server.url + path)
        screenshot(page, f"poster-{lang}-{'site' if 'sites' in path else 'item'}")
        assert _decode(page.locator("svg.qr").screenshot()) == expected
        assert expected.split("://", 1)[1].split("#")[0] in page.locator(".poster-address").inner_text()


def test_staff_print_has_one_a4_sheet_per_poster(app, live_server, browser_context_factory):
    from pdfminer.high_level import extract_pages

    for name in ("甲楼加装电梯", "乙楼加装电梯", "丙楼加装电梯"):
        add_site(app, "2.3", name, "consultation")
    make_staff(app, "printer", "editor")
    server = live_server(app)
    tab = browser_context_factory("phone-390").new_page()
    tab.goto(f"{server.url}/staff/login")
    tab.fill("input[name=username]", "printer")
    tab.fill("input[name=password]", STAFF_PASSWORD)
    tab.press("input[name=password]", "Enter")
    tab.wait_for_url("**/staff/")
    tab.goto(f"{server.url}/staff/items/2.3/posters?lang=zh")
    pdf = tab.pdf(prefer_css_page_size=True)
    pages = list(extract_pages(io.BytesIO(pdf)))
    assert len(pages) == 4  # the work point, then each of its three projects
    for sheet in pages:  # A4 portrait in points
        assert abs(sheet.width - 595) < 3 and abs(sheet.height - 842) < 3
    # The longest plain summary, in the longer language, still fits on one sheet.
    from portal.services.content import content

    with app.app_context():
        longest = max(content().items, key=lambda i: len(i.summary.en) + len(i.title.en)).code
    for lang in ("zh", "en"):
        tab.goto(f"{server.url}/{lang}/plans/2023-city-management/items/{longest}/poster")
        assert len(list(extract_pages(io.BytesIO(tab.pdf(prefer_css_page_size=True))))) == 1, (longest, lang)
