"""Deviation tables as spreadsheets: import a tender's requirement list, export 技术偏离表 / 商务偏离表 in the usual layout.

The usual layout: 序号 | 条款号 | 招标文件要求 | 投标文件响应 | 偏离情况 | 说明（证明材料）, with ★ before a
mandatory requirement, plus 负责人 (who answers the row) for the team's own use. Headers are recognised in Chinese or
English, in any column order. 偏离情况 is 正偏离 (better than asked), 无偏离 (as asked) or 负偏离 (worse than asked).
The export is a Chinese tender document, so its headings stay in Chinese whatever the reader's language; every text
cell is guarded against spreadsheet formulas as the list downloads are (`core.exports.safe_text`).
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side

from presales.bids.models import Compliance, DeviationItem, DeviationTable, Tender
from presales.core.exports import safe_text

MAX_ROWS = 2000
HEADER_ALIASES = {
    "clause": ("条款号", "条款", "章节", "clause", "section"),
    "requirement": ("招标文件要求", "招标要求", "技术要求", "商务要求", "要求", "requirement", "tender requirement"),
    "response": ("投标文件响应", "投标响应", "响应", "response", "our response"),
    "compliance": ("偏离情况", "偏离", "compliance", "deviation"),
    "evidence": ("说明", "证明材料", "说明（证明材料）", "evidence", "notes"),
    "mandatory": ("★", "实质性要求", "mandatory"),
    "owner": ("负责人", "owner"),
}
# Words a buyer's or a colleague's sheet uses in the 偏离情况 column, compared without case, spaces or hyphens.
COMPLIANCE_WORDS = {
    "正偏离": Compliance.EXCEEDING,
    "优于": Compliance.EXCEEDING,
    "超出": Compliance.EXCEEDING,
    "positivedeviation": Compliance.EXCEEDING,
    "positive": Compliance.EXCEEDING,
    "exceeds": Compliance.EXCEEDING,
    "exceeding": Compliance.EXCEEDING,
    "无偏离": Compliance.COMPLIANT,
    "满足": Compliance.COMPLIANT,
    "nodeviation": Compliance.COMPLIANT,
    "none": Compliance.COMPLIANT,
    "compliant": Compliance.COMPLIANT,
    "部分偏离": Compliance.PARTIAL,
    "部分满足": Compliance.PARTIAL,
    "partial": Compliance.PARTIAL,
    "partlycompliant": Compliance.PARTIAL,
    "负偏离": Compliance.DEVIATING,
    "偏离": Compliance.DEVIATING,
    "不满足": Compliance.DEVIATING,
    "negativedeviation": Compliance.DEVIATING,
    "negative": Compliance.DEVIATING,
    "deviating": Compliance.DEVIATING,
}
EXPORT_COMPLIANCE = {
    Compliance.OPEN: "",
    Compliance.EXCEEDING: "正偏离",
    Compliance.COMPLIANT: "无偏离",
    Compliance.PARTIAL: "部分偏离",
    Compliance.DEVIATING: "负偏离",
}
EXPORT_HEADERS = ["序号", "条款号", "招标文件要求", "投标文件响应", "偏离情况", "说明（证明材料）", "负责人"]
COLUMN_WIDTHS = (6, 12, 50, 50, 12, 30, 14)
STAR = "★"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def compliance_from_text(text: str) -> str:
    """The compliance a 偏离情况 cell states (正偏离 / 无偏离 / 负偏离 or their English); unknown words: not answered."""
    # Full-width spaces and hyphens too: "Positive deviation", "positive-deviation" and "正 偏 离" all match.
    key = "".join(text.lower().replace("\u3000", " ").replace("-", " ").split())
    return COMPLIANCE_WORDS.get(key, Compliance.OPEN)


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.lower().replace(" ", "")
        for field, aliases in HEADER_ALIASES.items():
            if field in found:
                continue
            if any(name == alias.lower().replace(" ", "") for alias in aliases):
                found[field] = index
                break
    return found


def read_deviation_rows(upload: Any) -> list[dict[str, Any]]:
    """Rows of the first sheet under a header row that names at least the requirement column."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors for a broken file
        raise ValidationError(_("This spreadsheet cannot be read.")) from error
    sheet = workbook.worksheets[0]
    columns: dict[str, int] | None = None
    rows: list[dict[str, Any]] = []
    for values in sheet.iter_rows(values_only=True):
        cells = [_text(value) for value in values]
        if columns is None:
            candidate = _column_map(cells)
            if "requirement" in candidate:
                columns = candidate
            continue
        requirement = cells[columns["requirement"]] if columns["requirement"] < len(cells) else ""
        if not requirement:
            continue

        def cell(field: str, cells: list[str] = cells, columns: dict[str, int] | None = columns) -> str:
            if columns is None:
                return ""
            index = columns.get(field)
            return cells[index] if index is not None and index < len(cells) else ""

        mandatory = requirement.startswith(STAR) or cell("mandatory") in (STAR, "是", "yes", "Y", "y", "1")
        rows.append(
            {
                "clause": cell("clause")[:50],
                "requirement": requirement.lstrip(STAR).strip(),
                "mandatory": mandatory,
                "response": cell("response"),
                "compliance": compliance_from_text(cell("compliance")),
                "evidence": cell("evidence")[:300],
                # A name or user name; the service turns it into a person (the export writes this column).
                "owner_name": cell("owner"),
            }
        )
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("A deviation table holds at most %(max)s rows.") % {"max": MAX_ROWS})
    workbook.close()
    if columns is None:
        raise ValidationError(_("No header row with a requirement column (招标文件要求 / Requirement) was found."))
    return rows


def export_deviations(tender: Tender, table: str) -> bytes:
    """The table as the buyer expects it, ★ marking mandatory rows, with each row's owner; no cell runs a formula."""
    title = "技术偏离表" if table == DeviationTable.TECHNICAL else "商务偏离表"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([safe_text(f"{title}（{tender.title}）")])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXPORT_HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([safe_text(f"项目编号：{tender.reference}")])
    sheet.append(EXPORT_HEADERS)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    rows = DeviationItem.objects.filter(tender=tender, table=table).select_related("owner").order_by("position", "pk")
    for row in rows:
        requirement = f"{STAR}{row.requirement}" if row.mandatory else row.requirement
        texts = [row.clause, requirement, row.response, EXPORT_COMPLIANCE[row.compliance], row.evidence]
        owner = str(row.owner) if row.owner is not None else ""
        sheet.append([row.position, *(safe_text(text) for text in texts), safe_text(owner)])
        for cell in sheet[sheet.max_row]:
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", COLUMN_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([])
    sheet.append(["注：标注★的条款为实质性要求，不满足将导致投标无效。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
