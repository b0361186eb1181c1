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
    s, v, seen = data["settings"], data["verdict"], data.get("observed", {})
    g = s["gunicorn"]
    lines = [
        "## Throughput and latency (wrk)",
        "",
        f"`{data['command'].strip()}` at commit `{data['commit']}`, {data['when']}, {data['machine']['cpus']} cores "
        f"shared with other work (1-minute load average at the end: {data['machine']['load_avg_at_end'][0]}).",
        f"wrk -t{s['threads']} -c{s['connections']} -d{s['duration_s']}s --latency, header "
        f"`Accept-Encoding: {s['accept_encoding']}`; {s['rounds']} interleaved round(s), the median round shown, "
        f"each ratio the median of the rounds' ratios to hello-world in the same round. gunicorn.conf.py: "
        f"{g['workers']} {g['worker_class']} workers × {g['threads']} threads, at most "
        f"{g.get('worker_connections', 1000)} connections a worker, preload {g['preload_app']}, "
        f"access log to a file. Every GET without If-None-Match is rendered; the item page's body and empty comment "
        f"form come from Flask-Caching keyed on the data version (portal/fragments.py) except on the "
        f"\"first render after a change\" server (PORTAL_CACHE_TYPE=NullCache).",
        "",
        "| target | path | req/s | vs hello-world | p50 ms | p90 ms | p99 ms | server CPU µs/request | rounds (req/s) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, t in data["targets"].items():
        rounds = ", ".join(f"{x:.0f}" for x in t["rounds_rps"])
        cpu = t.get("server_cpu_us_per_request")
        lines.append(f"| {name} | `{t['path']}` | {t['rps']:.0f} | {t.get('vs_hello', 0):.0%} | {t['p50_ms']:.2f} | "
                     f"{t['p90_ms']:.2f} | {t['p99_ms']:.2f} | {cpu if cpu is not None else '–'} | {rounds} |")
    workers = data["memory"]["portal_workers"]
    met = v["met"]
    lines += [
        "",
        f"- Rendered item page at **{v['item_vs_hello']:.1%}** of hello-world (target ≥ 25%: {_yes(met['item_ratio'])}); "
        f"its first render after a change, with nothing kept, at **{v.get('item_first_render_vs_hello', 0):.1%}**; "
        f"searches with new words at **{v['search_vs_hello']:.1%}** (target ≥ 25%: {_yes(met['search_ratio'])}), "
        f"p99 **{v['search_p99_ms']:.0f} ms** (target < 100 ms: {_yes(met['search_p99'])}).",
        *([f"- The floor: a page with the layout and nothing else (a page not found) runs at "
           f"**{v['floor_vs_hello']:.1%}** of hello-world; every rendered page pays it before its own work."]
          if "floor_vs_hello" in v else []),
        f"- A reader's GET of the item page: sets a cookie {seen.get('item_sets_cookie')}, ETag "
        f"`{seen.get('item_etag')}`, Cache-Control `{seen.get('item_cache_control')}`; revalidation answers "
        f"{seen.get('revalidation_status') or 'nothing (no ETag: the revalidated run is a plain GET)'}; nginx's cache "
        f"status on a second request: {seen.get('nginx_cache_status')}.",
        f"- Worker memory after the runs: RSS {', '.join(str(w['rss_mb']) for w in workers)} MB "
        f"(PSS {', '.join(str(w['pss_mb']) for w in workers)} MB); largest **{v['max_worker_rss_mb']} MB** "
        f"(target ≤ 150 MB: {_yes(met['rss'])}). Master RSS {data['memory']['portal_master']['rss_mb']} MB.",
        "- Page sizes (gzip / uncompressed KB): " + "; ".join(
            f"`{path}` {p['gzip_kb']} / {p['raw_kb']}" for path, p in data.get("page_sizes", {}).items())
        + f"; largest {v['largest_page_gzip_kb']} KB (target ≤ 50 KB: {_yes(met['page_weight'])}).",
        f"- Socket errors and 4xx/5xx responses (the not-found page's 404s aside): "
        f"{'none' if met['errors'] else 'SOME — see web-load.json'}.",
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
