"""Overdue means overdue (issue 13, item 2): a step is due once the deal reaches its stage; later-stage steps are
upcoming, never overdue; "my next steps", the home panel and the reminders follow the same rule."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from presales.deals import selectors
from presales.deals import services as deals
from presales.deals.models import DealStep, StepStatus
from presales.deals.services.reminders import send_step_reminders
from presales.insights import panels
from presales.insights.forms import InsightFilters, default_period
from presales.notifications.models import Notification
from presales.playbook.models import Stage
from tests.factories import AccountFactory, OpportunityFactory, pass_go_no_go

pytestmark = pytest.mark.django_db


def _stage(number: int) -> Stage:
    return Stage.objects.get(number=number)


def _steps(deal):
    return list(
        DealStep.objects.filter(opportunity=deal).select_related("definition__stage").order_by("definition__order")
    )


def test_later_stage_steps_are_upcoming_and_never_overdue(personas):
    deal = personas.deal  # at stage 2
    later = [s for s in _steps(deal) if s.definition.stage.number > 2]
    assert later and all(s.due_date is None and not s.is_actionable for s in later)
    # Months later, still at stage 2: only stage-2 (and earlier) steps can be late.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=120), tick=False):
        today = timezone.localdate()
        late = DealStep.objects.overdue(today).filter(opportunity=deal)
        assert late.exists()
        assert set(late.values_list("definition__stage__number", flat=True)) <= {1, 2}
        assert not any(s.is_overdue(today) for s in later)


def test_moving_on_makes_the_next_stage_due_from_that_day_with_a_record(personas):
    deal = personas.deal
    pass_go_no_go(deal)
    moved_on = timezone.now() + datetime.timedelta(days=30)
    with time_machine.travel(moved_on, tick=False):
        today = timezone.localdate()
        deals.opportunity_change_stage(
            actor=personas.owner, opportunity=deal, stage=_stage(3), expected_version=None, reason="客户提前立项"
        )
        stage3 = [s for s in _steps(deal) if s.definition.stage.number == 3]
        assert all(s.actionable_since == today for s in stage3)
        # The first stage-3 step is due by its rule counted from today, not from the deal's first day.
        first = stage3[0]
        assert first.due_date is not None and first.due_date >= today
        assert not DealStep.objects.overdue(today).filter(pk__in=[s.pk for s in stage3]).exists()
        record = first.history.order_by("-history_date").first()
        assert record.history_change_reason == "due dates" and record.history_user == personas.owner
    # Back to stage 2: the stage-3 steps still open are upcoming again.
    deals.opportunity_change_stage(actor=personas.owner, opportunity=deal, stage=_stage(2), expected_version=None)
    assert all(
        s.due_date is None and s.actionable_since is None for s in _steps(deal) if s.definition.stage.number == 3
    )


def test_due_dates_rule():
    start = datetime.date(2026, 3, 2)
    close = datetime.date(2026, 6, 30)

    class Definition:
        def __init__(self, rule, days):
            self.due_rule, self.due_days = rule, days

    definitions = [Definition("after_previous", 5), Definition("after_previous", 3), Definition("before_close", 10)]
    later = datetime.date(2026, 4, 1)
    assert deals.due_dates(definitions, [start, later, None], close) == [
        datetime.date(2026, 3, 7),
        datetime.date(2026, 4, 4),  # actionable later than the previous step's due date: counted from then
        None,  # upcoming: no due date
    ]


def test_my_next_steps_groups_by_deal_overdue_first_and_pages(personas, login, settings, django_assert_max_num_queries):
    settings.PRESALES_PAGE_SIZE = 5
    today = timezone.localdate()
    calm = OpportunityFactory(name="平稳商机", account=AccountFactory(owner=personas.owner), sales_owner=personas.owner)
    late = personas.deal
    late_step = (
        DealStep.objects.filter(opportunity=late, responsible=personas.owner)
        .actionable()
        .order_by("-definition__order")
        .first()
    )
    DealStep.objects.filter(pk=late_step.pk).update(due_date=today - datetime.timedelta(days=3))
    client = login(personas.owner)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("deals:my_steps"))
    steps = response.context["steps"]
    assert len(steps) == 5 and response.context["page_obj"].paginator.num_pages > 1
    assert steps[0].pk == late_step.pk and steps[0].overdue
    # Grouped: a deal's rows come together, and only actionable steps are listed.
    deal_order = [s.opportunity_id for s in steps]
    assert deal_order == sorted(deal_order, key=deal_order.index)
    assert all(s.is_actionable for s in steps)
    assert response.context["overdue_count"] == 1
    every = list(selectors.my_next_steps(personas.owner))
    assert {s.opportunity_id for s in every} == {late.pk, calm.pk}
    assert [s.opportunity_id for s in every] == sorted((s.opportunity_id for s in every), key=[late.pk, calm.pk].index)
    # The upcoming steps, one click away.
    assert "?show=upcoming" in response.content.decode()
    upcoming = client.get(reverse("deals:my_steps"), {"show": "upcoming"})
    assert upcoming.context["steps"] and all(not s.is_actionable for s in upcoming.context["steps"])
    assert "upcoming" in upcoming.content.decode()


def test_home_panel_marks_overdue_steps(personas):
    today = timezone.localdate()
    step = DealStep.objects.filter(opportunity=personas.deal, responsible=personas.owner).actionable().first()
    DealStep.objects.filter(pk=step.pk).update(due_date=today - datetime.timedelta(days=2))
    start, end = default_period(today)
    panel = panels.my_week_panels(personas.owner, InsightFilters(start=start, end=end, today=today))[0]
    row = next(r for r in panel.rows if r["url"] == step.get_absolute_url())
    assert row["status"].startswith("Overdue")
    assert all(r["due_date"] is not None for r in panel.rows)  # upcoming steps (no due date) are not in it


def test_reminders_skip_upcoming_steps(personas):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=200), tick=False):
        send_step_reminders()
    reminded = Notification.objects.filter(kind__in=["step_overdue", "step_due_soon"], target_type="deal_step")
    steps = DealStep.objects.filter(pk__in=reminded.values("target_id")).select_related("definition__stage")
    assert steps.exists() and all(s.definition.stage.number <= 2 for s in steps)


def test_data_migration_makes_later_open_steps_upcoming(personas):
    deal = personas.deal
    # The state before: every step had a due date counted from the deal's first day.
    first_day = timezone.localdate(deal.created_at)
    DealStep.objects.filter(opportunity=deal).update(actionable_since=first_day, due_date=first_day)
    done = DealStep.objects.filter(opportunity=deal, definition__stage__number=4).first()
    DealStep.objects.filter(pk=done.pk).update(status=StepStatus.DONE)
    migration = importlib.import_module("presales.deals.migrations.0005_deal_step_actionable_since")
    migration.steps_of_later_stages_are_upcoming(django_apps, None)
    for step in _steps(deal):
        if step.definition.stage.number > 2 and step.pk != done.pk:
            assert step.actionable_since is None and step.due_date is None
        else:
            assert step.actionable_since == first_day and step.due_date == first_day
