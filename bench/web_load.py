"""Web throughput and latency under wrk, beside two ceilings measured in the same run; worker memory.

    python -m bench web                         # 32 connections, 10 s per target, 2 rounds
    python -m bench web --rounds 3 --duration 10 --connections 32
    python -m bench web --quick                 # 3 s, 1 round: a smoke run, not for the README

Everything runs on loopback in a temporary directory: its own SQLite database (migrated, content
loaded, a status update, a project site and published comments on the measured work point), its
own search index and instance directory, random free ports. Served by gunicorn with the repo's
gunicorn.conf.py (workers, threads, preload, access log to a file). Ceilings, under the same load
from the other users of this 2-core machine: a hello-world Flask app under the same gunicorn
settings, and nginx serving a saved copy of the same item page as a static file. Targets are
measured in interleaved rounds and the median round is reported, so ratios hold while the
machine's load drifts. Every request carries the Accept-Encoding a browser sends.
Needs Debian's `wrk` and `nginx`. Results: bench/results/web-load.json and bench/results/web.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
ITEM = "2.3"
BROWSER_ENCODING = "gzip, deflate, br"
TARGETS = {  # name -> (server, path); the item page right after hello-world, so their ratio compares like times
    "hello-world (ceiling)": ("hello", "/"),
    "item": ("portal", f"/zh/plans/2023-city-management/items/{ITEM}"),
    "nginx static item page (ceiling)": ("nginx", "/item.html"),
    "home": ("portal", "/zh/"),
    "search": ("portal", "/zh/search?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF"),
    "api (all items)": ("portal", "/api/v1/items"),
    "api (one item)": ("portal", f"/api/v1/items/{ITEM}"),
}
TARGET_RATIO = 0.60
TARGET_P99_MS = 50.0
TARGET_RSS_MB = 150.0


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
    staff = create_staff("bench", "bench-only-password", "admin")
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


def start_nginx(work: Path, port: int) -> subprocess.Popen:
    conf = work / "nginx.conf"
    conf.write_text(f"""
user root;
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
    types {{ text/html html; }}
    gzip on;
    gzip_types text/html;
    server {{
        listen 127.0.0.1:{port};
        root {work}/static;
    }}
}}
""")
    (work / "nginx-tmp").mkdir(exist_ok=True)
    return subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


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
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
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


def run_wrk(url: str, duration: int, connections: int, threads: int, server_pid: int | None = None) -> dict:
    """wrk's figures, plus the server's own CPU time per request: unlike req/s, that barely moves
    when other work on the machine competes for the cores."""
    cpu_before = cpu_seconds([server_pid, *children(server_pid)]) if server_pid else {}
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
                          "-H", f"Accept-Encoding: {BROWSER_ENCODING}", url],
                         capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    result = parse_wrk(out)
    if server_pid:
        # A worker recycled by gunicorn during the run takes its CPU time with it: count only the
        # processes there before and after, plus the new ones from zero.
        cpu_after = cpu_seconds([server_pid, *children(server_pid)])
        used = sum(t - cpu_before.get(pid, 0.0) for pid, t in cpu_after.items())
        result["server_cpu_us_per_request"] = round(used * 1e6 / result["requests"], 1)
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


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read()


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
        env = prepare_portal(work)
        ports = {"portal": free_port(), "hello": free_port(), "nginx": free_port()}
        procs.append(start_gunicorn("wsgi:app", env, ports["portal"], work / "gunicorn-portal.log"))
        procs.append(start_gunicorn("bench._hello_app:app", env, ports["hello"], work / "gunicorn-hello.log"))
        base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        wait_for(base["portal"] + "/healthz")
        wait_for(base["hello"] + "/")
        (work / "static").mkdir()
        (work / "static" / "item.html").write_bytes(fetch(base["portal"] + TARGETS["item"][1]))
        procs.append(start_nginx(work, ports["nginx"]))
        wait_for(base["nginx"] + "/item.html")

        pid_of = {"portal": procs[0].pid, "hello": procs[1].pid, "nginx": procs[2].pid}
        rounds: dict[str, list[dict]] = {name: [] for name in TARGETS}
        for r in range(args.rounds):
            for name, (server, path) in TARGETS.items():
                run_wrk(base[server] + path, 1, args.connections, args.threads)  # warm-up
                result = run_wrk(base[server] + path, args.duration, args.connections, args.threads, pid_of[server])
                rounds[name].append(result)
                print(f"round {r + 1} {name:34s} {result['rps']:9.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
                      f"p99 {result['p99_ms']:6.2f} ms  server CPU {result.get('server_cpu_us_per_request', 0):6.0f} "
                      f"us/req  load {result['load_avg_1m']}", flush=True)

        memory = {
            "portal_master": memory_mb(procs[0].pid),
            "portal_workers": [memory_mb(pid) for pid in children(procs[0].pid)],
            "hello_workers": [memory_mb(pid) for pid in children(procs[1].pid)],
        }
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)

    summary = {}
    for name, results in rounds.items():
        best = sorted(results, key=lambda x: x["rps"])[len(results) // 2]  # the median round
        summary[name] = {**best, "rounds_rps": [x["rps"] for x in results]}
    item = summary["item"]
    # Per round: the item page against the hello-world run just before it, then the median round.
    ratios = sorted(i["rps"] / h["rps"] for h, i in zip(rounds["hello-world (ceiling)"], rounds["item"]))
    cpu_ratio = statistics.median(h["server_cpu_us_per_request"] / i["server_cpu_us_per_request"]
                                  for h, i in zip(rounds["hello-world (ceiling)"], rounds["item"]))
    verdict = {
        "item_vs_hello": round(statistics.median(ratios), 3),
        "item_vs_hello_rounds": [round(x, 3) for x in ratios],
        "hello_vs_item_server_cpu": round(cpu_ratio, 3),
        "item_vs_nginx": round(item["rps"] / summary["nginx static item page (ceiling)"]["rps"], 3),
        "item_p99_ms": item["p99_ms"],
        "max_worker_rss_mb": max(w["rss_mb"] for w in memory["portal_workers"]),
    }
    verdict["met"] = {
        "ratio": verdict["item_vs_hello"] >= TARGET_RATIO,
        "p99": verdict["item_p99_ms"] < TARGET_P99_MS,
        "rss": verdict["max_worker_rss_mb"] <= TARGET_RSS_MB,
        "errors": all(x["socket_errors"] == 0 and x["non_2xx"] == 0 for x in summary.values()),
    }
    report = {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
        "command": "python -m bench web " + " ".join(argv),
        "machine": {"cpus": os.cpu_count(), "load_avg_at_end": [round(x, 2) for x in os.getloadavg()]},
        "settings": {"duration_s": args.duration, "connections": args.connections, "threads": args.threads,
                     "rounds": args.rounds, "accept_encoding": BROWSER_ENCODING,
                     "gunicorn": gunicorn_settings()},
        "targets": {name: {"path": path, **summary[name]} for name, (_, path) in TARGETS.items()},
        "memory": memory,
        "verdict": verdict,
    }
    print(json.dumps(verdict, indent=2))
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "web-load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        from ._web_report import write_markdown

        write_markdown()
        print(f"written: {RESULTS / 'web-load.json'}, {RESULTS / 'web.md'}")
    return 0 if all(verdict["met"].values()) else 1


def gunicorn_settings() -> dict:
    """The settings gunicorn.conf.py gives on this machine (it reads the environment)."""
    namespace: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    return {k: namespace[k] for k in ("workers", "worker_class", "threads", "preload_app", "timeout", "keepalive")}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
