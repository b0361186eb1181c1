"""Fill a .po catalog's empty msgstr from dict files: po_fill.py PO DICTFILE [DICTFILE ...].

Each dict file defines ZH = {english_msgid: chinese}. One file per area (scripts/zh/<area>.py) so
people working on different areas do not edit the same file.
"""
import runpy
import sys

from babel.messages.pofile import read_po, write_po

po_path, *dict_files = sys.argv[1:]
zh: dict[str, str] = {}
for path in dict_files:
    zh.update(runpy.run_path(path)["ZH"])
with open(po_path, "rb") as f:
    cat = read_po(f)
missing = []
for m in cat:
    if not m.id:
        continue
    key = m.id[0] if isinstance(m.id, tuple) else m.id
    if key in zh:
        val = zh[key]
        m.string = tuple(val if isinstance(val, tuple) else (val,) * len(m.id)) if isinstance(m.id, tuple) else val
        m.flags.discard("fuzzy")
    elif not (m.string if not isinstance(m.string, tuple) else m.string[0]):
        missing.append(key)
with open(po_path, "wb") as f:
    write_po(f, cat, omit_header=False, width=0)
print("untranslated:", missing if missing else "none")
sys.exit(1 if missing else 0)
