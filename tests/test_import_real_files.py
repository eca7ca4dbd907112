"""Imports as a new user meets them: a Salesforce opportunities export, a HubSpot deals export and a Chinese sheet
saved as GB18030 CSV, 40 deals each, generated here from those systems' published export column names. Upload, keep
the automatic matches (columns, then values), press Import: every row lands with the right owner, stage, account and
amount. Also: the values page, re-import by external ID, a deal at a playbook step, accounts matched by normalised
name, and the xlsx bomb refused in the upload request without opening it."""

from __future__ import annotations

import csv
import datetime
import io
import random
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from presales.customers.models import Account, Industry
from presales.customers.names import normalize_account_name
from presales.deals.models import DealStep, Opportunity, Outcome, StepStatus
from presales.integration import parsers, runner
from presales.integration.models import ImportJob, ImportStatus
from presales.integration.values import Matcher
from presales.people.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(personas):
    """Colleagues as other systems name them: "Li Wei" / "Wei Li" / "李伟" is one person (pinyin, either order)."""
    east = personas.owner.team
    li = UserFactory(username="lw88", display_name="李伟", email="lw88@example.com", role=Role.SALES, team=east)
    zhang = UserFactory(
        username="zmin", first_name="Min", last_name="Zhang", display_name="张敏", role=Role.SALES, team=east
    )
    zhao = UserFactory(username="zhaolei", display_name="赵磊", role=Role.PRESALES, team=personas.engineer.team)
    return {"li": li, "zhang": zhang, "zhao": zhao}


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run_import(client, name: str, content: bytes, *, values: dict[str, str] | None = None) -> ImportJob:
    """Upload; the worker reads it; keep the automatic columns; keep (or change) the values; check; import."""
    response = client.post("/integration/import/", {"kind": "opportunities", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:1500]
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.SCAN_QUEUED, "the upload request does not parse the file"
    assert runner.run_pending() == 1
    form = client.get(f"/integration/import/{job.pk}/columns/").context["form"]
    response = client.post(
        f"/integration/import/{job.pk}/columns/", {name: form[name].value() or "" for name in form.fields}
    )
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(f"/integration/import/{job.pk}/values/")
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    for text, token in (values or {}).items():
        key = next(name for name in form.fields if form.fields[name].label == text)
        data[key] = token
    assert client.post(f"/integration/import/{job.pk}/values/", data).status_code == 302
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.failure
    assert job.error_rows == 0, list(job.row_errors.values_list("row_number", "messages")[:5])
    assert client.post(f"/integration/import/{job.pk}/", {}).status_code == 302
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.failure
    return job


# --- Salesforce ---------------------------------------------------------------------------------------------

SF_STAGES = [
    ("Prospecting", 2, Outcome.OPEN),
    ("Qualification", 2, Outcome.OPEN),
    ("Needs Analysis", 3, Outcome.OPEN),
    ("Value Proposition", 3, Outcome.OPEN),
    ("Id. Decision Makers", 3, Outcome.OPEN),
    ("Perception Analysis", 4, Outcome.OPEN),
    ("Proposal/Price Quote", 5, Outcome.OPEN),
    ("Negotiation/Review", 6, Outcome.OPEN),
    ("Closed Won", 6, Outcome.WON),
    ("Closed Lost", None, Outcome.LOST),
]
SF_ACCOUNTS = [
    ("Shanghai Pudong Bank Co., Ltd.", "Banking", "Shanghai"),
    ("Guangdong Grid Corporation", "Utilities", "Guangdong"),
    ("Zhejiang University", "Higher Education", "Zhejiang"),
    ("Sichuan Motors Co., Ltd.", "Automotive", "Sichuan"),
    ("Blue Ocean Trading", "Shipbuilding", "Beijing"),  # an industry nobody lists: "Other"
]
SF_OWNERS = ["Li Wei", "Min Zhang", "Jessica Taylor", "lw88@example.com"]


def salesforce_file() -> bytes:
    # The columns of Salesforce's "Opportunities" report export.
    header = [
        "Opportunity ID",
        "Opportunity Name",
        "Account Name",
        "Account ID",
        "Opportunity Owner",
        "Stage",
        "Amount",
        "Close Date",
        "Lead Source",
        "Industry",
        "Billing State/Province",
        "Type",
    ]
    rows = []
    for n in range(40):
        account, industry, state = SF_ACCOUNTS[n % 5]
        stage = SF_STAGES[n % 10][0]
        rows.append(
            [
                f"0065g0000{n:07d}",
                f"Deal {n}",
                account,
                f"0015g0000{n % 5:07d}",
                SF_OWNERS[n % 4],
                stage,
                f"{100000 + n * 1000}",
                f"{1 + n % 12}/15/2026",
                "Partner",
                industry,
                state,
                "New Customer",
            ]
        )
    return csv_bytes(header, rows)


def test_salesforce_export_of_40_deals_lands_with_owner_stage_account_and_amount(personas, people, login):
    client = login(personas.owner)
    job = run_import(client, "salesforce.csv", salesforce_file())
    assert (job.created_count, job.planned_new_accounts) == (40, 5)
    owners = {"Li Wei": people["li"], "Min Zhang": people["zhang"], "Jessica Taylor": personas.owner}
    owners["lw88@example.com"] = people["li"]
    for n in range(40):
        deal = Opportunity.objects.select_related("account", "stage").get(external_id=f"0065g0000{n:07d}")
        _stage_name, number, outcome = SF_STAGES[n % 10]
        assert deal.sales_owner == owners[SF_OWNERS[n % 4]], n
        assert deal.outcome == outcome, n
        if number is not None:
            assert deal.stage.number == number, (n, SF_STAGES[n % 10])
        assert deal.account.name == SF_ACCOUNTS[n % 5][0]
        assert deal.amount == Decimal(100000 + n * 1000)
        assert deal.expected_close_date == datetime.date(2026, 1 + n % 12, 15)
    assert Account.objects.get(name="Blue Ocean Trading").industry == Industry.OTHER
    assert Account.objects.get(name="Shanghai Pudong Bank Co., Ltd.").industry == Industry.FINANCE
    assert Account.objects.filter(name__in=[a for a, _i, _s in SF_ACCOUNTS]).count() == 5


def test_the_values_page_lists_each_value_with_rows_and_says_what_defaults_apply(personas, people, login):
    client = login(personas.owner)
    client.post(
        "/integration/import/", {"kind": "opportunities", "file": SimpleUploadedFile("sf.csv", salesforce_file())}
    )
    job = ImportJob.objects.get()
    runner.run_pending()
    form = client.get(f"/integration/import/{job.pk}/columns/").context["form"]
    client.post(f"/integration/import/{job.pk}/columns/", {name: form[name].value() or "" for name in form.fields})
    page = client.get(f"/integration/import/{job.pk}/values/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Jessica Taylor" in html and "Id. Decision Makers" in html and "Shipbuilding" in html
    assert "owner will be you (Owner Wang)" in html, "unmatched owners default to the importing person, said upfront"
    assert "“Other”" in html
    groups = {group.key: {row.text: row for row in group.values} for group, _rows in page.context["form"].groups()}
    assert groups["owner"]["Li Wei"].rows == 10 and groups["owner"]["Li Wei"].choice == f"user:{people['li'].pk}"
    assert groups["owner"]["Jessica Taylor"].automatic is None and groups["owner"]["Jessica Taylor"].choice == "me"
    assert groups["stage"]["Closed Won"].choice == "won"
    assert groups["industry"]["Shipbuilding"].choice == Industry.OTHER
    assert not Opportunity.objects.filter(external_id__startswith="0065g").exists(), "nothing written yet"


def test_a_value_changed_on_the_page_is_used_for_every_row_holding_it(personas, people, login):
    client = login(personas.owner)
    job = run_import(
        client,
        "salesforce.csv",
        salesforce_file(),
        values={"Jessica Taylor": f"user:{people['zhang'].pk}", "Shipbuilding": Industry.TRANSPORT},
    )
    assert job.created_count == 40
    jessica_rows = [n for n in range(40) if SF_OWNERS[n % 4] == "Jessica Taylor"]
    assert {Opportunity.objects.get(external_id=f"0065g0000{n:07d}").sales_owner for n in jessica_rows} == {
        people["zhang"]
    }
    assert Account.objects.get(name="Blue Ocean Trading").industry == Industry.TRANSPORT
    assert job.history.filter(history_change_reason="values chosen").exists(), "the choice is in the job's history"


# --- HubSpot --------------------------------------------------------------------------------------------------

HS_STAGES = [
    ("appointmentscheduled", 2, Outcome.OPEN),
    ("Qualified To Buy", 2, Outcome.OPEN),
    ("presentationscheduled", 3, Outcome.OPEN),
    ("Decision Maker Bought-In", 4, Outcome.OPEN),
    ("contractsent", 6, Outcome.OPEN),
    ("Closed Won", 6, Outcome.WON),
    ("closedlost", None, Outcome.LOST),
    ("Contract Sent", 6, Outcome.OPEN),
]
HS_OWNERS = ["Wei Li", "Zhang Min", "Someone Else"]


def hubspot_file(amount_bump: int = 0) -> bytes:
    # The columns of HubSpot's deals export (default properties plus the associated company's).
    header = [
        "Record ID",
        "Deal Name",
        "Deal Stage",
        "Pipeline",
        "Amount",
        "Close Date",
        "Deal owner",
        "Associated Company",
        "Industry",
        "State/Region",
        "Create Date",
    ]
    rows = []
    for n in range(40):
        rows.append(
            [
                str(9000 + n),
                f"HubSpot deal {n}",
                HS_STAGES[n % 8][0],
                "Sales Pipeline",
                str(50000 + n * 500 + amount_bump),
                f"2026-{1 + n % 12:02d}-28 00:00",
                HS_OWNERS[n % 3],
                ["Zhejiang University", "ACME Co., Ltd.", "Hubei Hospital"][n % 3],
                ["EDUCATION_MANAGEMENT", "COMPUTER_SOFTWARE", "HOSPITAL_HEALTH_CARE"][n % 3],
                ["Zhejiang", "Shanghai", "Hubei"][n % 3],
                "2025-11-01 09:00",
            ]
        )
    return csv_bytes(header, rows)


def test_hubspot_export_of_40_deals_and_a_reimport_updates_by_record_id(personas, people, login):
    # The team's manager imports (and may update everybody's deals on the re-import).
    client = login(personas.manager)
    job = run_import(client, "hubspot.csv", hubspot_file())
    assert (job.created_count, job.planned_new_accounts) == (40, 3)
    owners = {"Wei Li": people["li"], "Zhang Min": people["zhang"], "Someone Else": personas.manager}
    for n in range(40):
        deal = Opportunity.objects.get(external_id=str(9000 + n))
        _label, number, outcome = HS_STAGES[n % 8]
        assert (deal.sales_owner, deal.outcome) == (owners[HS_OWNERS[n % 3]], outcome), n
        if number is not None:
            assert deal.stage.number == number, n
        assert deal.amount == Decimal(50000 + n * 500)
        assert deal.account.name == ["Zhejiang University", "ACME Co., Ltd.", "Hubei Hospital"][n % 3]

    again = run_import(client, "hubspot.csv", hubspot_file(amount_bump=1))
    assert (again.created_count, again.updated_count, again.planned_new_accounts) == (0, 40, 0)
    assert Opportunity.objects.filter(external_id__in=[str(9000 + n) for n in range(40)]).count() == 40
    assert Opportunity.objects.get(external_id="9003").amount == Decimal(50000 + 3 * 500 + 1)
    assert Account.objects.filter(name="ACME Co., Ltd.").count() == 1


# --- a Chinese sheet saved as GB18030 CSV -----------------------------------------------------------------------

CN_STEPS = [("项目机会分析", 1), ("初步接触", 2), ("最终报价", 15), ("签单", 23), ("了解用户真实需求,痛点所在", 7)]
CN_ACCOUNTS = ["华东银行股份有限公司", "华北电力集团有限公司", "（深圳）前海科技有限公司"]


def chinese_file() -> bytes:
    header = [
        "项目编号",
        "项目名称",
        "客户名称",
        "行业",
        "区域",
        "项目金额",
        "预计签约日期",
        "项目阶段",
        "销售",
        "售前负责人",
    ]
    rows = []
    for n in range(40):
        rows.append(
            [
                f"CN-{n:03d}",
                f"项目{n}",
                CN_ACCOUNTS[n % 3],
                ["银行", "电力", "互联网"][n % 3],
                ["上海", "北京", "广东"][n % 3],
                f"{10 + n}万",
                f"2026年{1 + n % 12}月1日",
                CN_STEPS[n % 5][0],
                ["李伟", "张敏", "王小明"][n % 3],
                "赵磊",
            ]
        )
    return csv_bytes(header, rows, "gb18030")


def test_chinese_gb18030_sheet_with_steps_as_stages(personas, people, login):
    client = login(personas.owner)
    existing = personas.account  # 华东银行: "华东银行股份有限公司" in the file is the same account
    job = run_import(client, "项目.csv", chinese_file())
    assert job.encoding == "gb18030"
    assert (job.created_count, job.planned_new_accounts) == (40, 2), "华东银行 exists already"
    owners = [people["li"], people["zhang"], personas.owner]
    for n in range(40):
        deal = Opportunity.objects.select_related("stage", "account").get(external_id=f"CN-{n:03d}")
        step_name, order = CN_STEPS[n % 5]
        assert deal.sales_owner == owners[n % 3] and deal.presales_lead == people["zhao"]
        assert deal.amount == Decimal((10 + n) * 10_000)
        if n % 3 == 0:
            assert deal.account == existing
        assert deal.is_open
        steps = list(DealStep.objects.filter(opportunity=deal).select_related("definition__stage"))
        step = next(s for s in steps if s.definition.order == order)
        assert deal.stage == step.definition.stage, (step_name, deal.stage)
        # The checklist is done up to the step the deal is at, so "my next steps" starts there.
        assert {s.definition.order for s in steps if s.status == StepStatus.DONE} == set(range(1, order)), step_name
        assert all(s.completed_by == personas.owner for s in steps if s.status == StepStatus.DONE)
    assert Account.objects.filter(name__startswith="华东银行").count() == 1
    done = DealStep.objects.filter(opportunity__external_id="CN-003", status=StepStatus.DONE).first()
    assert done.history.first().history_user == personas.owner, "the steps' history says who imported them"


# --- names and matches --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("上海浦东银行股份有限公司", "上海浦东银行"),
        ("华为技术有限公司", "华为技术"),
        ("ACME Co., Ltd.", "acme"),
        ("ＡＣＭＥ　Ｃｏ．，Ｌｔｄ．", "ACME Co.,Ltd"),
        ("Foo (China) Inc.", "foo china"),
        ("成都分公司", "成都"),
    ],
)
def test_account_names_that_are_the_same(first, second):
    assert normalize_account_name(first) == normalize_account_name(second)


@pytest.mark.parametrize(("first", "second"), [("Zinc", "Z"), ("有限公司", "有限"), ("华东银行", "华北银行")])
def test_account_names_that_differ(first, second):
    assert normalize_account_name(first) != normalize_account_name(second)


def test_automatic_matches(personas, people):
    matcher = Matcher.build()
    li = f"user:{people['li'].pk}"
    for text in ("Li Wei", "wei li", "LI WEI", "李伟", "lw88", "LW88@example.com"):
        assert matcher.match_person(text) == li, text
    assert matcher.match_person("Min Zhang") == matcher.match_person("张敏") == f"user:{people['zhang'].pk}"
    assert matcher.match_person("Nobody Known") is None
    assert matcher.match_stage("Negotiation/Review") == "stage:6"
    assert matcher.match_stage("商务谈判") == "stage:6"
    assert matcher.match_stage("Bid & price") == "stage:5"
    assert matcher.match_stage("closedlost") == "lost"
    assert matcher.match_stage("项目机会分析") == "step:1"
    assert matcher.match_stage("Final quote") == "step:15"
    assert matcher.match_stage("60%") is not None, "a probability places the deal when nothing else fits"
    assert matcher.match_stage("whatever") is None
    assert matcher.match("industry", "HOSPITAL_HEALTH_CARE") == Industry.HEALTHCARE
    assert matcher.match("region", "广东省") == "south"
    assert matcher.match("currency", "人民币") == "CNY"


# --- bounded parsing ---------------------------------------------------------------------------------------------


def xlsx_with_part(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, data)
    return buffer.getvalue()


def test_xlsx_bomb_is_refused_in_the_upload_request_without_opening_it(personas, login, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a refused workbook")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    # 20 MB of one repeated string packs into ~20 KB: the shape of the reported 205 KB / 84 MB file.
    bomb = xlsx_with_part("xl/sharedStrings.xml", b"<si><t>AAAAAAAAAAAAAAAA</t></si>" * 650_000)
    assert len(bomb) < 200_000
    client = login(personas.owner)
    tracemalloc.start()
    response = client.post("/integration/import/", {"kind": "accounts", "file": SimpleUploadedFile("big.xlsx", bomb)})
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    assert "looks built to exhaust memory" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert peak < 10 * 1024 * 1024, "nothing was unpacked in the web process"


def test_xlsx_whose_parts_unpack_beyond_the_limit_is_refused(personas, login, monkeypatch):
    monkeypatch.setattr(parsers, "MAX_XLSX_UNPACKED_MB", 1)
    noise = random.Random(15).randbytes(1_500_000)  # packs poorly: the size, not the ratio, refuses it
    response = login(personas.owner).post(
        "/integration/import/",
        {
            "kind": "accounts",
            "file": SimpleUploadedFile("wide.xlsx", xlsx_with_part("xl/worksheets/sheet1.xml", noise)),
        },
    )
    assert "at most 1 MB can be imported" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_values_page_makes_a_bounded_number_of_queries(personas, people, login, django_assert_max_num_queries):
    client = login(personas.owner)
    content = salesforce_file()
    client.post("/integration/import/", {"kind": "opportunities", "file": SimpleUploadedFile("sf.csv", content)})
    job = ImportJob.objects.get()
    runner.run_pending()
    form = client.get(f"/integration/import/{job.pk}/columns/").context["form"]
    client.post(f"/integration/import/{job.pk}/columns/", {name: form[name].value() or "" for name in form.fields})
    for n in range(30):  # more people to choose from do not mean more queries
        UserFactory(username=f"extra{n}", display_name=f"Extra {n}", team=personas.owner.team)
    with django_assert_max_num_queries(30):
        assert client.get(f"/integration/import/{job.pk}/values/").status_code == 200
