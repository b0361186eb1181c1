"""YAML read with libyaml's safe loader where PyYAML has it (its wheels do), the pure-Python one elsewhere.

Both read the same safe subset; libyaml is about ten times faster, and every app start (each node,
each worker restart, each test) reads every plan's files and the search thesaurus.
"""
from __future__ import annotations

from typing import Any

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]


def load(text: str) -> Any:
    return yaml.load(text, Loader=SafeLoader)
