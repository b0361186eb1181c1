"""The sheets' columns, shared by the writer, the reader and the checker so they cannot drift apart."""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    locked: bool
    width: int
    kind: str = "text"  # text | number | day: how a cell is compared with what was downloaded

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]

    def letter(self, key: str) -> str:
        return get_column_letter(self.index(key) + 1)

    def index(self, key: str) -> int:
        return next(n for n, c in enumerate(self.columns) if c.key == key)

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]


ITEMS = Sheet("items", "进度", (
    Column("code", "编号", "Code", True, 8),
    Column("title", "事项", "Work point", True, 26),
    Column("office", "责任部门", "Office", True, 18),
    Column("deadline", "时间节点", "Deadline", True, 11),
    Column("target", "指标代码", "Target key", True, 14),
    Column("metric", "指标", "Metric", True, 22),
    Column("unit", "单位", "Unit", True, 7),
    Column("target_value", "目标值", "Target", True, 9, "number"),
    Column("last_value", "上次填报值", "Last value", True, 11, "number"),
    Column("last_date", "上次填报日期", "Last report date", True, 13, "day"),
    Column("status", "当前状态", "Current status", True, 12),
    Column("version", "版本号", "Version", True, 8, "number"),
    Column("new_value", "新数值", "New value", False, 11),
    Column("new_status", "新状态", "New status", False, 12),
    Column("note_zh", "变化说明（中文）", "What changed (zh)", False, 36),
    Column("note_en", "变化说明（英文）", "What changed (en)", False, 30),
    Column("happened_on", "发生日期", "Date it happened", False, 13),
))

SITES = Sheet("sites", "项目", (
    Column("site_id", "项目编号", "Project ID", True, 9, "number"),
    Column("code", "事项编号", "Work point", True, 9),
    Column("target", "指标代码", "Target key", True, 14),
    Column("place", "地点", "Place", True, 16),
    Column("name_zh", "名称", "Name", True, 26),
    Column("name_en", "英文名称", "Name (en)", True, 20),
    Column("building", "楼栋", "Building", True, 10),
    Column("stage", "当前阶段", "Current stage", True, 12),
    Column("last_date", "上次变更", "Last change", True, 12, "day"),
    Column("version", "版本号", "Version", True, 8, "number"),
    Column("new_stage", "新阶段", "New stage", False, 12),
    Column("note_zh", "说明（中文）", "Note (zh)", False, 30),
    Column("note_en", "说明（英文）", "Note (en)", False, 24),
    Column("happened_on", "发生日期", "Date it happened", False, 13),
))

SHEETS = {s.key: s for s in (ITEMS, SITES)}
# Columns a new project row fills in (its row has no project ID yet).
NEW_SITE_KEYS = ("code", "target", "place", "name_zh", "name_en", "building")
# Columns that say which state a row was downloaded with: a difference there is someone else's update.
STATE_KEYS = ("last_value", "last_date", "status", "stage", "version")
