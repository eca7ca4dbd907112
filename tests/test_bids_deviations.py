"""Deviation tables: 正偏离 / 无偏离 / 负偏离 on import and export, the owner exported, formulas neutralised, history."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from presales.bids import services
from presales.bids.models import Compliance, DeviationItem
from presales.bids.spreadsheets import compliance_from_text
from tests.factories.bids import make_tender


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("正偏离", Compliance.EXCEEDING),
        ("Positive deviation", Compliance.EXCEEDING),
        ("positive-deviation", Compliance.EXCEEDING),
        ("无偏离", Compliance.COMPLIANT),
        (" No deviation ", Compliance.COMPLIANT),
        ("负偏离", Compliance.DEVIATING),
        ("NEGATIVE DEVIATION", Compliance.DEVIATING),
        ("部分偏离", Compliance.PARTIAL),
        ("正\u3000偏离", Compliance.EXCEEDING),
        ("", Compliance.OPEN),
        ("待定", Compliance.OPEN),
    ],
)
def test_compliance_words_in_both_languages(text, expected):
    assert compliance_from_text(text) == expected


def test_positive_deviation_is_imported_as_positive_and_exported_with_owner(personas, login):
    tender = make_tender(personas)
    content = _xlsx(
        [
            ["序号", "条款号", "招标文件要求", "投标文件响应", "偏离情况", "说明"],
            [1, "3.1", "★吞吐量不低于 10Gbps", "20Gbps", "正偏离", ""],
            [2, "3.2", "支持 IPv6", "支持", "无偏离", ""],
            [3, "3.3", "三年维保", "两年", "负偏离", ""],
        ]
    )
    client = login(personas.engineer)
    response = client.post(
        f"/bids/{tender.pk}/deviations/technical/", {"action": "import", "file": SimpleUploadedFile("r.xlsx", content)}
    )
    assert response.status_code == 302
    rows = list(DeviationItem.objects.filter(tender=tender).order_by("position"))
    assert [row.compliance for row in rows] == [Compliance.EXCEEDING, Compliance.COMPLIANT, Compliance.DEVIATING]
    # A mandatory row answered better than asked is not at risk.
    summary = services.compliance_summary(tender)["technical"]
    assert (summary["deviating"], summary["mandatory_at_risk"]) == (1, 0)
    services.deviation_update(actor=personas.engineer, row=rows[0], owner=personas.engineer)

    export = client.get(f"/bids/{tender.pk}/deviations/technical/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["G3"].value == "负责人"
    assert [sheet[f"E{row}"].value for row in (4, 5, 6)] == ["正偏离", "无偏离", "负偏离"]
    assert sheet["G4"].value == str(personas.engineer)
    assert sheet["G5"].value is None


def test_every_exported_text_cell_is_guarded_against_formulas(personas, login):
    tender = make_tender(personas)
    row = services.deviation_add(
        actor=personas.engineer,
        tender=tender,
        table="commercial",
        clause='=HYPERLINK("http://evil")',
        requirement="+1+1",
        response="-2",
        evidence="@SUM(A1)",
    )
    assert row.position == 1
    export = login(personas.engineer).get(f"/bids/{tender.pk}/deviations/commercial/export/")
    workbook = load_workbook(io.BytesIO(export.content))
    sheet = workbook.active
    cells = [sheet[f"{letter}4"] for letter in "BCDF"]
    assert [cell.value for cell in cells] == ['\'=HYPERLINK("http://evil")', "'+1+1", "'-2", "'@SUM(A1)"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_deviation_changes_leave_history_naming_the_person(personas):
    tender = make_tender(personas)
    row = services.deviation_add(actor=personas.engineer, tender=tender, table="technical", requirement="支持 IPv6")
    services.deviation_update(actor=personas.engineer, row=row, compliance=Compliance.EXCEEDING)
    content = _xlsx([["招标文件要求", "偏离情况"], ["双电源", "Positive deviation"]])
    services.deviation_import(
        actor=personas.owner, tender=tender, table="technical", upload=SimpleUploadedFile("r.xlsx", content)
    )
    history = DeviationItem.history.order_by("history_date", "history_id")
    assert [(record.history_type, record.history_user) for record in history] == [
        ("+", personas.engineer),
        ("~", personas.engineer),
        ("+", personas.owner),
    ]
    assert history.last().compliance == Compliance.EXCEEDING


def test_compliance_labels_read_in_one_language():
    with translation.override("en"):
        assert [str(label) for label in Compliance.labels][1:] == [
            "Positive deviation",
            "No deviation",
            "Partly compliant",
            "Negative deviation",
        ]
    with translation.override("zh-hans"):
        assert [str(label) for label in Compliance.labels][1:] == ["正偏离", "无偏离", "部分满足", "负偏离"]


def test_owner_column_is_read_back_on_import(personas, login):
    tender = make_tender(personas)
    content = _xlsx(
        [
            ["招标文件要求", "偏离情况", "负责人"],
            ["支持 IPv6", "无偏离", "Engineer Zhao"],
            ["三年维保", "负偏离", "teammate"],
            ["双电源", "", "Nobody Known"],
        ]
    )
    services.deviation_import(
        actor=personas.engineer, tender=tender, table="technical", upload=SimpleUploadedFile("r.xlsx", content)
    )
    rows = DeviationItem.objects.filter(tender=tender).order_by("position")
    assert [row.owner for row in rows] == [personas.engineer, personas.teammate, None]
    export = login(personas.engineer).get(f"/bids/{tender.pk}/deviations/technical/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [sheet[f"G{row}"].value for row in (4, 5, 6)] == ["Engineer Zhao", "Teammate Li", None]
