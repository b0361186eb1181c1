"""bandit (pinned in requirements-dev.txt) finds nothing of medium or high severity in portal/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bandit_runs_clean():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "portal", "-q", "-ll", "-f", "txt"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    # bandit exits 1 with findings and 2 on its own errors; both must fail with the report shown.
    assert result.returncode == 0, result.stdout + result.stderr
