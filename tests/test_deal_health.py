"""The deal's health columns (deals.health): after every kind of write they equal what the rows say, refreshing them
leaves the deal's version, stamps and history alone, and the dashboard's risks and the deal list's `risk` filter give
the same deals as the subqueries over steps and history they replaced."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, DateTimeField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presales.deals import health
from presales.deals import services as deal_services
from presales.deals.models import (
    OPEN_STATUSES,
    QUALIFICATION_KINDS,
    DealStep,
    Opportunity,
    Outcome,
    StepStatus,
)
from presales.demo import company
from presales.demo.checklists import demo_clock
from presales.insights import selectors
from presales.insights.forms import InsightFilters, default_period
from presales.people.models import Role
from presales.playbook.models import Stage
from tests.factories import AccountFactory, OpportunityFactory, UserFactory
from tests.factories.deals import pass_go_no_go

pytestmark = pytest.mark.django_db


# --- The computation from the rows, written independently of deals.health ----------------------------------------


def expected_health() -> dict[int, tuple[datetime.datetime, datetime.date | None, int]]:
    """Every deal's (stage entered, earliest open due date, qualification steps not done), from its rows in Python."""
    history: dict[int, list[tuple[int, datetime.datetime]]] = defaultdict(list)
    for deal_id, stage_id, moment in Opportunity.history.values_list("id", "stage_id", "history_date"):
        history[deal_id].append((stage_id, moment))
    steps: dict[int, list[DealStep]] = defaultdict(list)
    for step in DealStep.objects.select_related("definition__stage"):
        steps[step.opportunity_id].append(step)
    result = {}
    for deal in Opportunity.objects.select_related("stage"):
        records = history[deal.pk]
        # Entered with the first record in the current stage after the last one in another stage.
        left = max((moment for stage_id, moment in records if stage_id != deal.stage_id), default=None)
        entered = min(
            (m for stage_id, m in records if stage_id == deal.stage_id and (left is None or m > left)),
            default=deal.created_at,
        )
        dues = [s.due_date for s in steps[deal.pk] if s.status in OPEN_STATUSES and s.due_date is not None]
        missing = sum(
            1
            for s in steps[deal.pk]
            if s.definition.answer_kind in QUALIFICATION_KINDS
            and s.definition.stage.number <= deal.stage.number
            and s.status != StepStatus.DONE
        )
        result[deal.pk] = (entered, min(dues, default=None), missing)
    return result


def assert_health_matches_rows() -> None:
    expected = expected_health()
    stored = {
        pk: (entered, earliest, missing)
        for pk, entered, earliest, missing in Opportunity.objects.values_list(
            "pk", "stage_entered_at", "earliest_open_due_date", "missing_qualification_steps"
        )
    }
    wrong = {pk: (stored[pk], expected[pk]) for pk in expected if stored[pk] != expected[pk]}
    assert not wrong, f"stored != from rows: {wrong}"
    assert health.drifted_deals() == []


# The expressions the dashboard and the deal list used before the columns (presales 89fc360), kept as the reference.


def old_has_overdue_steps(today: datetime.date) -> Exists:
    return Exists(DealStep.objects.filter(opportunity=OuterRef("pk"), status__in=OPEN_STATUSES, due_date__lt=today))


def old_misses_qualification() -> Exists:
    return Exists(
        DealStep.objects.filter(
            opportunity=OuterRef("pk"),
            definition__answer_kind__in=QUALIFICATION_KINDS,
            definition__stage__number__lte=OuterRef("stage__number"),
        ).exclude(status=StepStatus.DONE)
    )


def old_deals_at_risk(user: Any, f: InsightFilters, limit: int = 25) -> list[tuple]:
    history = Opportunity.history.model
    today = f.as_of
    left_previous = history.objects.filter(id=OuterRef("id")).exclude(stage_id=OuterRef("stage_id"))
    entered = history.objects.filter(
        id=OuterRef("pk"),
        stage_id=OuterRef("stage_id"),
        history_date__gt=Coalesce(
            Subquery(left_previous.order_by("-history_date").values("history_date")[:1]),
            Value(datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), output_field=DateTimeField()),
        ),
    )
    stalled_before = datetime.datetime.combine(
        today - datetime.timedelta(days=selectors.STALLED_AFTER_DAYS), datetime.time.min, tzinfo=datetime.UTC
    )
    overdue_steps = DealStep.objects.filter(
        opportunity=OuterRef("pk"), status__in=OPEN_STATUSES, due_date__lt=today
    ).values("opportunity")
    missing = DealStep.objects.filter(
        opportunity=OuterRef("pk"),
        definition__answer_kind__in=QUALIFICATION_KINDS,
        definition__stage__number__lte=OuterRef("stage__number"),
    ).exclude(status=StepStatus.DONE)
    queryset = (
        selectors.deals(user, f)
        .filter(outcome=Outcome.OPEN)
        .annotate(
            overdue=Coalesce(
                Subquery(overdue_steps.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0
            ),
            missing=Coalesce(Subquery(missing.values("opportunity").annotate(n=Count("pk")).values("n")[:1]), 0),
            stage_since=Coalesce(
                Subquery(entered.order_by("history_date").values("history_date")[:1]), F("created_at")
            ),
        )
        .filter(Q(overdue__gt=0) | Q(missing__gt=0) | Q(stage_since__lt=stalled_before))
        .order_by("-amount", "pk")
    )
    return [
        (d.name, d.overdue, d.missing, (today - d.stage_since.date()).days, d.stage_since < stalled_before)
        for d in queryset[:limit]
    ]


# --- Helpers ------------------------------------------------------------------------------------------------------

# Cleaned answers of a few steps of the default playbook, by order: budget, go/no-go, signed, the last step.
ANSWERS: dict[int, dict[str, Any]] = {
    3: {"status": "approved", "amount": Decimal("500000")},
    5: {"decision": "go", "investment": "normal", "reason": "ok"},
    23: {"date": datetime.date(2026, 1, 5), "amount": Decimal("880000")},
    24: {},
}


def step(deal: Opportunity, order: int) -> DealStep:
    return DealStep.objects.select_related("opportunity", "definition").get(opportunity=deal, definition__order=order)


def fresh(deal: Opportunity) -> Opportunity:
    return Opportunity.objects.select_related("stage").get(pk=deal.pk)


def stage(number: int) -> Stage:
    return Stage.objects.get(number=number)


# --- (a) every kind of write --------------------------------------------------------------------------------------


def test_every_kind_of_service_write_keeps_the_health_equal_to_the_rows(personas):
    owner, manager = personas.owner, personas.manager
    deal = personas.deal
    assert_health_matches_rows()  # a new deal and its checklist
    assert fresh(deal).missing_qualification_steps > 0

    deal_services.deal_step_set_status(actor=manager, step=step(deal, 1), status="in_progress")
    assert_health_matches_rows()
    deal_services.deal_step_set_status(actor=manager, step=step(deal, 1), status="blocked", reason="waiting")
    assert_health_matches_rows()
    deal_services.deal_step_set_status(actor=manager, step=step(deal, 2), status="skipped", reason="met directly")
    assert_health_matches_rows()
    deal_services.deal_step_set_status(actor=manager, step=step(deal, 2), status="not_started")  # reopened
    assert_health_matches_rows()
    for order in range(1, 5):
        deal_services.deal_step_set_status(actor=manager, step=step(deal, order), status="skipped", reason="demo")
    deal_services.deal_step_complete(
        actor=manager, step=step(deal, 5), answer={"decision": "go", "investment": "high"}
    )  # done: the deal advances to stage 3
    assert fresh(deal).stage.number == 3
    assert_health_matches_rows()

    # Due dates move with the close date (into the past: overdue steps).
    current = fresh(deal)
    deal_services.opportunity_update(
        actor=owner,
        opportunity=current,
        expected_version=current.version,
        expected_close_date=timezone.localdate() - datetime.timedelta(days=5),
    )
    assert_health_matches_rows()

    # Stage moved forward past open steps (with a reason), then back.
    current = fresh(deal)
    deal_services.opportunity_change_stage(
        actor=owner, opportunity=current, stage=stage(5), expected_version=current.version, reason="fast track"
    )
    assert_health_matches_rows()
    current = fresh(deal)
    deal_services.opportunity_change_stage(actor=owner, opportunity=current, stage=stage(3), expected_version=None)
    assert_health_matches_rows()
    # Through the deal's form (opportunity_update with a stage).
    current = fresh(deal)
    deal_services.opportunity_update(actor=owner, opportunity=current, expected_version=None, stage=stage(4))
    assert_health_matches_rows()

    # Team changes re-plan owners and due dates.
    member = UserFactory(username="helper", role=Role.PRESALES, team=personas.engineer.team)
    deal_services.deal_member_add(actor=owner, opportunity=fresh(deal), user=member, role="presales_member")
    assert_health_matches_rows()

    # Lost, reopened, then won and moved on to implementation.
    current = fresh(deal)
    deal_services.opportunity_close(
        actor=owner, opportunity=current, outcome=Outcome.LOST, reason="price", expected_version=None
    )
    assert_health_matches_rows()
    deal_services.opportunity_reopen(actor=owner, opportunity=fresh(deal), expected_version=None)
    assert_health_matches_rows()
    for order in range(6, 23):
        if step(deal, order).status not in (StepStatus.DONE, StepStatus.SKIPPED):
            deal_services.deal_step_set_status(actor=owner, step=step(deal, order), status="skipped", reason="test")
    deal_services.deal_step_complete(
        actor=owner, step=step(deal, 23), answer={"date": timezone.localdate(), "amount": Decimal("880000")}
    )
    deal_services.deal_step_complete(actor=owner, step=step(deal, 24), answer={})
    assert fresh(deal).outcome == Outcome.WON
    assert_health_matches_rows()
    after_sale = Stage.objects.filter(is_after_sale=True).order_by("number").first()
    deal_services.opportunity_change_stage(
        actor=owner, opportunity=fresh(deal), stage=after_sale, expected_version=None
    )
    assert_health_matches_rows()

    # A no-go abandons another deal.
    other = OpportunityFactory(account=personas.account, sales_owner=owner)
    deal_services.deal_step_complete(
        actor=manager, step=step(other, 5), answer={"decision": "no_go", "investment": "low", "reason": "no budget"}
    )
    assert fresh(other).outcome == Outcome.ABANDONED
    assert_health_matches_rows()


def test_a_deal_made_without_a_playbook_has_its_stage_entry(personas):
    from presales.playbook.models import PlaybookVersion

    PlaybookVersion.objects.update(published_at=None)  # no current version: no checklist
    deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner)
    assert not DealStep.objects.filter(opportunity=deal).exists()
    assert_health_matches_rows()


def test_import_bulk_path_keeps_the_health(personas, settings, tmp_path):
    from tests.test_import_bulk import run_import
    from tests.test_import_real_files import chinese_file

    settings.MEDIA_ROOT = tmp_path
    for username, display in (("lw88", "李伟"), ("zmin", "张敏")):
        UserFactory(username=username, display_name=display, role=Role.SALES, team=personas.owner.team)
    UserFactory(username="zhaolei", display_name="赵磊", role=Role.PRESALES, team=personas.engineer.team)
    settings.PRESALES_IMPORT_BULK_THRESHOLD = 0
    run_import(personas.manager, "opportunities", chinese_file())
    assert Opportunity.objects.count() > 40
    assert_health_matches_rows()


def test_bulk_demo_generation_keeps_the_health():
    from tests.test_demo_data import TINY_BULK

    company.generate(TINY_BULK, seed=5, stdout=io.StringIO(), stderr=None)
    assert Opportunity.objects.count() == 600
    assert Opportunity.objects.open().filter(missing_qualification_steps__gt=0).exists()
    assert_health_matches_rows()


# --- (b) random sequences of service calls ------------------------------------------------------------------------

ACTIONS = st.one_of(
    st.tuples(
        st.just("status"), st.integers(1, 24), st.sampled_from(["in_progress", "blocked", "skipped", "not_started"])
    ),
    st.tuples(st.just("complete"), st.sampled_from([3, 5, 23, 24]), st.none()),
    st.tuples(st.just("stage"), st.integers(1, 8), st.none()),
    st.tuples(st.just("close_date"), st.integers(-90, 90), st.none()),
    st.tuples(st.just("close"), st.sampled_from([Outcome.LOST, Outcome.ABANDONED]), st.none()),
    st.tuples(st.just("reopen"), st.none(), st.none()),
)


def _act(personas, deal: Opportunity, action: tuple) -> None:
    kind, value, extra = action
    owner, manager = personas.owner, personas.manager
    if kind == "status":
        deal_services.deal_step_set_status(actor=manager, step=step(deal, value), status=extra, reason="why")
    elif kind == "complete":
        deal_services.deal_step_complete(actor=manager, step=step(deal, value), answer=ANSWERS[value])
    elif kind == "stage":
        deal_services.opportunity_change_stage(
            actor=owner, opportunity=fresh(deal), stage=stage(value), expected_version=None, reason="random"
        )
    elif kind == "close_date":
        deal_services.opportunity_update(
            actor=owner,
            opportunity=fresh(deal),
            expected_version=None,
            expected_close_date=timezone.localdate() + datetime.timedelta(days=value),
        )
    elif kind == "close":
        deal_services.opportunity_close(
            actor=owner, opportunity=fresh(deal), outcome=value, reason="random", expected_version=None
        )
    else:
        deal_services.opportunity_reopen(actor=owner, opportunity=fresh(deal), expected_version=None)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTIONS, min_size=1, max_size=8))
def test_random_service_calls_keep_the_health_equal_to_the_rows(personas, actions):
    deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=personas.engineer)
    for action in actions:
        try:
            with transaction.atomic():
                _act(personas, deal, action)
        except ValidationError:
            pass  # a call the rules refuse (a gate, a closed deal, a missing answer) changes nothing
    assert_health_matches_rows()


# --- (c) the same deals as the subqueries they replaced ----------------------------------------------------------


def make_risky_world(personas) -> None:
    """Deals that are overdue, missing qualification answers, stalled (a stage entered 40 days ago), or calm."""
    owner, manager = personas.owner, personas.manager
    account = AccountFactory(name="Risk Co", owner=owner)
    long_ago = timezone.now() - datetime.timedelta(days=40)
    with demo_clock(long_ago):
        OpportunityFactory(account=account, sales_owner=owner, name="stalled", amount=Decimal("5"))
    with demo_clock(long_ago):  # created and moved to stage 3 40 days ago
        moved = OpportunityFactory(account=account, sales_owner=owner, name="moved", amount=Decimal("7"))
        pass_go_no_go(moved, actor=manager)
        deal_services.opportunity_change_stage(
            actor=owner, opportunity=fresh(moved), stage=stage(3), expected_version=None, reason="old move"
        )
    deal_services.opportunity_change_stage(
        actor=owner, opportunity=fresh(moved), stage=stage(4), expected_version=None, reason="recent move"
    )
    with demo_clock(timezone.now() - datetime.timedelta(days=20)):  # its first steps were due days ago
        OpportunityFactory(account=account, sales_owner=owner, name="late", amount=Decimal("9"))
    calm = OpportunityFactory(account=account, sales_owner=owner, name="calm", amount=Decimal("11"))
    deal_services.deal_step_complete(actor=manager, step=step(calm, 3), answer=ANSWERS[3])  # the budget: stage 2 asked
    for amount in range(30):  # more deals at risk than the 25 rows shown
        OpportunityFactory(account=account, sales_owner=owner, name=f"d{amount}", amount=Decimal(100 + amount))


def test_dashboard_risks_and_the_deal_list_filter_give_the_deals_the_subqueries_gave(personas, login):
    make_risky_world(personas)
    today = timezone.localdate()
    start, end = default_period(today)
    for user in (personas.admin, personas.manager, personas.owner, personas.outsider):
        f = InsightFilters(start=start, end=end)
        rows = selectors.deals_at_risk(user, f)
        assert [
            (row["name"], row["overdue"], row["missing"], row["stage_days"], row["stalled"]) for row in rows
        ] == old_deals_at_risk(user, f)
        visible_open = selectors.deals(user, f).filter(outcome=Outcome.OPEN)
        assert selectors.risk_counts(user, f) == visible_open.aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(old_has_overdue_steps(today))),
            missing=Count("pk", filter=Q(old_misses_qualification())),
        )
    f = InsightFilters(start=start, end=end)
    assert len(selectors.deals_at_risk(personas.admin, f)) == 25
    everything = selectors.deals_at_risk(personas.admin, f, limit=100)
    assert {r["name"] for r in everything if r["stalled"]} == {"stalled"}
    assert {r["name"] for r in everything if r["overdue"]} >= {"late", "stalled"}
    assert "calm" not in {r["name"] for r in everything}
    counts = selectors.risk_counts(personas.admin, f)
    assert 0 < counts["overdue"] < counts["open"] and 0 < counts["missing"] < counts["open"]

    client = login(personas.admin)
    url = reverse("deals:list") + "?outcome=open"
    open_deals = Opportunity.objects.open()
    for risk, old in (("overdue", old_has_overdue_steps(today)), ("missing", old_misses_qualification())):
        response = client.get(f"{url}&risk={risk}")
        assert response.status_code == 200
        listed = {deal.pk for deal in response.context["page_obj"].paginator.object_list}
        assert listed == set(open_deals.filter(old).values_list("pk", flat=True)) != set()


# --- (d) refreshing writes nothing else ---------------------------------------------------------------------------


def test_refreshing_leaves_version_stamps_and_history_alone(personas):
    deal = fresh(personas.deal)
    histories = Opportunity.history.count()
    Opportunity.objects.filter(pk=deal.pk).update(
        stage_entered_at=timezone.now() - datetime.timedelta(days=400),
        earliest_open_due_date=None,
        missing_qualification_steps=99,
    )
    assert health.drifted_deals() == [deal.pk]
    assert health.refresh_health([deal.pk]) == 1
    after = fresh(deal)
    assert (after.version, after.updated_at) == (deal.version, deal.updated_at)
    assert Opportunity.history.count() == histories
    assert_health_matches_rows()


def test_the_nightly_check_corrects_drifted_deals_once(personas):
    other = OpportunityFactory(account=personas.account, sales_owner=personas.owner)
    Opportunity.objects.filter(pk__in=[personas.deal.pk, other.pk]).update(missing_qualification_steps=0)
    out = io.StringIO()
    call_command("check_deal_health", stdout=out)
    assert out.getvalue().strip() == "corrected: 2"
    assert_health_matches_rows()
    out = io.StringIO()
    call_command("check_deal_health", stdout=out)
    assert out.getvalue().strip() == "corrected: 0"  # idempotent
