"""bench/results/profile.md from the runs `python -m bench profile` keeps in profile.json."""
from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SHOWN = 15  # rows per table in the markdown; the JSON keeps more


def _table(rows: list[dict]) -> list[str]:
    lines = ["| function | calls/page | own ms/page | cumulative ms/page |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| `{r['function']}` | {r['calls_per_page']} | {r['own_ms_per_page']} | {r['cum_ms_per_page']} |"
              for r in rows[:SHOWN]]
    return lines


def write_markdown(runs: dict) -> Path:
    labels = list(runs)
    pages = list(dict.fromkeys(p for run in runs.values() for p in run["pages"]))
    lines = [
        "# Where rendering time goes: cProfile of the public pages",
        "",
        "Written by `python -m bench profile` (bench/profile_pages.py); do not edit by hand. Each page is "
        "fetched in-process with Flask's test client, after warm-up (so the item page's body and empty comment form come from the Flask-Caching store keyed on the data version, portal/fragments.py; every other page is rendered whole): the wall time is measured first "
        "without the profiler, then the same number of renders under cProfile (times per page; the "
        "profiler's own overhead inflates functions called many times). Wall times depend on the machine's "
        "load at the time (given below); calls per page do not.",
        "",
        "| page | " + " | ".join(f"{label} ms/page | {label} calls/page" for label in labels) + " |",
        "| --- | " + " | ".join("---: | ---:" for _ in labels) + " |",
    ]
    for page in pages:
        cells = [f"{runs[label]['pages'].get(page, {}).get('ms_per_page', '–')} | "
                 f"{runs[label]['pages'].get(page, {}).get('calls_per_page', '–')}" for label in labels]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines.append("")
    for label, run in runs.items():
        lines += [f"Run **{label}**: `{run['command'].strip()}` at commit `{run['commit']}`, {run['when']}, "
                  f"{run['renders']} renders a page, 1-minute load average {run['load_avg_1m']}.", ""]
    for label, run in runs.items():
        lines += [f"## {label}", ""]
        for page, data in run["pages"].items():
            lines += [f"### {page} (`{data['path']}`): {data['ms_per_page']} ms a page", "", "By cumulative time:", ""]
            lines += _table(data["by_cumulative"]) + ["", "By own time:", ""] + _table(data["by_own_time"]) + [""]
    path = RESULTS / "profile.md"
    path.write_text("\n".join(lines))
    return path
