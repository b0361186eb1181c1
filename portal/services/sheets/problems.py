"""A problem found in an uploaded sheet: where (sheet, row, column) and what (an English message id,
translated into the staff member's language where it is shown)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask_babel import gettext

from ...i18n import N_, current_lang, kept_gettext
from ...punctuation import marks
from .columns import SHEETS

SHEET_LABELS = {"items": N_("sheet “进度” (progress)"), "sites": N_("sheet “项目” (projects)")}


@dataclass(frozen=True)
class Problem:
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    params: dict = field(default_factory=dict)
    tab: str | None = None  # the worksheet's name in the file, where the office renamed it
    # The column's letter in the file: None where unknown (the template's letter is given), "" if it is missing.
    letter: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Problem":
        return cls(**data)

    def where(self) -> str:
        if self.sheet is None:
            return ""
        sheet = SHEETS[self.sheet]
        if self.tab in (None, sheet.title):
            label = gettext(SHEET_LABELS[self.sheet])
        else:
            label = gettext("sheet “%(tab)s”", tab=self.tab)
        if self.column is None:
            return kept_gettext("%(sheet)s, row %(row)s", sheet=label, row=self.row)
        col = sheet.column(self.column)
        name = col.en if current_lang() == "en" else col.zh
        letter = sheet.letter(self.column) if self.letter is None else self.letter
        if not letter:
            return kept_gettext("%(sheet)s, row %(row)s, column “%(name)s” (missing from the sheet)", sheet=label,
                           row=self.row, name=name)
        return kept_gettext("%(sheet)s, row %(row)s, column %(letter)s (%(name)s)", sheet=label, row=self.row,
                       letter=letter, name=name)

    def text(self) -> str:
        # A list (several candidate codes) is joined when shown, with the comma of the language it is read in.
        comma = marks(current_lang())["comma"]
        params = {k: comma.join(v) if isinstance(v, list) else v for k, v in self.params.items()}
        message = kept_gettext(self.message, **params)
        where = self.where()
        return gettext("%(where)s: %(message)s", where=where, message=message) if where else message
