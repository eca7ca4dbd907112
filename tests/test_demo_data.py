"""The demo and scale data: the small company through the services, the bulk sizes valid row by row."""

from __future__ import annotations

import dataclasses
import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from presales.customers.models import Account, Contact, Region
from presales.deals.models import (
    FINISHED_STATUSES,
    DealRole,
    DealStep,
    DealTeamMember,
    Opportunity,
    OpportunityCompetitor,
    Outcome,
    StepStatus,
)
from presales.deals.selectors import accountability_board, my_next_steps
from presales.demo import company
from presales.demo.deals import opportunity_problems
from presales.people.models import Role, Skill, Team, User
from presales.playbook.models import AnswerKind

pytestmark = pytest.mark.django_db

# The department layout with fewer rows and several batches, so the bulk path is exercised quickly.
TINY_BULK = dataclasses.replace(
    company.SIZES["department"], name="tiny", accounts=40, opportunities=600, batch_size=250
)


@pytest.mark.usefixtures("small_demo")
@pytest.mark.xdist_group("demo")
class TestSmallDemoCompany:
    """The small company through the services (seeded once per worker by conftest's `small_demo`, several looks)."""

    def test_people_and_teams(self):
        assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
        assert 18 <= User.objects.count() <= 30
        # A sales department under the sales director, a presales manager over presales.
        director = User.objects.get(username="salesmgr")
        assert director.role == Role.SALES_MANAGER
        assert Team.objects.filter(parent__manager=director).count() >= 3
        assert User.objects.get(username="presalesmgr").managed_teams.exists()
        assert User.objects.filter(display_name="王磊", username="sales").exists()
        assert User.objects.filter(team__name="International Sales", language="en").exists()
        assert Skill.objects.filter(name="网络", name_en="Networking").exists()
        assert User.objects.get(username="presales").skills.exists()

    def test_deal_health_columns_equal_the_rows(self):
        from tests.test_deal_health import assert_health_matches_rows

        assert_health_matches_rows()  # every deal walked through the services, closed, moved, reopened

    def test_accounts_and_stakeholders(self):
        assert Account.objects.count() == 60
        assert Account.objects.filter(region=Region.OVERSEAS).exists()
        # Stakeholders form an org chart: one person at the top of each account, the others report to someone.
        assert Contact.objects.filter(reports_to__isnull=False).count() > Account.objects.count()
        for account in Account.objects.all():
            assert account.contacts.filter(reports_to__isnull=True).count() == 1

    def test_deals_in_every_stage_and_outcome(self):
        today = timezone.localdate()
        assert Opportunity.objects.count() == 250
        open_stages = set(Opportunity.objects.open().values_list("stage__number", flat=True))
        assert open_stages == {1, 2, 3, 4, 5, 6}
        closed = Opportunity.objects.closed()
        assert set(closed.values_list("outcome", flat=True)) == {Outcome.WON, Outcome.LOST, Outcome.ABANDONED}
        two_years_ago = today - datetime.timedelta(days=730)
        assert not closed.filter(closed_on__lt=two_years_ago).exists()
        assert not closed.filter(closed_on__gt=today).exists()
        assert not closed.exclude(outcome=Outcome.WON).filter(outcome_reason="").exists()
        assert Opportunity.objects.filter(outcome=Outcome.WON, stage__is_after_sale=True).exists()
        assert OpportunityCompetitor.objects.filter(is_ahead=True).exists()
        for opportunity in Opportunity.objects.select_related("sales_owner", "presales_lead", "stage")[:60]:
            assert opportunity_problems(opportunity, today) == []

    def test_audit_trail(self):
        # The audit trail: deals were moved and closed by different people.
        history = Opportunity.history.all()
        assert history.filter(history_change_reason="stage").exists()
        assert history.filter(history_change_reason="close").exists()
        movers = set(history.filter(history_change_reason="stage").values_list("history_user__role", flat=True))
        assert {Role.SALES, Role.PRESALES} <= movers
        assert Contact.history.exclude(history_user=None).exists()

    def test_every_demo_login_has_something_to_look_at(self):
        assert Opportunity.objects.open().filter(sales_owner__username="sales").count() >= 5
        assert Opportunity.objects.open().filter(presales_lead__username="presales").count() >= 5
        assert DealTeamMember.objects.filter(user__username="commercial", role=DealRole.COMMERCIAL).exists()
        assert DealTeamMember.objects.filter(user__username="aftersales", role=DealRole.AFTER_SALES).exists()

    def test_stage_follows_the_checklist(self):
        """As deals.services.steps._advance: an open deal is at the stage of its first unfinished step."""
        deals = Opportunity.objects.select_related("stage").prefetch_related(
            Prefetch("steps", queryset=DealStep.objects.select_related("definition__stage"))
        )
        for deal in deals:
            steps = sorted(deal.steps.all(), key=lambda step: step.definition.order)
            assert len(steps) == 24, deal.pk
            finished = [step.status in FINISHED_STATUSES for step in steps]
            if deal.outcome == Outcome.WON:
                assert all(step.status == StepStatus.DONE or step.status == StepStatus.SKIPPED for step in steps)
                signed = next(step for step in steps if step.definition.answer_kind == AnswerKind.SIGNED)
                assert signed.status == StepStatus.DONE and signed.answer_date == deal.closed_on
                continue
            first_open = next(step for step in steps if step.status not in FINISHED_STATUSES)
            if deal.outcome == Outcome.OPEN:
                if deal.stage.number == 1:
                    assert not any(finished), deal.pk  # shaping the vision comes before the checklist
                else:
                    assert first_open.definition.stage.number == deal.stage.number, deal.pk
            else:
                # Lost and abandoned deals stop where they stopped; a no-go closes the deal at the go/no-go step.
                last_done = steps[first_open.definition.order - 2] if first_open.definition.order > 1 else None
                stopped_by_no_go = last_done is not None and last_done.answer_choice == "no_go"
                stage_reached = (
                    last_done.definition.stage.number if stopped_by_no_go else first_open.definition.stage.number
                )
                assert stage_reached == deal.stage.number, deal.pk
            # Finished steps form a prefix: nothing is done after the first unfinished step.
            assert not any(finished[first_open.definition.order :]), deal.pk
        no_go = DealStep.objects.filter(definition__answer_kind=AnswerKind.GO_NO_GO, answer_choice="no_go")
        assert no_go.exists()
        assert not no_go.exclude(opportunity__outcome=Outcome.ABANDONED).exists()

    def test_checklists_have_typed_answers_and_realistic_states(self):
        today = timezone.localdate()
        done = DealStep.objects.filter(status=StepStatus.DONE)
        assert done.filter(definition__answer_kind=AnswerKind.BUDGET, answer_amount__gt=0).exists()
        assert (
            done.filter(definition__answer_kind=AnswerKind.GO_NO_GO, answer_choice="go")
            .exclude(answer_data__investment="")
            .exists()
        )
        assert done.filter(definition__answer_kind=AnswerKind.PROCUREMENT, answer_choice="public_tender").exists()
        assert done.filter(definition__answer_kind=AnswerKind.CHAMPION, answer_contact__isnull=False).exists()
        assert done.filter(definition__answer_kind=AnswerKind.ORDER).exclude(answer_data__order_number="").exists()
        assert not done.filter(completed_at__isnull=True).exists()
        # Work was done over weeks, not all at seeding time.
        assert done.filter(completed_at__date__lt=today - datetime.timedelta(days=28)).exists()
        open_steps = DealStep.objects.open()
        # Late is measured among the steps that can be late: those of stages the deals have reached (later-stage
        # steps are upcoming, without a due date).
        actionable = DealStep.objects.actionable()
        overdue = actionable.filter(due_date__lt=today).count()
        assert 0.05 < overdue / actionable.count() < 0.6
        assert not DealStep.objects.upcoming().filter(due_date__isnull=False).exists()
        assert open_steps.filter(status=StepStatus.IN_PROGRESS).count() >= 20
        assert DealStep.objects.filter(status=StepStatus.BLOCKED).exclude(reason="").exists()
        assert DealStep.objects.filter(status=StepStatus.SKIPPED).exclude(reason="").exists()

    def test_demo_logins_have_open_steps(self):

        for username in ("sales", "presales", "commercial", "salesmgr", "presalesmgr"):
            user = User.objects.get(username=username)
            steps = my_next_steps(user)
            assert steps, username
            assert any(step.opportunity.stage.number >= 2 for step in steps), username
        board = accountability_board(User.objects.get(username="salesmgr"))
        assert board.total_open > 100 and board.total_overdue > 0
        assert any(week["done"] for week in board.trend)

    def test_logins_printed_and_rerun_changes_nothing(self, small_demo):
        assert company.DEMO_PASSWORD in small_demo.output
        for username in company.DEMO_LOGINS:
            assert f"  {username} " in small_demo.output
        # Running it again changes nothing and still prints the logins.
        counts = (User.objects.count(), Account.objects.count(), Contact.objects.count(), Opportunity.objects.count())
        again = io.StringIO()
        call_command("seed_demo", "--size", "small", stdout=again, stderr=io.StringIO())
        assert "already loaded" in again.getvalue()
        assert "salesmgr" in again.getvalue()
        assert counts == (
            User.objects.count(),
            Account.objects.count(),
            Contact.objects.count(),
            Opportunity.objects.count(),
        )


def test_bulk_rows_are_what_the_services_would_accept():
    ctx = company.generate(TINY_BULK, seed=3, stdout=io.StringIO(), stderr=None)
    assert ctx is not None
    today = timezone.localdate()
    assert Opportunity.objects.count() == 600
    assert Account.objects.count() == 40
    rows = list(Opportunity.objects.select_related("sales_owner", "presales_lead", "stage", "account"))
    for opportunity in random.Random(1).sample(rows, 150):
        assert opportunity_problems(opportunity, today) == [], opportunity.pk
        assert opportunity.account.team_id == opportunity.account.owner.team_id
    for member in DealTeamMember.objects.select_related("user", "opportunity")[:100]:
        member.full_clean()
        assert member.role != DealRole.COMMERCIAL or member.user.role == Role.COMMERCIAL
    for contact in Contact.objects.select_related("account", "reports_to")[:100]:
        contact.full_clean()
    for link in OpportunityCompetitor.objects.all()[:100]:
        link.full_clean()
    assert set(Opportunity.objects.open().values_list("stage__number", flat=True)) >= {2, 3, 4, 5, 6}
    assert Opportunity.objects.open().filter(sales_owner__username="sales").exists()


def _snapshot(seed: int) -> tuple[list, list, list]:
    """Generate inside a transaction that is rolled back, and return what a person would see."""
    with transaction.atomic():
        company.generate(TINY_BULK, seed=seed, stdout=io.StringIO(), stderr=None)
        snapshot = (
            list(User.objects.order_by("username").values_list("username", "display_name", "team__name")),
            list(Account.objects.order_by("pk").values_list("name", "owner__username")),
            list(Opportunity.objects.order_by("pk").values_list("name", "amount", "outcome", "stage__number")),
        )
        transaction.set_rollback(True)
    return snapshot


def test_same_seed_same_company():
    first = _snapshot(seed=7)
    assert Opportunity.objects.count() == 0  # rolled back
    assert _snapshot(seed=7) == first
    assert _snapshot(seed=8)[2] != first[2]


def test_generators_run_in_order_and_read_what_earlier_ones_made(monkeypatch):
    assert [name for name, _generator in company.GENERATORS] == [
        "people",
        "currencies",
        "customers",
        "competitors",
        "deals",
        "work",
        "knowledge",
        "bids",
        "winning",
        "scoring",
        "approvals",
        "capacity",
        "forecast",
    ]
    seen = {}

    def generate_activities(ctx):
        seen["accounts"] = len(ctx.accounts)
        seen["presales"] = ctx.logins["presales"].username

    monkeypatch.setattr(company, "GENERATORS", [*company.GENERATORS[:5], ("activities", generate_activities)])
    company.generate(dataclasses.replace(TINY_BULK, opportunities=20), stdout=io.StringIO(), stderr=None)
    assert seen == {"accounts": 40, "presales": "presales"}
