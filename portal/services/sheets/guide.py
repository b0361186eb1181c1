"""The first sheet of the download: how to fill it in, in Chinese (the issue asks for Chinese; the
offices that fill it in work in Chinese). The staff page and docs/progress-sheets.md say the same.
The plan's title and date come from its plan.yaml."""
from __future__ import annotations

from datetime import date

from ...content.readers import human_size

TITLE = "填写说明"


def lines(plan_title: str, issued: date, max_bytes: int) -> tuple[str, ...]:
    """The guide's lines; `max_bytes` is the largest upload (PORTAL_SHEET_MAX_BYTES), which a site may set."""
    return (f"{plan_title} · 进度表", "", *RULES[:4], RULE_5.format(issued=issued), *RULES[4:6],
            RULE_8.format(size=human_size(max_bytes, "zh")), *RULES[6:])


RULE_5 = ("5. “发生日期”请写成 2023-09-01 的格式；不填则按上传当天计。日期不能晚于今天，也不能早于通知印发日"
          "{issued.year}年{issued.month}月{issued.day}日。")
RULE_8 = ("8. 填好后，在后台“进度表”页面上传（.xlsx 或 UTF-8 编码的 .csv，不超过 {size}）。系统先显示预览：将要发生的每一项变化，"
          "以及发现的每一个问题（写明表名、行号和列）。确认无误后再点“发布”。")
RULES = (
    "1. 只填写白色的列。灰色的列是下载时已经公开的内容，已锁定，请勿修改；改动会在上传时被指出。",
    "2. “进度”表每行是一项工作的一个指标。在“新数值”填写该指标目前达到的数值。按台、个、处等计数的指标只能填整数，数值不能为负。超过目标值可以填写，预览中会标出。",
    "3. “新数值”锁定的指标由项目统计，请在“项目”表中更新项目的阶段。",
    "4. 同一项工作的“新状态”“变化说明”“发生日期”只需在其中一行填写。只要有变化，就必须填写“变化说明（中文）”；英文说明可不填。",
    "6. “项目”表每行是一个项目（例如一栋楼的加装电梯）。要变更阶段，请在“新阶段”中选择，并填写说明。",
    "7. 新增项目请在“项目”表末尾的空行中填写事项编号、指标代码（可不填）、地点、名称、楼栋，并在“新阶段”中选择它目前所处的阶段。",
    "9. 发布时全部内容一次生效；只要有一个问题，就一项都不发布，请改正后重新上传。",
    "10. 如果在您下载之后有人已经发布了新的进展，相应的行会显示为“冲突”，不会覆盖别人的更新。请重新下载最新的表格再填写这些行。",
    "11. 同一份文件再次上传不会重复发布，系统会提示“没有变化”。",
)
