"""The audit walk (issue 16, item 6): every service function that writes leaves a history row for what it wrote.

How it works: every public function of every `services` module (and `people.tokens`, where the API token services
live) is found by introspection and wrapped, wherever a module holds a reference to it. While a wrapped service
runs, every SQL statement is classified: a write (INSERT, UPDATE, DELETE) to a table, and an INSERT into a history
table (simple_history's `<app>_historical<model>`). A tiny demo company is then loaded through the services, and a
few scenarios below call the services the demo does not reach. The walk fails when

- a service wrote to a table and did not insert a history row for that table in the same call (who, when, before,
  after are all on that row), unless the table is in NOT_AUDITED with its reason;
- a service was never called, unless it is in NOT_WRITING (it only reads or computes) with its reason.

A new service is therefore covered the day it is written: the walk calls it (through the demo or a scenario here)
or fails.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import inspect
import io
import pkgutil
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.utils import timezone
from openpyxl import Workbook

import presales
from presales.approvals import services as approvals
from presales.approvals.models import ApprovalDelegation, ApprovalFlow
from presales.bids import services as bids
from presales.currencies import services as currencies
from presales.customers import services as customers
from presales.customers.models import Contact
from presales.deals.models import DealConflict, DealStep, Opportunity, ProductLine
from presales.deals.services import checklist, competitors, conflicts, opportunities, reminders, steps, team
from presales.demo import company
from presales.demo.context import SizeSpec
from presales.documents import services as documents
from presales.documents.models import DocumentFormat, DocumentKind
from presales.forecast import services as forecast
from presales.forecast.periods import Period
from presales.integration import runner
from presales.integration import services as integration
from presales.knowledge import services as knowledge
from presales.notifications import services as notifications
from presales.people import services as people
from presales.people import tokens
from presales.people.models import Skill, Team, TeamKind, User
from presales.people.tokens import TokenScope
from presales.playbook import services as playbook
from presales.playbook.models import Stage
from presales.scoring import services as scoring
from presales.scoring.models import ScoringPeriod, ScoringWeights
from presales.staff import services as staff
from presales.winning import learning
from presales.winning import services as winning
from presales.work import services as work
from presales.work.models import Activity, SupportRequest
from tests import import_steps
from tests.conftest import _ensure_migration_data

pytestmark = pytest.mark.django_db

# Functions in services modules that write nothing a person changed: each with why.
NOT_WRITING = {
    "bids.services.compliance_summary": "counts deviation rows for the tender page (a read)",
    "bids.services.poc_for_share_token": "finds the POC behind a customer link (a read)",
    "integration.services.allowed_kinds": "the import kinds a person may use (a read)",
    "knowledge.services.pack_industries": "normalises a list of industries for a form (no database)",
    "work.services.response_target_for": "looks up the response-time target of an amount (a read)",
    "work.services.presales_managers_for": "the presales managers to notify (a read)",
    "scoring.services.weights_get": "the scoring weights, created with defaults on first read by a data migration",
    "deals.services.answers.answer_type": "the answer kind of a step (no database)",
    "deals.services.answers.answer_form": "builds the answer form of a step (no database)",
    "deals.services.gates.signed_gate": "checks that a deal may be marked won (raises or returns)",
    "deals.services.gates.skip_gate": "checks that a step may be skipped (raises or returns)",
    "deals.services.answers.write": "serialises an answer value for a step (no database); the caller saves it",
    "deals.services.checklist.due_dates": "computes due dates (no database)",
    "deals.services.checklist.notify_assignments": "sends notifications only (a Notification is not audited, below)",
    "deals.services.responsibility.resolve_responsible": "who is responsible for a step (a read)",
    "deals.services.conflicts.deal_conflicts_for": "the deal conflicts shown on a deal page (a read)",
    "people.tokens.api_token_authenticate": "checks a token; its only write is the last-used stamp (NOT_AUDITED)",
    "winning.services.technical_figures_store": "keeps the technical win dashboard's figures computed for one "
    "person (a derived cache of audited verdicts and deals, replaced when stale; no person changes it)",
}

# Tables services write without a history of their own: each with why.
NOT_AUDITED = {
    "notifications_delivery": "how a notification was sent (in-app, e-mail): delivery bookkeeping of a message",
    "notifications_notification": "a message to one person, itself the record of what happened; not business data",
    "people_apitoken.last_used_at": "the last-used stamp (once a minute at most): a usage counter, not a change",
    "integration_importrow": "the rows of an import file as read; the import job (audited) records who and when",
    "ops_jobrun": "a background job's run record (no person changes it)",
    "winning_dealwinprobability": "a figure the worker derives from the model in use, replaced on every scoring run; "
    "the model's own history says who trained it and when",
    "deals_opportunity.health": "the deal's health columns (deals.health.refresh_health): derived from its steps and "
    "history, which are audited, and kept by a queryset update that no person makes",
    "capacity_forecastrun": "a computation of the capacity forecast by the worker and its stored result (no business "
    "data; who asked for it is on the row)",
}
# Tables whose writes simple_history cannot see and are audited another way: each with where.
AUDITED_ELSEWHERE = {
    "customers_accountmerge": "it is itself the merge's audit record (who, when, why, what moved), append-only; both "
    "accounts and every moved row get a history row with the same reason (checked alongside)",
    "scoring_visitquotachange": "it is itself the quota's audit trail: who (changed_by), when (changed_at), before "
    "(previous_quota), after (quota), append-only; the engineer's quota on the user row has its own history",
    "documents_documentdownload": "it is itself the audit record of a document given to a person: who (user), when "
    "(downloaded_at), what (kind, format, object, language), append-only",
    "forecast_snapshotrow": "a weekly snapshot's rows, written once with their snapshot and never changed; when it was "
    "taken is on the snapshot's history row (forecast_historicalsnapshot)",
    "scoring_scorecardsnapshot": "figures frozen when a period closes (and dropped when it reopens); who closed or "
    "reopened it, when and why is on the period's history (scoring_historicalscoringperiod, checked alongside)",
}

TRACKED_LINKS: dict[str, str] = {}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
UPDATE_COLUMNS = re.compile(r"\bSET\s+(.*?)\s+WHERE\b", re.I | re.S)
# deals.health.refresh_health's UPDATE, which sets the health columns only, the stage entry first.
HEALTH_UPDATE = re.compile(r'^\s*UPDATE\s+"?deals_opportunity"?\s+SET\s+"?stage_entered_at"?\s*=', re.I)


def _tracked_link_tables() -> dict[str, str]:
    """Many-to-many link tables whose owner's history keeps them (HistoricalRecords(m2m_fields=...)): a change of
    the links is a new history row of the owner, with the links as they then are."""
    tracked = {}
    for model in apps.get_models():
        history_model = getattr(getattr(model, "history", None), "model", None)
        for m2m in getattr(history_model, "_history_m2m_fields", ()):
            tracked[m2m.remote_field.through._meta.db_table] = history_model._meta.db_table
    return tracked


def _history_table(table: str) -> str | None:
    if table in TRACKED_LINKS:
        return TRACKED_LINKS[table]
    app, _, model = table.partition("_")
    if model.startswith("historical"):
        return None
    return f"{app}_historical{model}"


@dataclass
class Call:
    name: str
    writes: set[str] = field(default_factory=set)
    history: set[str] = field(default_factory=set)


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)
    stack: list[Call] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def execute(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        match = WRITE.match(sql) if self.stack else None
        # An UPDATE or DELETE that matched no row (Django's SET NULL and cascades run one per relation) wrote nothing.
        # (An INSERT ... RETURNING reports no row count before its rows are read, so only these two are checked.)
        if match and not many and not match.group(1).upper().startswith("INSERT") and context["cursor"].rowcount == 0:
            match = None
        if match:
            table = match.group(2).lower()
            if _history_table(table) is None:
                for call in self.stack:
                    call.history.add(table)
            else:
                label = table
                if match.group(1).upper() == "UPDATE" and table == "people_apitoken":
                    columns = UPDATE_COLUMNS.search(sql)
                    if columns and columns.group(1).count("=") == 1 and "last_used_at" in columns.group(1):
                        label = "people_apitoken.last_used_at"
                if HEALTH_UPDATE.match(sql):
                    label = "deals_opportunity.health"
                for call in self.stack:
                    call.writes.add(label)
        return result

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            call = Call(name)
            self.counts[name] += 1
            self.stack.append(call)
            try:
                return function(*args, **kwargs)
            finally:
                self.stack.pop()
                self.calls.append(call)

        return wrapper


def service_modules() -> list[Any]:
    modules = [importlib.import_module("presales.people.tokens")]
    for app in pkgutil.iter_modules(presales.__path__):
        try:
            module = importlib.import_module(f"presales.{app.name}.services")
        except ModuleNotFoundError:
            continue
        modules.append(module)
        if hasattr(module, "__path__"):  # a services/ package: each subject module
            for sub in pkgutil.iter_modules(module.__path__):
                modules.append(importlib.import_module(f"{module.__name__}.{sub.name}"))
    return modules


def discover_services() -> dict[str, Callable[..., Any]]:
    """Every public function defined in a services module, by its dotted name below `presales.`."""
    found = {}
    for module in service_modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            found[f"{module.__name__.removeprefix('presales.')}.{name}"] = function
    return found


@contextmanager
def instrumented(services: dict[str, Callable[..., Any]]) -> Iterator[Recorder]:
    """Wrap every service wherever a presales module (or this test) holds it, and watch the SQL."""
    recorder = Recorder()
    by_identity = {id(function): (name, recorder.wrap(name, function)) for name, function in services.items()}
    patched: list[tuple[Any, str, Any]] = []
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name.startswith("presales.") or module_name.startswith("tests.")):
            continue
        for attribute, value in list(vars(module).items()):
            if id(value) in by_identity and inspect.isfunction(value):
                patched.append((module, attribute, value))
                setattr(module, attribute, by_identity[id(value)][1])
    try:
        with connection.execute_wrapper(recorder.execute):
            yield recorder
    finally:
        for module, attribute, value in patched:
            setattr(module, attribute, value)


# As SIZES["small"] (services, the small layout), with one of each person and a few records.
TINY = SizeSpec("tiny", 1, 1, 1, 2, 1, 1, 6, 16, (2, 3), True, sales_layout="small")


def run_scenarios(ctx: Any) -> None:
    """Call the services the demo does not reach, as the pages, the API and the scheduled jobs would."""
    admin = User.objects.get(username="admin")
    psm = User.objects.get(username="presalesmgr")
    engineer = User.objects.get(username="presales")
    deal = Opportunity.objects.filter(closed_on__isnull=True, account__owner=F("sales_owner")).first()
    assert deal is not None
    owner = deal.sales_owner
    upload = SimpleUploadedFile

    # People: a preference, a team, a skill level, a token made and revoked (used in between).
    people.user_update_preferences(user=owner, display_name="Walk Owner")
    people.team_create(actor=admin, name="Audit team", kind=TeamKind.PRESALES)
    people.user_set_skill(actor=psm, user=engineer, skill=Skill.objects.first(), level=1)
    token, secret = tokens.api_token_create(user=owner, name="walk", scope=TokenScope.WRITE)
    assert tokens.api_token_authenticate(secret) == token
    tokens.api_token_revoke(actor=owner, token=token)

    # Customers: an account edit; a contact others report to and who answered a step, then deleted.
    account = deal.account
    customers.account_update(actor=owner, account=account, expected_version=account.version, city="Walk City")
    boss = customers.contact_create(actor=owner, account=account, name="Boss Walk")
    report = Contact.objects.filter(account=account).exclude(pk=boss.pk).first()
    customers.contact_update(actor=owner, contact=report, expected_version=report.version, reports_to=boss)
    DealStep.objects.filter(pk=DealStep.objects.filter(opportunity=deal).first().pk).update(answer_contact=boss)
    customers.contact_delete(actor=owner, contact=boss)

    # Bids: tender parts, deviation rows (one by one and imported), the submission checklist, a POC.
    tender = bids.tender_create(
        actor=owner, opportunity=deal, title="Walk tender", submission_deadline=timezone.now() + datetime.timedelta(7)
    )
    section = bids.tender_section_add(actor=owner, tender=tender, name="Walk", kind="technical", owner=None)
    bids.tender_section_toggle(actor=owner, section=section)
    question = bids.tender_question_add(actor=owner, tender=tender, question="Walk?")
    bids.tender_question_answer(actor=owner, entry=question, answer="Yes.")
    bids.tender_question_save_to_knowledge(actor=admin, entry=question)
    row = bids.deviation_add(actor=owner, tender=tender, table="technical", requirement="Walk")
    bids.deviation_update(actor=owner, row=row, response="Fully", compliance="compliant")
    bids.deviation_delete(actor=owner, row=row)
    workbook = Workbook()
    workbook.active.append(["序号", "条款号", "招标文件要求", "投标文件响应", "偏离情况", "说明"])
    workbook.active.append([1, "3.1", "Walk requirement", "OK", "无偏离", ""])
    sheet = io.BytesIO()
    workbook.save(sheet)
    bids.deviation_import(actor=owner, tender=tender, table="commercial", upload=upload("r.xlsx", sheet.getvalue()))
    item = bids.submission_item_add(actor=owner, tender=tender, name="Walk item")
    bids.submission_item_tick(actor=owner, item=item, upload=upload("proof.txt", b"signed receipt"))
    bids.submission_item_untick(actor=owner, item=item)
    bids.tender_update(actor=owner, tender=tender, expected_version=tender.version, title="Walk tender 2")
    case = bids.test_case_create(actor=engineer, title="Walk case", validation="It works")
    poc = bids.poc_create(
        actor=owner,
        opportunity=deal,
        title="Walk POC",
        lead=engineer,
        start_date=ctx.today,
        end_date=ctx.today + datetime.timedelta(days=14),
        test_cases=[case],
    )
    bids.poc_update(actor=owner, poc=poc, expected_version=poc.version, title="Walk POC 2")
    criterion = bids.poc_criterion_add(actor=owner, poc=poc, title="Walk criterion", validation="seen")
    bids.poc_criterion_record(actor=owner, criterion=criterion, result="passed", notes="fine")
    bids.poc_share_create(actor=owner, poc=poc)
    bids.poc_share_revoke(actor=owner, poc=poc)
    gap = bids.product_gap_create(actor=owner, opportunity=deal, title="Walk gap", severity="challenge")
    bids.product_gap_set_status(actor=admin, gap=gap, status="planned")

    # Knowledge: an item edited, a file added and removed, the item deleted.
    rival = competitors.competitor_create(actor=admin, name="Walk rival")
    knowledge_item = knowledge.knowledge_item_create(
        actor=engineer, kind="battlecard", title="Walk card", competitors=[rival]
    )
    knowledge.knowledge_item_update(
        actor=engineer, item=knowledge_item, expected_version=knowledge_item.version, title="Walk card 2"
    )
    attachment = knowledge.knowledge_attachment_add(
        actor=engineer, item=knowledge_item, upload=upload("note.txt", b"hello")
    )
    knowledge.knowledge_attachment_delete(actor=engineer, attachment=attachment)
    knowledge.knowledge_use_record(actor=engineer, item=knowledge_item, opportunity=deal, note="walk")
    knowledge.knowledge_item_delete(actor=engineer, item=knowledge_item)

    # Deals: competitors, the deal team, closing and reopening, a step reassigned, the playbook move.
    competitor = competitors.competitor_create(actor=admin, name="Walk competitor")
    competitors.competitor_update(
        actor=admin, competitor=competitor, expected_version=competitor.version, strengths="x"
    )
    walk_reason = competitors.outcome_reason_create(
        actor=admin, name="走查原因", name_en="Walk reason", applies_to="lost"
    )
    competitors.outcome_reason_update(actor=admin, reason=walk_reason, expected_version=walk_reason.version, order=5)
    link = competitors.deal_competitor_add(actor=owner, opportunity=deal, competitor=competitor)
    competitors.deal_competitor_remove(actor=owner, link=link)
    member = team.deal_member_add(actor=owner, opportunity=deal, user=engineer, role="presales_member")
    team.deal_member_remove(actor=owner, member=member)
    deal.refresh_from_db()
    opportunities.opportunity_close(
        actor=owner, opportunity=deal, outcome="lost", reason="price", expected_version=deal.version
    )
    deal.refresh_from_db()
    opportunities.opportunity_reopen(actor=admin, opportunity=deal, expected_version=deal.version)
    open_step = DealStep.objects.filter(opportunity=deal).exclude(status="done").first()
    steps.deal_step_reassign(actor=admin, step=open_step, user=engineer)
    checklist.ensure_deal_playbook(deal)
    reminders.send_step_reminders(today=ctx.today + datetime.timedelta(days=60))

    # Playbook: a draft with a step added, changed and removed, published; a deal moved onto it.
    draft = playbook.playbook_draft_create(actor=psm)
    first = draft.steps.get(order=1)
    playbook.step_definition_update(actor=psm, step=first, expected_version=first.version, name_en="Walk")
    playbook.step_definition_delete(actor=psm, step=draft.steps.order_by("-order").first())
    playbook.step_definition_create(
        actor=psm,
        playbook=draft,
        order=2,
        key="walk_step",
        name_zh="走查",
        name_en="Walk step",
        responsible_role="presales",
        consulted_roles=[],
        stage=Stage.objects.get(number=2),
        answer_kind="contact",
        due_rule="after_previous",
        due_days=5,
    )
    playbook.playbook_publish(actor=psm, playbook=draft)
    checklist.deal_playbook_move(actor=owner, opportunity=deal, version=draft)

    # Work: an activity edited; requests completed and cancelled; the escalation job.
    activity = Activity.objects.filter(owner=engineer).first()
    work.activity_update(
        actor=engineer, activity=activity, expected_version=activity.version, outcome="Walk", participants=[psm]
    )
    started = SupportRequest.objects.filter(status="in_progress").first()
    if started is not None:
        work.request_complete(actor=started.assignee, request=started)
    waiting = SupportRequest.objects.filter(status__in=["new", "triaged"]).first()
    work.request_cancel(actor=psm, request=waiting, reason="walk")
    work.requests_escalate_forgotten(now=timezone.now() + datetime.timedelta(days=30))

    # Scoring: the rubric, the weights, a period reopened, the rating reminders.
    dimension = scoring.dimension_create(actor=psm, key="walk", name="走查", order=99)
    scoring.dimension_update(actor=psm, dimension=dimension, expected_version=dimension.version, name="走查 2")
    weights = ScoringWeights.objects.get()
    scoring.weights_update(
        actor=admin, expected_version=weights.version, results=40, visits=20, capability=20, rating=20
    )
    start = ctx.today.replace(day=1) - datetime.timedelta(days=1)
    closed = ScoringPeriod.objects.filter(status="closed").first() or scoring.period_close(
        actor=psm, kind="month", start=start
    )
    reopened = scoring.period_reopen(actor=psm, period=closed, reason="walk")
    scoring.period_close(actor=psm, kind=reopened.kind, start=reopened.start)
    scoring.send_rating_reminders(today=ctx.today + datetime.timedelta(days=30))

    # Integration: an import checked and run; another cancelled, then retried.
    accounts_csv = "客户编号,客户名称,行业,区域,城市,负责人,网站\nW1,走查公司,finance,east,上海,,\n".encode("utf-8-sig")
    job = integration.import_job_create(actor=admin, kind="accounts", upload=upload("a.csv", accounts_csv))
    job = import_steps.queue_check(admin, job)  # the worker scans; columns and values kept (set_mapping, set_values)
    runner.run_pending()
    job.refresh_from_db()
    integration.import_job_start(actor=admin, job=job, skip_errors=True)
    runner.run_pending()
    second = integration.import_job_create(actor=admin, kind="accounts", upload=upload("b.csv", accounts_csv))
    second = import_steps.queue_check(admin, second)
    integration.import_job_cancel(actor=admin, job=second)
    second.refresh_from_db()
    integration.import_job_retry(actor=admin, job=second)

    # Staff: a person invited, changed, handed over, deactivated and back; a team made and renamed.
    newcomer = staff.person_invite(
        actor=admin,
        username="walk.newcomer",
        base_url="http://testserver",
        display_name="Walk Newcomer",
        email="walk.newcomer@example.com",
        role="sales",
        skill_levels={Skill.objects.first(): 3},
    )
    staff.person_invitation_resend(actor=admin, person=newcomer, base_url="http://testserver")
    staff.person_update(actor=admin, person=newcomer, display_name="Walk Newcomer 2")
    staff.work_hand_over(actor=admin, person=owner, sales_owner=User.objects.get(username="salesmgr"))
    staff.person_deactivate(actor=admin, person=newcomer, reason="walk")
    staff.person_reactivate(actor=admin, person=newcomer)
    walk_team = staff.team_save(actor=admin, name="Walk team", kind=TeamKind.SALES, manager=None, parent=None)
    staff.team_save(actor=admin, team=walk_team, name="Walk team 2", kind=TeamKind.SALES, manager=None, parent=None)

    # Notifications: the e-mail choice, and a chat robot paused, resumed and removed.
    notifications.email_choice_set(actor=owner, enabled=False)
    robot = notifications.chat_robot_create(
        actor=owner,
        platform="wecom",
        name="Walk robot",
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=walk",
    )
    notifications.chat_robot_set_enabled(actor=owner, robot=robot, enabled=False)
    notifications.chat_robot_set_enabled(actor=owner, robot=robot, enabled=True)
    notifications.chat_robot_delete(actor=owner, robot=robot)

    # Currencies: a rate added and removed.
    rate = currencies.rate_create(
        actor=admin, currency="USD", rate=Decimal("7.1"), valid_from=ctx.today + datetime.timedelta(days=400)
    )
    currencies.rate_delete(actor=admin, exchange_rate=rate, reason="walk")

    # Sign-in: two-factor required for a role and no longer; an account unlocked.
    people.mfa_requirement_set(actor=admin, role="sales", required=True)
    people.mfa_requirement_set(actor=admin, role="sales", required=False)
    people.user_signin_unlock(actor=admin, user=owner)

    # The import's bulk checklist and "done up to a step" (a deal brought in from another system).
    imported = Opportunity.objects.create(
        name="Walk imported deal",
        account=deal.account,
        sales_owner=admin,
        stage=deal.stage,
        amount=Decimal("1000"),
        expected_close_date=ctx.today + datetime.timedelta(days=60),
    )
    checklist.deal_playbooks_start_bulk(opportunities=[imported], actor=admin, done_before={}, reason="walk")
    checklist.deal_steps_done_before(actor=admin, opportunity=imported, order=3, reason="walk")

    # Duplicates: an account entered twice is merged; 撞单 flagged by a second rep's deal and resolved.
    twin = customers.account_create(
        actor=admin, name="Walk twin Co., Ltd.", industry=account.industry, region=account.region, owner=owner
    )
    customers.contact_create(actor=owner, account=twin, name="Twin contact")
    customers.account_merge(actor=admin, survivor=account, merged=twin, reason="walk")
    line = ProductLine.objects.create(name="Walk line", name_en="Walk line EN")
    opportunities.opportunity_update(actor=owner, opportunity=deal, expected_version=None, product_line=line)
    opportunities.opportunity_create(
        actor=admin,
        account=deal.account,
        name="Walk rival deal",
        sales_owner=admin,
        product_line=line,
        expected_close_date=ctx.today + datetime.timedelta(days=90),
    )
    conflict = DealConflict.objects.get(first=deal)
    conflicts.deal_conflict_resolve(actor=admin, conflict=conflict, resolution="both", reason="walk")

    # Documents: a POC sign-off downloaded as PDF (the page does this on every download).
    documents.document_download_record(
        actor=owner,
        kind=DocumentKind.POC_SIGNOFF,
        file_format=DocumentFormat.PDF,
        object_id=1,
        object_label="walk",
        language="en",
    )
    # Approvals: a flow's conditions changed; a delegation ended early.
    flow = ApprovalFlow.objects.order_by("pk").first()
    assert flow is not None
    approvals.approval_flow_update(actor=admin, flow=flow, expected_version=None, min_amount=Decimal("4000000"))
    delegation = ApprovalDelegation.objects.order_by("pk").first()
    assert delegation is not None
    approvals.approval_delegation_end(actor=admin, delegation=delegation)
    # The win model: a model trained on made-up history scores the open deals (the tiny demo has too little).
    history = [
        learning.Snapshot(
            deal=index,
            day=ctx.today - datetime.timedelta(days=200 - index),
            closed_on=ctx.today - datetime.timedelta(days=190 - index),
            won=index % 2 == 0,
            features={name: 0.0 for name in learning.NUMERIC}
            | {name: "none" for name in learning.CATEGORICAL}
            | {"technical_verdict": "win" if index % 2 == 0 else "loss"},
        )
        for index in range(60)
    ]
    trained = learning.train(history, {})
    model = winning.win_model_request(actor=admin)
    assert trained.bundle is not None
    winning.deal_probabilities_refresh(model=model, bundle=trained.bundle)
    # Forecast: a stage's category, a deal's category set and cleared, a quota set and removed, a manager's call,
    # this week's snapshot (the scheduled job).
    forecast.stage_category_set(actor=admin, stage=Stage.objects.get(number=3), category="best_case")
    open_deal = Opportunity.objects.filter(outcome="open").select_related("sales_owner").order_by("pk").first()
    forecast.category_override_set(actor=open_deal.sales_owner, opportunity=open_deal, category="commit", note="walk")
    forecast.category_override_clear(actor=admin, opportunity=open_deal)
    quarter = Period.containing("quarter", ctx.today)
    sales_team = Team.objects.filter(kind=TeamKind.SALES, manager__isnull=False).first()
    forecast.quota_set(actor=admin, period=quarter.shifted(2), amount=Decimal("1000000"), team=sales_team)
    forecast.quota_set(actor=admin, period=quarter.shifted(2), amount=None, team=sales_team)
    forecast.manager_call_set(actor=admin, team=sales_team, period=quarter.shifted(2), amount=Decimal("1"), note="w")
    forecast.snapshot_take(today=ctx.today)

    # Notifications: read, and forgotten with the rows they pointed to.
    notifications.notification_mark_read(actor=owner)
    notifications.notifications_forget(target_type="deals.opportunity", target_ids=[deal.pk])


def test_every_service_that_writes_leaves_a_history_row(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _ensure_migration_data()
    TRACKED_LINKS.update(_tracked_link_tables())
    services = discover_services()
    unknown = set(NOT_WRITING) - set(services)
    assert not unknown, f"NOT_WRITING names services that no longer exist: {sorted(unknown)}"
    with instrumented(services) as recorder:
        ctx = company.generate(TINY, seed=7, stdout=io.StringIO(), stderr=None)
        run_scenarios(ctx)

    never_called = sorted(set(services) - set(recorder.counts) - set(NOT_WRITING))
    missing: dict[str, set[str]] = defaultdict(set)
    for call in recorder.calls:
        for table in call.writes:
            if table in NOT_AUDITED:
                continue
            if table == "scoring_scorecardsnapshot":
                table = "scoring_scoringperiod"  # the snapshot's audit is its period's history row
            elif table in AUDITED_ELSEWHERE:
                continue
            if _history_table(table) not in call.history:
                missing[call.name].add(table)
    problems = [f"never called (add a scenario or a NOT_WRITING reason): {name}" for name in never_called]
    problems += [f"{name} wrote without a history row: {', '.join(sorted(tables))}" for name, tables in missing.items()]
    assert not problems, "\n".join(sorted(problems))
