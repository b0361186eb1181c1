"""Web throughput and latency under wrk, every target beside a hello-world ceiling in the same run.

    python -m bench web                         # 32 connections, 10 s per target, 2 rounds
    python -m bench web --rounds 3 --duration 10 --connections 32
    python -m bench web --quick                 # 3 s, 1 round: a smoke run, not for the README

Everything runs on loopback in a temporary directory: its own SQLite database (migrated, content
loaded, a status update, a project site and published comments on the measured work point), its
own search index and instance directory, random free ports. The portal is served by gunicorn with
the repo's gunicorn.conf.py. Every GET without If-None-Match renders the page: the layout, header and
anything tied to the request every time; the item page's body and empty comment form come from
Flask-Caching keyed on the data version (portal/fragments.py) once a worker has rendered them. "item
(first render after a change)" is the same page on a second portal with PORTAL_CACHE_TYPE=NullCache:
everything rendered, as each worker does once after any change. The ceiling is a hello-world
Flask app under the same gunicorn settings; "layout only" is a page not found (a 404: the layout
and the hooks around one sentence), the floor under every rendered page. "item (revalidated)" sends
the page's ETag in If-None-Match (a 304 once the portal sends ETags; a plain GET before). "search
(new words)" asks a new two-word query on every request (a wrk Lua script drawing from
content/thesaurus.yaml and aliases.yaml), so it misses every cache. "nginx cache → item" is nginx with proxy_cache in front
of the same portal. Targets are run in interleaved rounds and the median round is reported, so
ratios hold while the machine's load drifts. Every request carries the Accept-Encoding a browser
sends. Needs Debian's `wrk` and `nginx`. Results: bench/results/web-load.json and bench/results/web.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from ._commit import head_commit
from ._pages import AREA, ITEM, vocabulary_words

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BROWSER_ENCODING = "gzip, deflate, br"
HELLO = "hello-world (ceiling)"
NEW_WORDS = "search (new words)"
FLOOR = "layout only (a page not found)"
TARGETS = {  # name -> (server, path, extra header or None); "etag" is filled in from the item page
    HELLO: ("hello", "/", None),
    # The cheapest page the portal renders: the layout, the request hooks and compression around a
    # sentence, no data. What any rendered page costs before its own work; the rest of a page is its own.
    FLOOR: ("portal", "/zh/no-such-page", None),
    "item (rendered)": ("portal", f"/zh/plans/2023-city-management/items/{ITEM}", None),
    "item (revalidated)": ("portal", f"/zh/plans/2023-city-management/items/{ITEM}", "etag"),
    # The same page with nothing kept (PORTAL_CACHE_TYPE=NullCache): what the first request after a
    # change costs each worker, and every request on a node that keeps nothing.
    "item (first render after a change)": ("cold", f"/zh/plans/2023-city-management/items/{ITEM}", None),
    "home": ("portal", "/zh/", None),
    "area": ("portal", f"/zh/plans/2023-city-management/areas/{AREA}", None),
    "progress": ("portal", "/zh/plans/2023-city-management/progress", None),
    NEW_WORDS: ("portal", "/zh/search", None),
    "api (one item)": ("portal", f"/api/v1/items/{ITEM}", None),
    "nginx cache → item": ("nginx", f"/zh/plans/2023-city-management/items/{ITEM}", None),
}
PLAN = "/zh/plans/2023-city-management"
PAGES = [f"{PLAN}/items/{ITEM}", f"/en/plans/2023-city-management/items/{ITEM}", "/zh/", f"{PLAN}/areas/{AREA}",
         f"{PLAN}/progress", "/zh/search?q=" + quote("加装电梯"), f"{PLAN}/items/", f"{PLAN}/places/", f"{PLAN}/notice"]
TARGET_RATIO = 0.25  # rendered item page and new-word searches, against hello-world in the same round
TARGET_SEARCH_P99_MS = 100.0
TARGET_RSS_MB = 150.0
TARGET_PAGE_KB = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout} s")
        time.sleep(0.2)


def prepare_portal(work: Path) -> dict[str, str]:
    """A migrated database with content, sample activity on the measured item, and a built index.

    The tracking code of a comment waiting for moderation is left in WORK/tracking.txt."""
    env = {
        **os.environ,
        "PORTAL_INSTANCE_DIR": str(work / "instance"),
        "PORTAL_DATABASE_URL": f"sqlite:///{work / 'portal.db'}",
        "PORTAL_SEARCH_INDEX": str(work / "index"),
        "PORTAL_SECRET_KEY": "bench-only-secret",
        "PORTAL_ACCESS_LOG": str(work / "access.log"),
        "PORTAL_LOG_LEVEL": "warning",
    }
    script = f"""
from datetime import date
from flask_migrate import upgrade
from wsgi import app
from portal.services import feedback
from portal.services.auth import create_staff
from portal.services.content import content, sync_items
from portal.search.index import build
with app.app_context():
    upgrade(directory={str(ROOT / 'migrations')!r})
    sync_items(content())
    staff = create_staff("bench", "copper kettle under quiet rain", "admin")
    item = content().item({ITEM!r})
    try:
        from portal.services.progress import record_update
        record_update(item.code, "in_progress", "已开工。", "Work has started.", date(2023, 9, 1),
                      progress={{t.key: t.value // 2 for t in item.targets}}, actor=staff)  # whole: most targets count things
    except ImportError:
        pass
    try:
        from portal.services.sites import add_site
        add_site(item.code, None, "示例小区3号楼", "Sample estate building 3", None, None, "consultation", staff)
    except ImportError:
        pass
    for n in range(3):
        sent = feedback.submit(item.code, body=f"第{{n}}条示例留言：加装电梯什么时候开工？", kind="question",
                               ip=f"192.0.2.{{n}}", lang="zh").feedback
        feedback.approve(sent, staff, reply="示例答复。")
    pending = feedback.submit(item.code, body="示例：电梯井施工时楼道怎么走？", kind="question", ip="192.0.2.99",
                              lang="zh").feedback
    open({str(work / "tracking.txt")!r}, "w").write(pending.tracking_code)
    build()
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def start_gunicorn(app_path: str, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), app_path],
                            cwd=ROOT, env={**env, "PORT": str(port)}, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def start_nginx(work: Path, port: int, upstream_port: int) -> subprocess.Popen:
    """nginx caching the portal's answers as a production node would (deploy/nginx.conf): it keeps
    what the portal lets it keep (no Set-Cookie, Cache-Control allowing it) and revalidates after."""
    conf = work / "nginx.conf"
    # As root, nginx's workers would drop to `nobody` and could not write the cache in our temporary directory.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
worker_processes auto;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-tmp;
    proxy_temp_path {work}/nginx-tmp;
    fastcgi_temp_path {work}/nginx-tmp;
    uwsgi_temp_path {work}/nginx-tmp;
    scgi_temp_path {work}/nginx-tmp;
    proxy_cache_path {work}/nginx-cache keys_zone=pages:10m max_size=100m;
    upstream portal {{ server 127.0.0.1:{upstream_port}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_cache pages;
            proxy_cache_revalidate on;
            proxy_cache_lock on;
            proxy_cache_use_stale updating;
            proxy_cache_background_update on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
""")
    (work / "nginx-tmp").mkdir(exist_ok=True)
    return subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def search_script(work: Path) -> Path:
    """A wrk Lua script asking a new two-word query on every request (121,000 pairs to draw from)."""
    words = ", ".join(f'"{quote(w)}"' for w in vocabulary_words())
    path = work / "new-words.lua"
    path.write_text(f"""
local words = {{{words}}}
local n = 0
function setup(thread) n = n + 1; thread:set("seed", n) end
function init(args) math.randomseed(os.time() * 100 + seed) end
function request()
  local q = words[math.random(#words)] .. words[math.random(#words)]
  return wrk.format("GET", "/zh/search?q=" .. q)
end
""")
    return path


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(out: str) -> dict:
    def ms(text: str) -> float:
        m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
        return round(float(m[1]) * UNITS[m[2]], 3)

    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M))
    if len(lat) < 4:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)  # wrk counts 4xx and 5xx here
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "p50_ms": ms(lat["50"]), "p90_ms": ms(lat["90"]), "p99_ms": ms(lat["99"]),
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "non_2xx": int(non2xx[1]) if non2xx else 0,
    }


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes (from /proc/PID/stat)."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def run_wrk(url: str, duration: int, connections: int, threads: int, server_pids: list[int] | None = None,
            extra: list[str] | None = None) -> dict:
    """wrk's figures, plus the server's own CPU time per request: unlike req/s, that barely moves
    when other work on the machine competes for the cores."""
    tree = (lambda: [p for pid in server_pids for p in (pid, *children(pid))]) if server_pids else list
    cpu_before = cpu_seconds(tree())
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
                          "-H", f"Accept-Encoding: {BROWSER_ENCODING}", *(extra or []), url],
                         capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    result = parse_wrk(out)
    if server_pids:
        # A worker recycled by gunicorn during the run takes its CPU time with it: count only the
        # processes there before and after, plus the new ones from zero.
        cpu_after = cpu_seconds(tree())
        used = sum(t - cpu_before.get(pid, 0.0) for pid, t in cpu_after.items())
        result["server_cpu_us_per_request"] = round(used * 1e6 / max(1, result["requests"]), 1)
        result["workers_recycled"] = len(set(cpu_before) - set(cpu_after))
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)
    return result


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return sorted(out)


def memory_mb(pid: int) -> dict:
    """RSS (what the issue limits) and PSS (RSS with pages shared by the preloaded workers split)."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = int(re.search(r"VmRSS:\s+(\d+) kB", status)[1])
    try:
        pss_kb = int(re.search(r"Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text())[1])
    except (OSError, TypeError):
        pss_kb = 0
    return {"rss_mb": round(rss_kb / 1024, 1), "pss_mb": round(pss_kb / 1024, 1)}


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:  # a 304 arrives as an "error"
        return exc.code, dict(exc.headers), exc.read()


def page_sizes(base: str) -> dict[str, dict]:
    """Each public page's size as sent to a browser (gzip) and uncompressed, and whether it set a cookie."""
    out = {}
    for path in PAGES:
        _, headers, body = fetch(base + path, {"Accept-Encoding": "gzip"})
        raw = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
        out[path] = {"gzip_kb": round(len(body) / 1024, 1), "raw_kb": round(len(raw) / 1024, 1),
                     "sets_cookie": "Set-Cookie" in headers}
    return out


def wrk_args(name: str, base: dict[str, str], work: Path) -> tuple[str, list[str]]:
    server, path, header = TARGETS[name]
    if name == NEW_WORDS:
        return base[server] + path, ["-s", str(work / "new-words.lua")]
    if header == "etag":
        etag = fetch(base[server] + path, {"Accept-Encoding": BROWSER_ENCODING})[1].get("ETag")
        return base[server] + path, ["-H", f"If-None-Match: {etag}"] if etag else []
    return base[server] + path, []


def start_servers(work: Path, procs: list) -> tuple[dict[str, str], dict[str, list[int]]]:
    env = prepare_portal(work)
    ports = {"portal": free_port(), "hello": free_port(), "nginx": free_port(), "cold": free_port()}
    procs.append(start_gunicorn("wsgi:app", env, ports["portal"], work / "gunicorn-portal.log"))
    procs.append(start_gunicorn("bench._hello_app:app", env, ports["hello"], work / "gunicorn-hello.log"))
    base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    wait_for(base["portal"] + "/healthz")
    wait_for(base["hello"] + "/")
    procs.append(start_nginx(work, ports["nginx"], ports["portal"]))
    wait_for(base["nginx"] + "/healthz")
    procs.append(start_gunicorn("wsgi:app", {**env, "PORTAL_CACHE_TYPE": "NullCache"}, ports["cold"],
                                work / "gunicorn-cold.log"))
    wait_for(base["cold"] + "/healthz")
    search_script(work)
    pids = {"portal": [procs[0].pid], "hello": [procs[1].pid], "nginx": [procs[2].pid, procs[0].pid],
            "cold": [procs[3].pid]}
    return base, pids


def run_rounds(args, base: dict[str, str], pids: dict[str, list[int]], work: Path) -> dict[str, list[dict]]:
    rounds: dict[str, list[dict]] = {name: [] for name in TARGETS}
    for r in range(args.rounds):
        for name in TARGETS:
            url, extra = wrk_args(name, base, work)
            run_wrk(url, 1, args.connections, args.threads, extra=extra)  # warm-up
            result = run_wrk(url, args.duration, args.connections, args.threads, pids[TARGETS[name][0]], extra)
            rounds[name].append(result)
            print(f"round {r + 1} {name:24s} {result['rps']:9.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
                  f"p99 {result['p99_ms']:7.2f} ms  server CPU {result.get('server_cpu_us_per_request', 0):6.0f} "
                  f"us/req  load {result['load_avg_1m']}", flush=True)
    return rounds


def observations(base: dict[str, str]) -> dict:
    """What a reader's GET looks like: cookie, validators, nginx's cache status on a second request."""
    path = TARGETS["item (rendered)"][1]
    _, headers, _ = fetch(base["portal"] + path)
    fetch(base["nginx"] + path)
    _, via_nginx, _ = fetch(base["nginx"] + path)
    etag = headers.get("ETag")
    status = fetch(base["portal"] + path, {"If-None-Match": etag})[0] if etag else None
    return {"item_sets_cookie": "Set-Cookie" in headers, "item_etag": etag, "item_cache_control": headers.get("Cache-Control"),
            "revalidation_status": status, "nginx_cache_status": via_nginx.get("X-Cache-Status")}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench web", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3 s, 1 round; results not written")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.rounds = 3, 1
    for tool in ("wrk", "nginx"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            print(f"bench web: `{tool}` is missing (apt-get install wrk nginx)", file=sys.stderr)
            return 2
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    procs: list[subprocess.Popen] = []
    try:
        print("preparing a temporary database and index…", flush=True)
        base, pids = start_servers(work, procs)
        seen, sizes = observations(base), page_sizes(base["portal"])
        rounds = run_rounds(args, base, pids, work)
        memory = {
            "portal_master": memory_mb(procs[0].pid),
            "portal_workers": [memory_mb(pid) for pid in children(procs[0].pid)],
            "hello_workers": [memory_mb(pid) for pid in children(procs[1].pid)],
        }
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    report = build_report(args, argv, rounds, memory, seen, sizes)
    print(json.dumps(report["verdict"], indent=2))
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "web-load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        from ._web_report import write_markdown

        write_markdown()
        print(f"written: {RESULTS / 'web-load.json'}, {RESULTS / 'web.md'}")
    return 0 if all(report["verdict"]["met"].values()) else 1


def build_report(args, argv, rounds: dict, memory: dict, seen: dict, sizes: dict) -> dict:
    summary = {}
    for name, results in rounds.items():
        median = sorted(results, key=lambda x: x["rps"])[len(results) // 2]
        # Each round's run against the hello-world run of the same round, then the median of those.
        ratio = statistics.median(r["rps"] / h["rps"] for h, r in zip(rounds[HELLO], results))
        summary[name] = {**median, "rounds_rps": [x["rps"] for x in results], "vs_hello": round(ratio, 3)}
    item, search = summary["item (rendered)"], summary[NEW_WORDS]
    verdict = {
        "item_vs_hello": item["vs_hello"],
        "item_first_render_vs_hello": summary["item (first render after a change)"]["vs_hello"], "search_vs_hello": search["vs_hello"], "search_p99_ms": search["p99_ms"],
        "floor_vs_hello": summary[FLOOR]["vs_hello"],
        "max_worker_rss_mb": max(w["rss_mb"] for w in memory["portal_workers"]),
        "largest_page_gzip_kb": max(p["gzip_kb"] for p in sizes.values()),
    }
    verdict["met"] = {
        "item_ratio": item["vs_hello"] >= TARGET_RATIO,
        "search_ratio": search["vs_hello"] >= TARGET_RATIO,
        "search_p99": search["p99_ms"] < TARGET_SEARCH_P99_MS,
        "rss": verdict["max_worker_rss_mb"] <= TARGET_RSS_MB,
        "page_weight": verdict["largest_page_gzip_kb"] <= TARGET_PAGE_KB,
        "errors": all(x["socket_errors"] == 0 and x["non_2xx"] == (x["requests"] if name == FLOOR else 0)
                      for name, x in summary.items()),
    }
    return {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": head_commit(),
        "command": "python -m bench web " + " ".join(argv),
        "machine": {"cpus": os.cpu_count(), "load_avg_at_end": [round(x, 2) for x in os.getloadavg()]},
        "settings": {"duration_s": args.duration, "connections": args.connections, "threads": args.threads,
                     "rounds": args.rounds, "accept_encoding": BROWSER_ENCODING,
                     "gunicorn": gunicorn_settings()},
        "targets": {name: {"path": TARGETS[name][1], **summary[name]} for name in TARGETS},
        "observed": seen,
        "page_sizes": sizes,
        "memory": memory,
        "verdict": verdict,
    }


def gunicorn_settings() -> dict:
    """The settings gunicorn.conf.py gives on this machine (it reads the environment)."""
    namespace: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    return {k: namespace[k] for k in ("workers", "worker_class", "threads", "worker_connections", "preload_app", "timeout", "keepalive")}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
