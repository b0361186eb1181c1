"""A download of the progress sheet, written to the audit log (who took which sheet, when)."""
from __future__ import annotations

from ...csv_files import CSV_TYPE
from ...extensions import db
from ...xlsx_files import XLSX_TYPE
from .. import audit
from ..clock import today
from ..content import content, registry
from . import build

FORMATS = {
    "xlsx": XLSX_TYPE,
    "items.csv": CSV_TYPE,
    "sites.csv": CSV_TYPE,
}


def download(fmt: str, office: str | None, actor) -> tuple[bytes, str, str]:
    """(file, media type, file name) for a format of FORMATS."""
    data = build.xlsx(office) if fmt == "xlsx" else build.csv_bytes(fmt.split(".")[0], office)
    slug = content().plan.slug
    # A sheet of another plan than the current one says which in its name: the offices keep both years' files.
    name = f"progress-{'' if slug == registry().current else slug + '-'}{office or 'all'}-{today():%Y%m%d}"
    name += ".xlsx" if fmt == "xlsx" else f"-{fmt}"
    audit.record("sheet.download", "progress_sheet", office or "all", None,
                 {"format": fmt, "office": office, "bytes": len(data)}, actor=actor)
    db.session.commit()
    return data, FORMATS[fmt], name
