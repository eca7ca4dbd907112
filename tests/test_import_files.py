"""Imports end to end: Salesforce, HubSpot, GB18030 Chinese and XLSX files, re-import, bad files, permissions."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from presales.customers.models import Account, Industry, Region
from presales.deals.models import Opportunity, Outcome
from presales.integration import parsers, runner, services
from presales.integration.mapping import Lookups, auto_mapping, parse_amount, parse_date
from presales.integration.models import ImportJob, ImportStatus
from presales.people.models import Role
from tests.factories import UserFactory
from tests.import_steps import queue_check

FIXTURES = Path(__file__).parent / "fixtures" / "import"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, name: str, kind: str, content: bytes | None = None):
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return client.post("/integration/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def import_file(client, name: str, kind: str, *, content: bytes | None = None, skip_errors: bool = False) -> ImportJob:
    """Upload, accept the automatic column matches, check, then import; returns the finished job."""
    response = upload(client, name, kind, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert runner.run_pending() == 1, "the worker reads the file"
    mapping_page = client.get(f"/integration/import/{job.pk}/columns/")
    form = mapping_page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(f"/integration/import/{job.pk}/columns/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert response["Location"] == f"/integration/import/{job.pk}/values/"
    values_page = client.get(response["Location"])
    form = values_page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(f"/integration/import/{job.pk}/values/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.failure
    response = client.post(f"/integration/import/{job.pk}/", {"skip_errors": "on"} if skip_errors else {})
    assert response.status_code == 302, response.context["form"].errors
    assert runner.run_pending() == 1
    job.refresh_from_db()
    return job


def test_salesforce_opportunity_export(personas, login):
    job = import_file(login(personas.owner), "salesforce_opportunities.csv", "opportunities")
    assert job.status == ImportStatus.DONE, job.failure
    assert (job.created_count, job.updated_count) == (3, 0)
    deal = Opportunity.objects.get(external_id="0065g00000AbCdE1")
    assert deal.name == "Core banking upgrade"
    assert deal.amount == Decimal("1250000.00")
    assert deal.expected_close_date == datetime.date(2026, 6, 30)
    assert deal.stage.number == 5
    assert deal.probability == 60
    assert deal.sales_owner == personas.owner
    assert deal.source == "Partner"
    bank = deal.account
    assert (bank.name, bank.external_id, bank.industry, bank.region) == (
        "Shanghai Pudong Bank",
        "0015g00000XyZ001",
        Industry.FINANCE,
        Region.EAST,
    )
    lost = Opportunity.objects.get(external_id="0065g00000AbCdE3")
    assert lost.account == bank, "the second deal of the same account links to it"
    assert lost.outcome == Outcome.LOST
    grid = Opportunity.objects.get(external_id="0065g00000AbCdE2")
    assert (grid.account.industry, grid.account.region, grid.stage.number) == (Industry.ENERGY, Region.SOUTH, 3)
    assert grid.history.first().history_user == personas.owner, "written through the services, with history"


def test_hubspot_deals_and_reimport_updates(personas, login):
    client = login(personas.owner)
    job = import_file(client, "hubspot_deals.csv", "opportunities")
    assert job.status == ImportStatus.DONE, job.failure
    campus = Opportunity.objects.get(external_id="9001")
    assert (campus.stage.number, campus.amount, campus.expected_close_date) == (
        3,
        Decimal("450000"),
        datetime.date(2026, 7, 1),
    )
    assert campus.account.region == Region.EAST and campus.account.industry == Industry.EDUCATION
    assert Opportunity.objects.get(external_id="9002").stage.number == 6

    changed = (FIXTURES / "hubspot_deals.csv").read_text().replace("450000", "500000")
    again = import_file(client, "hubspot_deals.csv", "opportunities", content=changed.encode())
    assert again.status == ImportStatus.DONE, again.failure
    assert (again.created_count, again.updated_count) == (0, 1)
    assert Opportunity.objects.filter(external_id="9001").count() == 1
    assert Opportunity.objects.get(external_id="9001").amount == Decimal("500000")
    assert Account.objects.filter(name="Zhejiang University").count() == 1


def test_gb18030_csv_with_chinese_headers(personas, login):
    job = import_file(login(personas.owner), "chinese_gb18030.csv", "opportunities")
    assert job.encoding == "gb18030"
    assert job.status == ImportStatus.DONE, job.failure
    first = Opportunity.objects.get(external_id="CN-001")
    assert first.name == "调度系统升级"
    assert first.amount == Decimal("1200000")
    assert first.expected_close_date == datetime.date(2026, 8, 31)
    assert first.stage.number == 3
    assert first.account.name == "华北电力集团"
    assert (first.account.industry, first.account.region) == (Industry.ENERGY, Region.NORTH)
    second = Opportunity.objects.get(external_id="CN-002")
    assert (second.amount, second.stage.number, second.account.region) == (Decimal("560000"), 5, Region.EAST)
    assert Opportunity.objects.get(external_id="CN-003").account == first.account
    assert Account.objects.filter(name="华北电力集团").count() == 1


def choose_columns_and_values(client, job: ImportJob) -> None:
    """The worker reads the file, then the person keeps the automatic columns and values; the check runs."""
    runner.run_pending()
    job.refresh_from_db()
    client.post(
        f"/integration/import/{job.pk}/columns/",
        {f"field_{key}": str(index) for key, index in job.mapping.items()},
    )
    form = client.get(f"/integration/import/{job.pk}/values/").context["form"]
    client.post(f"/integration/import/{job.pk}/values/", {name: form[name].value() or "" for name in form.fields})
    runner.run_pending()
    job.refresh_from_db()


def test_xlsx_accounts_formulas_are_imported_as_text_and_flagged(personas, login):
    client = login(personas.owner)
    response = upload(client, "accounts.xlsx", "accounts")
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    choose_columns_and_values(client, job)
    assert job.status == ImportStatus.CHECKED, job.failure
    assert (job.error_rows, job.planned_created, job.formula_count) == (0, 3, 1)
    page = client.get(f"/integration/import/{job.pk}/").content.decode()
    assert 'id="formula-cells"' in page and "HYPERLINK" in page and "客户名称" in page, "the preview flags the cell"
    assert not Account.objects.filter(external_id__startswith="ACC-").exists(), "the check wrote nothing"

    client.post(f"/integration/import/{job.pk}/", {})
    runner.run_pending()
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 3)
    shenzhen = Account.objects.get(external_id="ACC-1")
    assert (shenzhen.name, shenzhen.industry, shenzhen.region, shenzhen.city) == (
        "深圳前海银行",
        Industry.FINANCE,
        Region.SOUTH,
        "深圳",
    )
    assert Account.objects.get(external_id="ACC-2").region == Region.SOUTHWEST
    # Kept as the text it was, never evaluated; a download quotes it (core.exports).
    assert Account.objects.get(external_id="ACC-3").name == '=HYPERLINK("http://evil.example","点我")'


def test_xlsx_is_parsed_once_the_check_and_import_read_the_rows_the_scan_kept(personas, login, monkeypatch):
    """The scan writes the sheet's rows to a spool (blank rows too, so row numbers stay the sheet's); the check and
    the import read it instead of parsing the workbook again, with the same cells; the spool goes once imported."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["客户编号", "客户名称", "行业", "区域", "备注"])
    sheet.append(["X-1", "  成都天府银行 ", "金融", "西南", '第一行\n第二行, 带逗号 "引号"'])
    sheet.append([])  # a blank row: skipped, but the rows after it keep their numbers
    sheet.append(["X-2", "", "金融", "西南", 42])  # no name: refused, as row 4
    sheet.append(["X-3", "武汉光谷能源", "能源", "华中", datetime.date(2026, 3, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(personas.owner)
    upload(client, "spooled.xlsx", "accounts", buffer.getvalue())
    job = ImportJob.objects.latest("pk")
    assert runner.run_pending() == 1
    spool = runner.spool_path(job)
    assert spool.exists(), "the scan kept the rows it read"

    def parse_again(path):
        raise AssertionError("the workbook was parsed a second time")

    monkeypatch.setattr(parsers, "_iter_xlsx", parse_again)
    choose_columns_and_values(client, job)
    assert (job.status, job.error_rows, job.planned_created) == (ImportStatus.CHECKED, 1, 2), job.failure
    assert list(job.row_errors.values_list("row_number", flat=True)) == [4]
    client.post(f"/integration/import/{job.pk}/", {"skip_errors": "on"})
    runner.run_pending()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.skipped_count) == (ImportStatus.DONE, 2, 1)
    chengdu = Account.objects.get(external_id="X-1")
    assert (chengdu.name, chengdu.notes) == ("成都天府银行", '第一行\n第二行, 带逗号 "引号"')
    assert Account.objects.get(external_id="X-3").notes == "2026-03-01"
    assert not spool.exists(), "the spool is removed once the file is imported"


def test_rows_with_errors_are_skipped_only_when_asked(personas, login):
    client = login(personas.owner)
    content = "Deal Name,Associated Company,Close Date,Industry,Region\nA,NewCo,2026-01-01,finance,east\nB,NewCo,soon,finance,east\n"
    upload(client, "deals.csv", "opportunities", content.encode())
    job = ImportJob.objects.latest("pk")
    choose_columns_and_values(client, job)
    assert (job.status, job.error_rows, job.planned_created) == (ImportStatus.CHECKED, 1, 1)
    page = client.get(f"/integration/import/{job.pk}/").content.decode()
    assert "is not a date" in page
    refused = client.post(f"/integration/import/{job.pk}/", {})
    assert refused.status_code == 200 and "skip" in refused.content.decode()
    client.post(f"/integration/import/{job.pk}/", {"skip_errors": "on"})
    runner.run_pending()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.skipped_count) == (ImportStatus.DONE, 1, 1)
    assert Opportunity.objects.filter(name="A").exists() and not Opportunity.objects.filter(name="B").exists()


BAD_FILES = [
    ("empty.csv", b"", "empty"),
    ("header-only.csv", "客户名称,行业\r\n".encode(), "no data rows"),
    ("pic.png", b"\x89PNG\r\n\x1a\n....", "CSV or XLSX"),
    ("fake.xlsx", b"name,industry\nA,finance\n", "not an Excel workbook"),
    ("broken.csv", b"name,industry\n\xff\xfe\xfd\x80bad,\x81\n", "encoding"),
    ("huge.csv", b"name,notes\nA," + b"x" * 10_001 + b"\n", "longer than"),
    ("wide.csv", ",".join(f"c{i}" for i in range(201)).encode() + b"\n" + b"1\n", "columns"),
]


# Refused in the upload request by the cheap checks (name, first bytes, zip directory); the rest by the worker's read.
REFUSED_AT_UPLOAD = {"empty.csv", "pic.png", "fake.xlsx"}


def refusal_message(client, name: str, content: bytes) -> str:
    """Upload a bad file; the message the person reads, on the upload form or on the job page after the worker."""
    response = upload(client, name, "accounts", content)
    if response.status_code == 200:
        assert not ImportJob.objects.exists()
        return response.content.decode()
    job = ImportJob.objects.get()
    runner.run_pending()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not job.can_retry
    assert not Path(job.file.path).exists(), "the refused file is not kept"
    return client.get(f"/integration/import/{job.pk}/").content.decode()


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_files_are_refused_and_change_nothing(personas, login, name, content, message):
    accounts = Account.objects.count()
    client = login(personas.owner)
    response = upload(client, name, "accounts", content)
    assert response.status_code == (200 if name in REFUSED_AT_UPLOAD else 302)
    ImportJob.objects.all().delete()
    assert message in refusal_message(client, name, content)
    assert Account.objects.count() == accounts


def test_too_many_rows(personas, login, monkeypatch):
    monkeypatch.setattr("presales.integration.parsers.MAX_ROWS", 3)
    assert "more than 3 rows" in refusal_message(login(personas.owner), "a.csv", b"name\nA\nB\nC\nD\n")


def test_import_rolls_back_everything_when_a_row_fails_at_write_time(personas, login):
    client = login(personas.owner)
    response = upload(
        client,
        "deals.csv",
        "opportunities",
        b"Deal Name,Associated Company,Close Date,Industry,Region\n"
        b"A,NewCo,2026-01-01,finance,east\nB,NewCo,2026-01-02,finance,east\n",
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    queue_check(personas.owner, job)
    runner.run_pending()
    job.refresh_from_db()
    assert job.error_rows == 0
    # Between the check and the import somebody takes away the right to create deals.
    personas.owner.role = Role.AFTER_SALES
    personas.owner.save()
    services.import_job_start(actor=personas.owner, job=job, skip_errors=False)
    runner.run_pending()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "Nothing was imported" in job.failure
    assert not Account.objects.filter(name="NewCo").exists()
    assert not Opportunity.objects.filter(name__in=["A", "B"]).exists()


def test_after_sales_cannot_import(personas, login):
    after_sales = UserFactory(role=Role.AFTER_SALES)
    client = login(after_sales)
    assert client.get("/integration/import/").status_code == 403
    assert upload(client, "salesforce_opportunities.csv", "opportunities").status_code == 403
    assert "/integration/import/" not in client.get("/").content.decode()
    assert "/integration/import/" in login(personas.owner).get("/").content.decode()


def test_outsider_cannot_see_anothers_import(personas, login):
    upload(login(personas.owner), "hubspot_deals.csv", "opportunities")
    job = ImportJob.objects.get()
    outsider = login(personas.outsider)
    for url in (
        f"/integration/import/{job.pk}/",
        f"/integration/import/{job.pk}/columns/",
        f"/integration/import/{job.pk}/progress/",
    ):
        assert outsider.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get("/integration/import/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_progress_page_polls_while_running_and_redirects_when_done(personas, login):
    client = login(personas.owner)
    upload(client, "hubspot_deals.csv", "opportunities")
    job = ImportJob.objects.get()
    queue_check(personas.owner, job)
    page = client.get(f"/integration/import/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert client.get(f"/integration/import/{job.pk}/progress/", HTTP_HX_REQUEST="true").status_code == 200
    runner.run_pending()
    response = client.get(f"/integration/import/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == f"/integration/import/{job.pk}/"


def test_mapping_form_keeps_choices_and_requires_fields(personas, login):
    client = login(personas.owner)
    upload(client, "hubspot_deals.csv", "opportunities")
    job = ImportJob.objects.get()
    assert client.get(f"/integration/import/{job.pk}/columns/").status_code == 302, "not read yet: the job page"
    runner.run_pending()
    response = client.post(f"/integration/import/{job.pk}/columns/", {"field_name": "1"})
    assert response.status_code == 200
    assert "Choose a column for" in response.content.decode()
    assert response.context["form"]["field_name"].value() == "1"


def test_automatic_matches_and_values():
    headers = ["Opportunity Name", "Account Name", "Amount", "Close Date", "Stage", "Probability (%)"]
    assert auto_mapping("opportunities", headers) == {
        "name": 0,
        "account_name": 1,
        "amount": 2,
        "expected_close_date": 3,
        "stage": 4,
        "probability": 5,
    }
    assert (
        auto_mapping("opportunities", ["项目名称", "客户名称", "金额", "预计成交日期", "阶段"])["expected_close_date"]
        == 3
    )
    assert parse_amount("¥1,234.5") == Decimal("1234.50")
    assert parse_amount("3.5万") == Decimal("35000.00")
    assert parse_date("2026年1月2日") == datetime.date(2026, 1, 2)
    assert parse_date("12/31/2026") == datetime.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "number", "outcome"),
    [
        ("Prospecting", 2, "open"),
        ("Qualification", 2, "open"),
        ("Needs Analysis", 3, "open"),
        ("Proposal/Price Quote", 5, "open"),
        ("Negotiation/Review", 6, "open"),
        ("Closed Won", 6, "won"),
        ("Closed Lost", None, "lost"),
        ("appointmentscheduled", 2, "open"),
        ("qualifiedtobuy", 2, "open"),
        ("presentationscheduled", 3, "open"),
        ("decisionmakerboughtin", 4, "open"),
        ("contractsent", 6, "open"),
        ("closedwon", 6, "won"),
        ("closedlost", None, "lost"),
        ("4", 4, "open"),
        ("测试与差异", 4, "open"),
        ("Negotiation", 6, "open"),
        ("赢单", 6, "won"),
    ],
)
def test_stage_names(text, number, outcome):
    stage, result = Lookups.build().stage(text)
    assert (stage.number if stage else None, result) == (number, outcome)


def test_closed_won_deal_completes_signing_step(personas, login):
    csv_text = (
        "Opportunity ID,Opportunity Name,Account Name,Industry,Region,Amount,Close Date,Stage\n"
        "W1,Won deal,华东银行,finance,east,1000,2025-01-15,Closed Won\n"
    )
    job = import_file(login(personas.owner), "won.csv", "opportunities", content=csv_text.encode())
    assert job.status == ImportStatus.DONE, job.failure
    deal = Opportunity.objects.get(external_id="W1")
    assert (deal.outcome, deal.probability, deal.account) == (Outcome.WON, 100, personas.account)
