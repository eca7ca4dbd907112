"""The bulk import path (large files): same rows, teams, history and errors as the services path, re-import
updates, and a sample of bulk-written rows passes the services' validation."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from presales import access
from presales.customers.models import Account, Contact, Industry, Region
from presales.deals.models import DealStep, Opportunity
from presales.integration import bulk, runner, services
from presales.integration.models import ImportedRecord, ImportJob, ImportRowError, ImportStatus
from presales.people.models import Role
from presales.work.models import Activity
from tests.factories import AccountFactory, UserFactory
from tests.import_steps import queue_check
from tests.test_import_real_files import chinese_file, salesforce_file

pytestmark = pytest.mark.django_db

HEADER = "客户编号,客户名称,行业,区域,城市,负责人,网站\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run_import(actor, kind: str, content: bytes, *, skip_errors: bool = True) -> ImportJob:
    """Upload, check and import a CSV file through the import services (as the pages do); skipping the rows with
    errors, the import is done."""
    job = services.import_job_create(actor=actor, kind=kind, upload=SimpleUploadedFile(f"{kind}.csv", content))
    queue_check(actor, job)
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.failure
    services.import_job_start(actor=actor, job=job, skip_errors=skip_errors or not job.error_rows)
    assert runner.run_pending() == 1
    job.refresh_from_db()
    if skip_errors:
        assert job.status == ImportStatus.DONE, job.failure
    return job


def import_accounts(actor, text: str, *, skip_errors: bool = True) -> ImportJob:
    return run_import(actor, "accounts", text.encode("utf-8-sig"), skip_errors=skip_errors)


def snapshot() -> dict:
    """Every account as values that do not depend on primary keys, with its history (type, user) in order."""
    fields = ("name", "external_id", "industry", "region", "city", "website", "owner_id", "team_id", "version")
    result = {}
    for account in Account.objects.order_by("pk"):
        history = [(h.history_type, h.history_user_id, h.city) for h in account.history.order_by("history_date")]
        result[(account.external_id, account.name)] = ({f: getattr(account, f) for f in fields}, history)
    return result


def mixed_file(personas) -> str:
    AccountFactory(name="Outsider Co", owner=personas.outsider, external_id="OUT-1")
    AccountFactory(name="Teammate Co", owner=personas.teammate, external_id="TM-1", city="杭州")
    rows = [
        "P-1,新客户一,金融,北京,北京,,",  # created, owned by the importer
        "P-2,新客户二,能源,广东,深圳,,https://example.com",  # created, owned by the importer
        "P-1,新客户一,金融,北京,天津,,",  # the same ID again: updates the row above
        ",华东银行,,,上海,,",  # an existing visible account by name: updated
        "P-3,坏行业,太空,北京,北京,,",  # unknown industry: "Other", as the values page announces
        "P-4,坏网站,金融,北京,北京,,not a url",  # fails full_clean
        "OUT-1,Outsider Co,金融,上海,上海,,",  # exists but the importer cannot see it
        "TM-1,Teammate Co,金融,上海,宁波,,",  # visible, not editable by the importer
        "TM-1,Teammate Co,金融,上海,杭州,,",  # identical: unchanged, needs no right to edit
        'P-5,"=HYPERLINK(""http://x"")",金融,北京,北京,,',  # a formula: kept as text (flagged by the scan)
        "P-6,无名氏,金融,北京,北京,nobody,",  # unknown owner: the importing person
        ",新客户二,能源,广东,广州,,",  # no ID, same name as P-2 created above: updates it
        "P-7,工程师客户,制造,四川,成都,engineer,",  # created for someone else: the team is the owner's (presales)
    ]
    return HEADER + "\n".join(rows) + "\n"


class _Undo(Exception):
    pass


def test_bulk_path_writes_what_the_services_path_writes(personas, settings):
    text = mixed_file(personas)
    settings.PRESALES_IMPORT_BULK_THRESHOLD = 1_000_000  # the services path
    try:
        with transaction.atomic():
            job = import_accounts(personas.owner, text)
            assert not bulk.uses_bulk(job.kind, job.total_rows)
            by_services = snapshot()
            errors_by_services = list(ImportRowError.objects.filter(job=job).values_list("row_number", "messages"))
            counts_by_services = (job.planned_created, job.planned_updated, job.created_count, job.updated_count)
            raise _Undo
    except _Undo:
        pass
    assert not Account.objects.filter(external_id="P-1").exists()

    settings.PRESALES_IMPORT_BULK_THRESHOLD = 0
    job = import_accounts(personas.owner, text)
    assert bulk.uses_bulk(job.kind, job.total_rows)
    assert job.status == ImportStatus.DONE, job.failure
    errors = list(ImportRowError.objects.filter(job=job).values_list("row_number", "messages"))
    assert errors == errors_by_services, "an error row is reported identically by both paths"
    assert [number for number, _messages in errors] == [7, 8, 9]
    assert (job.planned_created, job.planned_updated, job.created_count, job.updated_count) == counts_by_services
    assert counts_by_services == (6, 3, 6, 3)  # P-3, P-5 and P-6 created with the defaults
    assert snapshot() == by_services, "same field values, teams, versions and history rows"

    first = Account.objects.get(external_id="P-1")
    assert (first.city, first.owner, first.team_id, first.version) == (
        "天津",
        personas.owner,
        personas.owner.team_id,
        2,
    )
    assert Account.objects.get(external_id="P-7").team_id == personas.engineer.team_id
    assert [h.history_user for h in first.history.order_by("history_date")] == [personas.owner, personas.owner]
    assert Account.objects.get(name="新客户二").city == "广州"


def test_bulk_rows_pass_the_services_validation(personas, settings):
    rows = 600  # above the default threshold: this is the path large files take
    assert bulk.bulk_threshold() < rows
    lines = [
        f"S-{n},样本客户 {n},{['金融', '能源', '制造'][n % 3]},{['北京', '上海', '四川'][n % 3]},城市{n},"
        f"{['owner', 'teammate', ''][n % 3]},"
        for n in range(rows)
    ]
    job = import_accounts(personas.owner, HEADER + "\n".join(lines) + "\n", skip_errors=False)
    assert job.status == ImportStatus.DONE, job.failure
    assert job.created_count == rows
    imported = list(Account.objects.filter(external_id__startswith="S-").select_related("owner"))
    assert len(imported) == rows
    for account in random.Random(7).sample(imported, 60):
        account.full_clean()  # every field, foreign keys included, as account_create validates
        assert account.team_id == account.owner.team_id, "customers.services: the team is the owner's team"
        assert account.version == 1
        assert access.can_edit_account(personas.owner, account) or account.owner == personas.teammate
        history = list(account.history.all())
        assert [(h.history_type, h.history_user) for h in history] == [("+", personas.owner)]
        number = int(account.external_id.split("-")[1])
        assert account.industry == [Industry.FINANCE, Industry.ENERGY, Industry.MANUFACTURING][number % 3]
        assert account.region == [Region.NORTH, Region.EAST, Region.SOUTHWEST][number % 3]
        assert account.owner == [personas.owner, personas.teammate, personas.owner][number % 3]


def test_bulk_reimport_updates_by_external_id(personas, settings):
    settings.PRESALES_IMPORT_BULK_THRESHOLD = 0
    lines = [f"R-{n},重复客户 {n},金融,北京,北京,," for n in range(30)]
    first = import_accounts(personas.owner, HEADER + "\n".join(lines) + "\n", skip_errors=False)
    assert (first.created_count, first.updated_count) == (30, 0)
    changed = [line.replace(",北京,,", ",天津,,") if n < 10 else line for n, line in enumerate(lines)]
    again = import_accounts(personas.owner, HEADER + "\n".join(changed) + "\n", skip_errors=False)
    assert again.status == ImportStatus.DONE, again.failure
    assert (again.created_count, again.updated_count, again.planned_updated) == (0, 10, 10)
    assert Account.objects.filter(external_id__startswith="R-").count() == 30
    updated = Account.objects.get(external_id="R-3")
    assert (updated.city, updated.version) == ("天津", 2)
    assert [(h.history_type, h.history_user, h.version) for h in updated.history.order_by("history_date")] == [
        ("+", personas.owner, 1),
        ("~", personas.owner, 2),
    ]
    untouched = Account.objects.get(external_id="R-20")
    assert (untouched.version, untouched.history.count()) == (1, 1)


def test_bulk_import_fails_whole_when_a_row_breaks_at_write_time(personas, settings):
    """Rights taken away between check and import: nothing is written and the job names the row."""
    settings.PRESALES_IMPORT_BULK_THRESHOLD = 0
    lines = [f"F-{n},失败客户 {n},金融,北京,北京,," for n in range(5)]
    upload = SimpleUploadedFile("accounts.csv", (HEADER + "\n".join(lines) + "\n").encode())
    job = services.import_job_create(actor=personas.owner, kind="accounts", upload=upload)
    queue_check(personas.owner, job)
    runner.run_pending()
    job.refresh_from_db()
    assert (job.error_rows, job.planned_created) == (0, 5)
    assert not Account.objects.filter(external_id__startswith="F-").exists(), "the check wrote nothing"
    services.import_job_start(actor=personas.owner, job=job, skip_errors=False)
    personas.owner.role = "after_sales"
    personas.owner.save()
    runner.run_pending()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "Row 2:" in job.failure and "Nothing was imported" in job.failure
    assert not Account.objects.filter(external_id__startswith="F-").exists()


def deal_snapshot() -> dict:
    """Every deal as values that do not depend on primary keys, with its checklist (status, person) by step."""
    result = {}
    deals = Opportunity.objects.select_related("account", "stage").order_by("external_id")
    for deal in deals.prefetch_related("steps__definition"):
        steps = sorted((s.definition.order, s.status, s.responsible_id, s.due_date) for s in deal.steps.all())
        result[deal.external_id] = (
            deal.name,
            deal.account.name,
            deal.amount,
            deal.stage.number,
            deal.outcome,
            deal.probability,
            deal.sales_owner_id,
            deal.presales_lead_id,
            deal.team_id,
            deal.presales_team_id,
            steps,
            deal.history.count(),
        )
    return result


@pytest.mark.parametrize("make_file", [chinese_file, salesforce_file], ids=["gb18030-steps", "salesforce-closed"])
def test_bulk_deals_with_checklists_match_the_services_path(personas, settings, make_file):
    """The same file through the services (one call per row) and the bulk path: the same deals, stages, owners,
    accounts, amounts, checklists (done up to the deal's step, the same person per step) and counts."""
    for username, display in (("lw88", "李伟"), ("zmin", "张敏")):
        UserFactory(username=username, display_name=display, role=Role.SALES, team=personas.owner.team)
    UserFactory(username="zhaolei", display_name="赵磊", role=Role.PRESALES, team=personas.engineer.team)
    content = make_file()
    settings.PRESALES_IMPORT_BULK_THRESHOLD = 1_000_000
    try:
        with transaction.atomic():
            job = run_import(personas.manager, "opportunities", content)
            assert not bulk.uses_bulk(job.kind, job.total_rows)
            by_services = deal_snapshot()
            counts = (job.planned_created, job.planned_new_accounts, job.created_count, job.error_rows)
            raise _Undo
    except _Undo:
        pass
    settings.PRESALES_IMPORT_BULK_THRESHOLD = 0
    job = run_import(personas.manager, "opportunities", content)
    assert bulk.uses_bulk(job.kind, job.total_rows)
    assert (job.planned_created, job.planned_new_accounts, job.created_count, job.error_rows) == counts
    by_bulk = deal_snapshot()
    assert by_bulk.keys() == by_services.keys() and len(by_bulk) >= 40
    assert all(len(deal[10]) == 24 for deal in by_bulk.values()), "every deal has its 24-step checklist"
    assert sum(status == "done" for deal in by_bulk.values() for _o, status, _p, _d in deal[10]) > 100
    for key, expected in by_services.items():
        assert by_bulk[key] == expected, key


def test_the_bulk_path_knows_every_constraint_of_a_deal():
    """The bulk path evaluates Opportunity's check constraints itself; a new one must be added there."""
    assert {c.name for c in Opportunity._meta.constraints} == bulk.PYTHON_CHECKED_CONSTRAINTS
    deal = Opportunity(probability=120, amount=Decimal("-1"))
    with pytest.raises(ValidationError):
        bulk.BulkOpportunityWriter._check_constraints(deal)


def both_paths(settings, run, snapshot_of):
    """Run an import through the services path (then undo it) and through the bulk path; return both results."""
    settings.PRESALES_IMPORT_BULK_THRESHOLD = 1_000_000
    try:
        with transaction.atomic():
            job = run()
            assert not bulk.uses_bulk(job.kind, job.total_rows)
            by_services = (snapshot_of(), list(job.row_errors.values_list("row_number", "messages")))
            counts = (job.planned_created, job.planned_updated, job.created_count, job.updated_count, job.error_rows)
            raise _Undo
    except _Undo:
        pass
    settings.PRESALES_IMPORT_BULK_THRESHOLD = 0
    job = run()
    assert bulk.uses_bulk(job.kind, job.total_rows)
    by_bulk = (snapshot_of(), list(job.row_errors.values_list("row_number", "messages")))
    assert (job.planned_created, job.planned_updated, job.created_count, job.updated_count, job.error_rows) == counts
    return by_services, by_bulk, counts


def test_bulk_contacts_match_the_services_path(personas, settings):
    AccountFactory(name="Outsider Co", owner=personas.outsider)
    text = "联系人编号,姓名,客户名称,行业,区域,职务,邮箱\n" + "\n".join(
        [
            "C-1,张三,华东银行股份有限公司,,,CIO,zs@example.com",  # an existing account, normalised name
            "C-2,李四,新客户甲,金融,北京,CTO,",  # a new account
            "C-3,王五,新客户甲,金融,北京,架构师,",
            "C-2,李四,新客户甲,金融,北京,CEO,",  # the same ID again: updates the row above
            ",王五,新客户甲,金融,北京,首席架构师,",  # no ID: same account and name: updates C-3
            ",,新客户甲,金融,北京,,",  # no name
            "C-9,赵六,Outsider Co,,,,",  # an account the importer cannot see: a new one would need an industry
            *[f"C-{n},联系人{n},新客户乙,能源,广东,,c{n}@example.com" for n in range(10, 40)],
        ]
    )

    def contacts():
        return sorted(
            (c.external_id, c.name, c.account.name, c.title, c.email, c.version, c.history.count())
            for c in Contact.objects.select_related("account")
        )

    by_services, by_bulk, counts = both_paths(
        settings, lambda: run_import(personas.owner, "contacts", text.encode("utf-8-sig")), contacts
    )
    assert by_bulk == by_services
    assert counts[0] >= 33 and counts[1] == 2 and counts[4] == 2, counts


def test_bulk_activities_match_the_services_path(personas, settings):
    personas.deal.external_id = "D-1"
    personas.deal.save()
    text = "活动编号,类型,日期,工时,项目编号,客户名称,负责人,结果\n" + "\n".join(
        [
            "A-1,拜访,2026-01-05,3,D-1,,,首次拜访",
            "A-2,演示,2026-01-06,2,,华东银行,,",
            "A-1,拜访,2026-01-05,4,D-1,,,改了工时",  # the same ID again: updates A-1
            "A-3,拜访,2026-01-07,2,D-404,,,",  # no such deal
            "A-4,跳舞,2026-01-07,2,D-1,,,",  # unknown type
            "A-5,培训,2026-01-08,1,,没有这个客户,,",  # no such account
            *[f"A-{n},配置,2026-02-{1 + n % 28:02d},1.5,D-1,,engineer,批量{n}" for n in range(10, 40)],
        ]
    )

    def activities():
        return sorted(
            (a.kind, a.date, a.hours, a.outcome, a.owner_id, a.opportunity_id, a.account_id, a.version)
            for a in Activity.objects.all()
        )

    by_services, by_bulk, counts = both_paths(
        settings, lambda: run_import(personas.presales_manager, "activities", text.encode("utf-8-sig")), activities
    )
    assert by_bulk == by_services
    assert counts[4] == 3 and counts[1] == 1, counts
    assert ImportedRecord.objects.filter(external_id="A-39").exists()


def test_bulk_deals_with_bad_rows_check_and_import_agree(personas, settings):
    """A deals file with bad rows: the check (which does not write the checklists) finds the same errors and plans
    the same counts as the import, on both paths; the imported deals' checklists are the services' ones, and every
    step has one "created" history row by the importer with the step's own values."""
    header = "项目编号,项目名称,客户名称,行业,区域,金额,预计签约日期,阶段\n"
    lines = []
    for n in range(12):
        amount = "-5" if n == 3 else ("很多" if n == 7 else str(100000 + n))
        close = "明天" if n == 9 else "2026-12-31"
        stage = ["项目机会分析", "初步接触", "最终报价", "3"][n % 4]
        lines.append(f"BAD-{n},坏行项目 {n},坏行客户{n % 3},金融,上海,{amount},{close},{stage}")
    content = (header + "\n".join(lines) + "\n").encode("utf-8-sig")

    def snapshot() -> dict:
        return {key: value for key, value in deal_snapshot().items() if key.startswith("BAD-")}

    by_services, by_bulk, counts = both_paths(
        settings, lambda: run_import(personas.manager, "opportunities", content), snapshot
    )
    assert by_bulk == by_services
    assert counts == (9, 0, 9, 0, 3), "planned = imported = 9 deals, 3 rows refused"
    assert [number for number, _messages in by_bulk[1]] == [5, 9, 11]
    steps = DealStep.objects.filter(opportunity__external_id__startswith="BAD-")
    assert steps.count() == 9 * 24
    for step in steps.select_related("opportunity"):
        (created,) = step.history.all()
        assert (created.history_type, created.history_user) == ("+", personas.manager)
        assert (created.status, created.responsible_id, created.due_date, created.completed_by_id) == (
            step.status,
            step.responsible_id,
            step.due_date,
            step.completed_by_id,
        )
