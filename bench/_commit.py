"""The commit a benchmark ran at, named in its results files."""
from __future__ import annotations

import subprocess

from ._pages import ROOT


def head_commit() -> str:
    """The short hash of HEAD (empty outside a git checkout)."""
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()
