"""Fill a .po catalog's empty msgstr from a Python dict file: pofill.py DICTFILE PO."""
import sys, runpy
from babel.messages.pofile import read_po, write_po
d = runpy.run_path(sys.argv[1])
po_path = sys.argv[2]
with open(po_path, "rb") as f:
    cat = read_po(f)
missing = []
for m in cat:
    if not m.id:
        continue
    key = m.id[0] if isinstance(m.id, tuple) else m.id
    if key in d["ZH"]:
        val = d["ZH"][key]
        m.string = (val,) if isinstance(m.id, tuple) else val
    elif not (m.string if not isinstance(m.string, tuple) else m.string[0]):
        missing.append(key)
with open(po_path, "wb") as f:
    write_po(f, cat, omit_header=False, width=0)
print("missing:", missing)
