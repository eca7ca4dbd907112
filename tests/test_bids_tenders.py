"""Tenders: pages, permissions, Q&A to knowledge, submission checklist with files, deviation XLSX, reminders, calendar."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from presales.bids import reminders, services
from presales.bids.models import Compliance, DeviationItem, SubmissionItem, Tender
from presales.knowledge.models import KnowledgeItem, KnowledgeUse
from presales.notifications.models import Notification
from tests.factories.bids import make_tender

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_pages_for_deal_team_and_404_for_outsider(personas, login, client):
    tender = make_tender(personas)
    urls = [
        f"/bids/{tender.pk}/",
        f"/bids/{tender.pk}/edit/",
        f"/bids/{tender.pk}/deviations/technical/",
        f"/bids/{tender.pk}/deviations/commercial/export/",
        f"/bids/new/?opportunity={personas.deal.pk}",
    ]
    for url in urls:
        assert login(personas.engineer).get(url).status_code == 200, url
        assert login(personas.outsider).get(url).status_code == 404, url
        assert client.get(url).status_code == 302, url
    assert "数据中心招标" not in login(personas.outsider).get("/bids/").content.decode()
    assert "数据中心招标" in login(personas.teammate).get("/bids/").content.decode()


def test_teammate_sees_but_cannot_change(personas, login):
    tender = make_tender(personas)
    assert login(personas.teammate).get(f"/bids/{tender.pk}/").status_code == 200
    assert login(personas.teammate).get(f"/bids/{tender.pk}/edit/").status_code == 403
    response = login(personas.teammate).post(f"/bids/{tender.pk}/do/add_section/", {"name": "x", "kind": "technical"})
    assert response.status_code == 403


def test_create_happy_path_and_error_keeps_values(personas, login):
    client = login(personas.engineer)
    response = client.post(
        "/bids/new/",
        {"opportunity": personas.deal.pk, "title": "Kept", "procurement_method": "open", "status": "preparing"},
    )
    assert response.status_code == 200
    assert 'value="Kept"' in response.content.decode()
    response = client.post(
        "/bids/new/",
        {
            "opportunity": personas.deal.pk,
            "title": "Core network tender",
            "procurement_method": "open",
            "status": "preparing",
            "submission_deadline": "2031-05-01T10:00",
        },
    )
    tender = Tender.objects.get(title="Core network tender")
    assert response.status_code == 302
    assert tender.submission_items.count() == 5


def test_stale_edit_is_refused(personas, login):
    tender = make_tender(personas)
    services.tender_update(actor=personas.engineer, tender=tender, expected_version=tender.version, reference="A-1")
    response = login(personas.owner).post(
        f"/bids/{tender.pk}/edit/",
        {
            "title": "Mine",
            "procurement_method": "open",
            "status": "preparing",
            "submission_deadline": "2031-05-01T10:00",
            "version": tender.version,
        },
    )
    assert response.status_code == 200
    assert Tender.objects.get(pk=tender.pk).title == "数据中心招标"


def test_question_answer_saved_to_knowledge_and_copied_back(personas, login):
    tender = make_tender(personas)
    client = login(personas.engineer)
    client.post(
        f"/bids/{tender.pk}/do/add_question/", {"question": "是否支持国产化？", "answer": "支持，已通过适配认证。"}
    )
    entry = tender.questions.get()
    client.post(f"/bids/{tender.pk}/do/save_answer/", {"target": entry.pk})
    item = KnowledgeItem.objects.get(kind="answer")
    assert item.body == "支持，已通过适配认证。"
    client.post(f"/bids/{tender.pk}/do/add_question/", {"question": "国产化?", "knowledge_item": item.pk})
    copied = tender.questions.order_by("-pk").first()
    assert copied.answer == item.body
    assert KnowledgeUse.objects.filter(item=item, opportunity=personas.deal).exists()


def test_submission_tick_records_who_when_and_file_and_download_is_checked(personas, login):
    tender = make_tender(personas)
    item = tender.submission_items.first()
    response = login(personas.engineer).post(
        f"/bids/{tender.pk}/do/tick/", {"target": item.pk, "attachment": SimpleUploadedFile("receipt.pdf", PDF)}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_by == personas.engineer and item.done_at is not None
    assert login(personas.teammate).get(f"/bids/files/{item.pk}/").status_code == 200
    assert login(personas.outsider).get(f"/bids/files/{item.pk}/").status_code == 404
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf")
    login(personas.engineer).post(
        f"/bids/{tender.pk}/do/tick/", {"target": tender.submission_items.last().pk, "attachment": bad}
    )
    assert tender.submission_items.last().done_at is None


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["技术偏离表"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_deviation_import_export_round_trip(personas, login):
    tender = make_tender(personas)
    content = _xlsx(
        [
            ["序号", "条款号", "招标文件要求", "投标文件响应", "偏离情况", "说明"],
            [1, "3.1", "★支持双活数据中心", "支持", "无偏离", "白皮书 p.12"],
            [2, "3.2", "单机柜功率不低于 8kW", "", "", ""],
            [3, "3.3", "提供原厂三年维保", "两年", "负偏离", ""],
        ]
    )
    client = login(personas.engineer)
    response = client.post(
        f"/bids/{tender.pk}/deviations/technical/",
        {"action": "import", "file": SimpleUploadedFile("req.xlsx", content)},
    )
    assert response.status_code == 302
    rows = list(DeviationItem.objects.filter(tender=tender, table="technical"))
    assert [r.position for r in rows] == [1, 2, 3]
    assert rows[0].mandatory and rows[0].requirement == "支持双活数据中心"
    assert [r.compliance for r in rows] == [Compliance.COMPLIANT, Compliance.OPEN, Compliance.DEVIATING]
    summary = services.compliance_summary(tender)["technical"]
    assert (summary["total"], summary["open"], summary["deviating"], summary["mandatory_at_risk"]) == (3, 1, 1, 0)
    export = client.get(f"/bids/{tender.pk}/deviations/technical/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[3]] == [
        "序号",
        "条款号",
        "招标文件要求",
        "投标文件响应",
        "偏离情况",
        "说明（证明材料）",
        "负责人",
    ]
    assert sheet["C4"].value == "★支持双活数据中心"
    assert sheet["E6"].value == "负偏离"


def test_deviation_import_refuses_a_sheet_without_header(personas, login):
    tender = make_tender(personas)
    response = login(personas.engineer).post(
        f"/bids/{tender.pk}/deviations/commercial/",
        {"action": "import", "file": SimpleUploadedFile("x.xlsx", _xlsx([["a", "b"], [1, 2]]))},
    )
    assert response.status_code == 400
    assert not DeviationItem.objects.exists()


def test_deviation_row_add_and_error(personas, login):
    tender = make_tender(personas)
    client = login(personas.engineer)
    response = client.post(f"/bids/{tender.pk}/deviations/commercial/", {"response": "kept text", "compliance": "open"})
    assert response.status_code == 400 and "kept text" in response.content.decode()
    client.post(f"/bids/{tender.pk}/deviations/commercial/", {"requirement": "付款方式 3-6-1", "compliance": "partial"})
    assert DeviationItem.objects.get().position == 1
    assert (
        login(personas.teammate).post(f"/bids/{tender.pk}/deviations/commercial/", {"requirement": "x"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("days_left", "expected"), [(9, None), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, 1), (-1, None)]
)
def test_threshold_for(days_left, expected):
    assert reminders.threshold_for(days_left) == expected


def test_reminders_go_to_owners_of_unfinished_items_once(personas, django_capture_on_commit_callbacks):
    tender = make_tender(personas, days=3)
    services.tender_section_add(
        actor=personas.engineer, tender=tender, name="技术方案", kind="technical", owner=personas.engineer
    )
    services.submission_item_add(actor=personas.engineer, tender=tender, name="保证金", owner=personas.owner)
    done = services.submission_item_add(actor=personas.engineer, tender=tender, name="done", owner=personas.manager)
    services.submission_item_tick(actor=personas.manager, item=done)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_bid_reminders()
    assert first == 2
    ours = Notification.objects.filter(dedupe_key__startswith="bid:")
    assert set(ours.values_list("recipient__username", flat=True)) == {"engineer", "owner"}
    assert len([m for m in mail.outbox if "数据中心招标" in m.subject]) == 2
    assert reminders.send_bid_reminders() == 0
    call_command("send_bid_reminders", stdout=io.StringIO())
    assert ours.count() == 2


def test_calendar_lists_upcoming_deadlines_visible_only(personas, login):
    make_tender(personas, days=5, question_deadline=timezone.now() + datetime.timedelta(days=2))
    body = login(personas.teammate).get("/bids/calendar/").content.decode()
    assert body.count("数据中心招标") == 2
    assert "数据中心招标" not in login(personas.outsider).get("/bids/calendar/").content.decode()


def test_tender_list_query_count_is_bounded(personas, login, django_assert_max_num_queries):
    for number in range(30):
        make_tender(personas, title=f"Tender {number}")
    client = login(personas.teammate)
    with django_assert_max_num_queries(8):
        assert client.get("/bids/").status_code == 200
    assert SubmissionItem.objects.count() == 150
