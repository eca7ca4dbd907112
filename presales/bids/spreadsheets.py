"""Deviation tables as spreadsheets: import a tender's requirement list, export 技术偏离表 / 商务偏离表 in the usual layout.

The usual layout: 序号 | 条款号 | 招标文件要求 | 投标文件响应 | 偏离情况 | 说明（证明材料）, with ★ before a
mandatory requirement. Headers are recognised in Chinese or English, in any column order.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side

from presales.bids.models import Compliance, DeviationItem, DeviationTable, Tender

MAX_ROWS = 2000
HEADER_ALIASES = {
    "clause": ("条款号", "条款", "章节", "clause", "section"),
    "requirement": ("招标文件要求", "招标要求", "技术要求", "商务要求", "要求", "requirement", "tender requirement"),
    "response": ("投标文件响应", "投标响应", "响应", "response", "our response"),
    "compliance": ("偏离情况", "偏离", "compliance", "deviation"),
    "evidence": ("说明", "证明材料", "说明（证明材料）", "evidence", "notes"),
    "mandatory": ("★", "实质性要求", "mandatory"),
}
COMPLIANCE_WORDS = {
    "无偏离": Compliance.COMPLIANT,
    "正偏离": Compliance.COMPLIANT,
    "满足": Compliance.COMPLIANT,
    "compliant": Compliance.COMPLIANT,
    "部分满足": Compliance.PARTIAL,
    "partial": Compliance.PARTIAL,
    "partly compliant": Compliance.PARTIAL,
    "负偏离": Compliance.DEVIATING,
    "偏离": Compliance.DEVIATING,
    "不满足": Compliance.DEVIATING,
    "deviating": Compliance.DEVIATING,
}
EXPORT_COMPLIANCE = {
    Compliance.OPEN: "",
    Compliance.COMPLIANT: "无偏离",
    Compliance.PARTIAL: "部分偏离",
    Compliance.DEVIATING: "负偏离",
}
STAR = "★"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


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
                "compliance": COMPLIANCE_WORDS.get(cell("compliance").lower(), Compliance.OPEN),
                "evidence": cell("evidence")[:300],
            }
        )
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("A deviation table holds at most %(max)s rows.") % {"max": MAX_ROWS})
    workbook.close()
    if columns is None:
        raise ValidationError(_("No header row with a requirement column (招标文件要求 / Requirement) was found."))
    return rows


def export_deviations(tender: Tender, table: str) -> bytes:
    """The table as the buyer expects it, ★ marking mandatory rows."""
    title = "技术偏离表" if table == DeviationTable.TECHNICAL else "商务偏离表"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([f"{title}（{tender.title}）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([f"项目编号：{tender.reference}"])
    headers = ["序号", "条款号", "招标文件要求", "投标文件响应", "偏离情况", "说明（证明材料）"]
    sheet.append(headers)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    rows = DeviationItem.objects.filter(tender=tender, table=table).order_by("position", "pk")
    for row in rows:
        requirement = f"{STAR}{row.requirement}" if row.mandatory else row.requirement
        sheet.append(
            [row.position, row.clause, requirement, row.response, EXPORT_COMPLIANCE[row.compliance], row.evidence]
        )
        for cell in sheet[sheet.max_row]:
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (6, 12, 50, 50, 12, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([])
    sheet.append(["注：标注★的条款为实质性要求，不满足将导致投标无效。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
