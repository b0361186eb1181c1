"""Which functions of a library a request runs: for tests that a page view skips an extension's hooks."""
from __future__ import annotations

import sys

# Public reads whose hooks are checked: the home page, search in both languages, an item and the API.
READS = ("/zh/", "/zh/search?q=加装电梯", "/en/search?q=lift", "/zh/plans/2023-city-management/items/2.3",
         "/api/v1/items", "/api/v1/items/2.3")


def calls_into(folder: str, client, path: str, method: str = "GET") -> tuple[int, list[str]]:
    """The status of the request and the names of the functions it ran in files under `folder`."""
    called = []

    def profile(frame, event, _arg):
        if event == "call" and folder in frame.f_code.co_filename:
            called.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        status = client.open(path, method=method).status_code
    finally:
        sys.setprofile(None)
    return status, called
