"""Masking on adversarial 10,000-character inputs: `python -m bench masking [--against REV] [--repeat N]`.

Each input is built to make a rule backtrack, read a run of digits again or check the digits around many
numbers. Prints the best of N runs per input, in ms, for the working tree and, with --against, for
portal/services/masking.py as it was at REV (the module needs nothing beyond the standard library, so the old
copy is loaded from `git show` alone) and the ratio. Wall-clock: run it on a quiet machine, twice.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = 10_000


def _fit(piece: str) -> str:
    return (piece * (N // len(piece) + 1))[:N]


INPUTS = {
    "1 x 10000": "1" * N, "一 x 10000": "一" * N, "1一": _fit("1一"), "1 and a space": _fit("1 "), "1-": _fit("1-"),
    "1 - ": _fit("1 - "), "13812345678 and a space": _fit("13812345678 "), "１３８ (full width)": _fit("１３８"),
    "138一二三四5678五": _fit("138一二三四5678五"), "五138一二三四5678": _fit("五138一二三四5678"),
    "1三0000000000 ": _fit("1三0000000000 "), "一七〇一三〇〇〇〇〇〇001 ": _fit("一七〇一三〇〇〇〇〇〇001 "),
    "138 一 2345 ": _fit("138 一 2345 "), "a x 5000 @ b x 5000": "a" * 5000 + "@" + "b" * 5000, "张三@": _fit("张三@"),
    "QQ": _fit("QQ"), "QQ 12345 ": _fit("QQ 12345 "), "企鹅 12000 只": _fit("企鹅 12000 只"),
    "QQ号 123456789 万": _fit("QQ号 123456789 万"), "微信 ": _fit("微信 "), "微信 abcdefgh": _fit("微信 abcdefgh"),
    "vx ": _fit("vx "), "2023.01.01-": _fit("2023.01.01-"),
    "mixed": _fit("电话一3八-1二34 5六78，QQ：12345，企鹅 "),
    "comment": _fit("张江镇三号楼加装电梯的进度怎么样了？施工噪音很大，联系 13812345678。"),
}


def _old_module(rev: str):
    source = subprocess.run(["git", "show", f"{rev}:portal/services/masking.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "masking_old.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("masking_old", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def _best_ms(mask, text: str, repeat: int) -> float:
    return min(timeit.repeat(lambda: mask(text), number=1, repeat=repeat)) * 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench masking")
    parser.add_argument("--against", help="a git revision to compare with")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from portal.services.masking import mask_personal_data

    old = _old_module(args.against).mask_personal_data if args.against else None
    worst = 0.0
    for name, text in INPUTS.items():
        now = _best_ms(mask_personal_data, text, args.repeat)
        line = f"{name:28} {now:8.2f} ms"
        if old:
            before = _best_ms(old, text, args.repeat)
            worst = max(worst, now / before)
            line += f"   {args.against}: {before:8.2f} ms   x{now / before:.2f}"
        print(line)
    if old:
        print(f"worst ratio: x{worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
