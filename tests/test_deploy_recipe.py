"""The deploy recipe as an operator follows it on Debian: each nginx file passes `nginx -t` with its
placeholders filled, on a machine that has only what `apt-get install nginx` made plus the folders its
own install step (the `install -d` line in its header) asks for. (The systemd units' commands:
tests/test_operations.py, test_every_timer_runs_a_command_that_exists.)"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from gunicorn_support import ROOT
from nginx_support import HEADERS_MORE, need_nginx

RECIPES = ["deploy/nginx.conf", "docs/nginx-several-nodes.conf"]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key, cert = folder / "portal.key", folder / "portal.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=portal.test"], check=True, capture_output=True)
    return cert, key


@pytest.mark.parametrize("recipe", RECIPES)
def test_each_nginx_recipe_passes_nginx_t_after_its_own_install_step(recipe, tmp_path):
    binary = need_nginx()
    text = (ROOT / recipe).read_text()
    root = tmp_path / "root"  # stands for / on a fresh Debian with the nginx package installed
    for folder in ("var/cache", "var/log/nginx", "var/lib/nginx", "run"):
        (root / folder).mkdir(parents=True)
    steps = re.findall(r"^#.*?\binstall -d (/\S+)", text, flags=re.M)
    assert steps, f"{recipe}: no `install -d …` step in its header"
    for folder in steps:
        (root / folder.lstrip("/")).mkdir(parents=True)

    text = re.sub(r"(?<=[\s\"])/(var|run)/", lambda m: f"{root}/{m.group(1)}/", text)
    if "ssl_certificate" in text:
        cert, key = _self_signed(tmp_path)
        text = text.replace("/etc/ssl/certs/portal.pem", str(cert)).replace("/etc/ssl/private/portal.key", str(key))
    if not HEADERS_MORE.exists():
        text = "\n".join(line for line in text.splitlines() if not line.rstrip().endswith("# headers-more"))
    conf = tmp_path / "nginx.conf"
    if recipe.startswith("docs/"):  # a site file, included from Debian's own nginx.conf's http block
        (tmp_path / "site.conf").write_text(text)
        modules = f"load_module {HEADERS_MORE};\n" if HEADERS_MORE.exists() else ""
        conf.write_text(f"{modules}pid {root}/run/nginx.pid;\nevents {{}}\n"
                        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n")
    else:
        conf.write_text(text)
    result = subprocess.run([binary, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

