"""bench/results/web.md from the JSON that `python -m bench web` and `python -m bench lighthouse` write."""
from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def _yes(flag: bool) -> str:
    return "met" if flag else "**missed**"


def load_section(data: dict) -> list[str]:
    s, v = data["settings"], data["verdict"]
    g = s["gunicorn"]
    lines = [
        "## Throughput and latency (wrk)",
        "",
        f"`{data['command'].strip()}` at commit `{data['commit']}`, {data['when']}, {data['machine']['cpus']} cores "
        f"shared with other work (1-minute load average at the end: {data['machine']['load_avg_at_end'][0]}).",
        f"wrk -t{s['threads']} -c{s['connections']} -d{s['duration_s']}s --latency, header "
        f"`Accept-Encoding: {s['accept_encoding']}`; {s['rounds']} interleaved round(s), the median round shown. "
        f"gunicorn.conf.py: {g['workers']} {g['worker_class']} workers × {g['threads']} threads, "
        f"preload {g['preload_app']}, access log to a file.",
        "",
        "| target | path | req/s | p50 ms | p90 ms | p99 ms | server CPU µs/request | rounds (req/s) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, t in data["targets"].items():
        rounds = ", ".join(f"{x:.0f}" for x in t["rounds_rps"])
        cpu = t.get("server_cpu_us_per_request")
        lines.append(f"| {name} | `{t['path']}` | {t['rps']:.0f} | {t['p50_ms']:.2f} | {t['p90_ms']:.2f} | "
                     f"{t['p99_ms']:.2f} | {cpu if cpu is not None else '–'} | {rounds} |")
    workers = data["memory"]["portal_workers"]
    lines += [
        "",
        f"- Item page at **{v['item_vs_hello']:.0%}** of the hello-world ceiling (target ≥ 60%: "
        f"{_yes(v['met']['ratio'])}; median of the rounds' ratios "
        f"{', '.join(f'{x:.0%}' for x in v.get('item_vs_hello_rounds', []))}, each against the hello-world run "
        f"just before it); {v['item_vs_nginx']:.0%} of nginx serving the same page as a file. "
        f"By server CPU per request, which other work on the machine disturbs far less, the item page costs "
        f"{1 / v['hello_vs_item_server_cpu']:.1f}× a hello-world request "
        f"(i.e. {v['hello_vs_item_server_cpu']:.0%} of its rate if the server alone used the cores).",
        f"- Item page p99 **{v['item_p99_ms']:.1f} ms** (target < 50 ms: {_yes(v['met']['p99'])}); hello-world's "
        f"p99 in the same run {data['targets']['hello-world (ceiling)']['p99_ms']:.1f} ms, nginx's "
        f"{data['targets']['nginx static item page (ceiling)']['p99_ms']:.1f} ms"
        + (": the ceilings miss it too, so the tail is the busy machine's more than the server's."
           if data["targets"]["hello-world (ceiling)"]["p99_ms"] >= 50 else "."),
        f"- Worker memory after the runs: RSS {', '.join(str(w['rss_mb']) for w in workers)} MB "
        f"(PSS {', '.join(str(w['pss_mb']) for w in workers)} MB); largest **{v['max_worker_rss_mb']} MB** "
        f"(target ≤ 150 MB: {_yes(v['met']['rss'])}). Master RSS {data['memory']['portal_master']['rss_mb']} MB.",
        f"- Socket errors and non-2xx responses: {'none' if v['met']['errors'] else 'SOME — see web-load.json'}.",
        "",
    ]
    return lines


def lighthouse_section(data: dict) -> list[str]:
    cats = data["categories"]
    lines = [
        "## Lighthouse (mobile)",
        "",
        f"`{data['command'].strip()}` at commit `{data['commit']}`, {data['when']}; lighthouse {data['lighthouse']}, "
        f"{data['chromium']}, default mobile emulation (simulated slow 4G, 4× CPU slowdown); each page run "
        f"{data['runs']} time(s), the median performance run shown. Target ≥ {data['target']} in every category.",
        "",
        "| page | path | " + " | ".join(cats) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in cats) + " |",
    ]
    for name, page in data["pages"].items():
        cells = []
        for c in cats:
            score = page["scores"][c]
            if c == "seo" and page.get("noindex"):
                cells.append(f"{score} (noindex†)")
            else:
                cells.append(str(score) if score >= data["target"] else f"**{score}**")
        lines.append(f"| {name} | `{page['path']}` | {' | '.join(cells)} |")
    lines += [
        "",
        "† Kept out of search engines on purpose (`<meta name=\"robots\" content=\"noindex\">`): search "
        "result pages are an endless space of near-duplicates and a tracking page belongs to one resident. "
        "Lighthouse's SEO score counts that as \"blocked from indexing\", so SEO is not applied to them.",
        "",
        f"All scores ≥ {data['target']} (SEO on indexable pages): {_yes(data['met'])}. "
        f"Lowest of all runs per page: "
        + "; ".join(f"{n} {min(p['lowest'][c] for c in cats if not (c == 'seo' and p.get('noindex')))}"
                    for n, p in data["pages"].items()) + ".",
        "",
    ]
    return lines


def write_markdown() -> Path:
    lines = [
        "# Web speed, weight and accessibility: measured figures",
        "",
        "Written by `python -m bench web` and `python -m bench lighthouse` (bench/_web_report.py); "
        "do not edit by hand. Page weight, axe-core and the Nu HTML checker run in the test suite "
        "(tests/test_page_weight.py, tests/test_accessibility.py, tests/test_html_validity.py).",
        "",
    ]
    load, lighthouse = _load("web-load.json"), _load("lighthouse.json")
    if load:
        lines += load_section(load)
    if lighthouse:
        lines += lighthouse_section(lighthouse)
    path = RESULTS / "web.md"
    path.write_text("\n".join(lines))
    return path
