"""The pages the speed benches measure, and fresh search words from the portal's real vocabulary."""
from __future__ import annotations

import random
import re
from pathlib import Path
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parent.parent
ITEM = "2.3"
AREA = 2
PLAN = "plans/2023-city-management"
PAGES = {  # name -> path, each rendered (no page cache)
    "item": f"/zh/{PLAN}/items/{ITEM}",
    "item (English)": f"/en/{PLAN}/items/{ITEM}",
    "home": "/zh/",
    "area": f"/zh/{PLAN}/areas/{AREA}",
    "progress": f"/zh/{PLAN}/progress",
    "search (fixed words)": "/zh/search?q=" + quote("加装电梯"),
}
CJK_RE = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def vocabulary_words() -> list[str]:
    """Chinese words of content/thesaurus.yaml and content/aliases.yaml: what residents search for."""
    groups = yaml.safe_load((ROOT / "content" / "aliases.yaml").read_text(encoding="utf-8"))
    groups += [g["words"] for g in yaml.safe_load((ROOT / "content" / "thesaurus.yaml").read_text(encoding="utf-8"))]
    return sorted({w for group in groups for w in group if CJK_RE.match(w)})


def fresh_queries(n: int, seed: int = 15) -> list[str]:
    """n different two-word queries (about 100,000 pairs exist): each one new to the search."""
    words, rng, seen = vocabulary_words(), random.Random(seed), set()
    while len(seen) < n:
        seen.add(rng.choice(words) + rng.choice(words))
    return sorted(seen, key=lambda _: rng.random())
