"""Dispatcher: `python -m bench` runs every benchmark, `python -m bench NAME [ARGS]` runs one.

A benchmark is any module in this package whose name does not start with "_" and which defines
`main(argv: list[str]) -> int`. NAME matches the module name or its first word (`search` finds
`search_latency`), so a new benchmark is one new file and nobody edits this one.
Modules are only imported when chosen: a benchmark's heavy imports never slow down another.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(PACKAGE)])
                  if not m.name.startswith("_") and not m.ispkg)


def resolve(name: str) -> list[str]:
    names = available()
    if name in names:
        return [name]
    return [n for n in names if n.split("_", 1)[0] == name]


def run(module_name: str, argv: list[str]) -> int:
    module = importlib.import_module(f"{__package__ or 'bench'}.{module_name}")
    main = getattr(module, "main", None)
    if main is None:
        print(f"bench: {module_name} has no main(argv); skipped", file=sys.stderr)
        return 0
    print(f"== bench {module_name} {' '.join(argv)}".rstrip(), flush=True)
    return int(main(argv) or 0)


def cli(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help", "list"):
        print(__doc__.strip())
        print("\navailable:", " ".join(available()) or "(none)")
        return 0
    if not argv:
        status = 0
        for name in available():
            status = run(name, []) or status
        return status
    matches = resolve(argv[0])
    if len(matches) != 1:
        found = ", ".join(matches) if matches else "nothing"
        print(f"bench: '{argv[0]}' matches {found}; available: {' '.join(available())}", file=sys.stderr)
        return 2
    return run(matches[0], argv[1:])


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
