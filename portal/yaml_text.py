"""YAML read with libyaml's safe loader where PyYAML has it (its wheels do), the pure-Python one elsewhere.

Both read the same safe subset; libyaml is about ten times faster, and every app start (each node,
each worker restart, each test) reads every plan's files and the search thesaurus.
"""
from __future__ import annotations

from typing import Any

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, chosen above
