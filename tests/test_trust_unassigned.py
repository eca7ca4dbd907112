"""No silent fallback (issue 13, item 4): a step whose role has nobody on the deal is unassigned, says what it needs,
waits on the matching manager's queue and is assigned there in one click."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from presales.deals.models import DealStep, Opportunity
from presales.deals.services.reminders import send_step_reminders
from presales.notifications.models import Notification
from presales.playbook.models import StepRole
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_deal(personas) -> Opportunity:
    """A deal a sales rep opened today: no presales lead, nobody commercial or after-sales."""
    return OpportunityFactory(name="今天的商机", account=personas.account, sales_owner=personas.owner)


def _steps(deal, role):
    return DealStep.objects.filter(opportunity=deal, definition__responsible_role=role).select_related("definition")


def test_nobody_in_the_role_leaves_the_step_unassigned_never_the_sales_rep(bare_deal, personas, login):
    presales = list(_steps(bare_deal, StepRole.PRESALES))
    assert presales and all(s.responsible_id is None for s in presales)
    assert all(s.unassigned_label == "Unassigned: needs a presales lead" for s in presales)
    commercial = list(_steps(bare_deal, StepRole.COMMERCIAL))
    assert commercial and all(s.responsible_id is None for s in commercial)
    assert all(s.unassigned_label == "Unassigned: needs a commercial person" for s in commercial)
    assert (
        not DealStep.objects.filter(opportunity=bare_deal, responsible=personas.owner)
        .exclude(definition__responsible_role=StepRole.SALES)
        .exists()
    )
    page = login(personas.owner).get(reverse("deals:checklist", args=[bare_deal.pk])).content.decode()
    assert "Unassigned: needs a presales lead" in page


def test_queue_shows_the_matching_managers_steps(bare_deal, personas, login, django_assert_max_num_queries):
    client = login(personas.presales_manager)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("deals:unassigned"))
    listed = response.context["steps"]
    assert listed and {s.definition.responsible_role for s in listed} <= {StepRole.PRESALES, StepRole.PRESALES_MANAGER}
    assert {s.opportunity_id for s in listed} == {bare_deal.pk}
    assert "Unassigned: needs a presales lead" in response.content.decode()
    # The sales manager's queue has no presales steps; a sales rep has no queue.
    sales_queue = login(personas.manager).get(reverse("deals:unassigned")).context["steps"]
    assert all(s.definition.responsible_role in (StepRole.SALES, StepRole.SALES_MANAGER) for s in sales_queue)
    assert login(personas.owner).get(reverse("deals:unassigned")).status_code == 403
    # More deals: the same number of queries.
    for n in range(4):
        OpportunityFactory(name=f"商机 {n}", account=personas.account, sales_owner=personas.owner)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("deals:unassigned")).status_code == 200


def test_manager_assigns_in_one_click(bare_deal, personas, login):
    step = _steps(bare_deal, StepRole.PRESALES).order_by("definition__order").first()
    client = login(personas.presales_manager)
    response = client.post(
        reverse("deals:step_assign", args=[step.pk]),
        {"responsible": personas.engineer.pk, "version": step.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and f'id="unassigned-{step.pk}"' in response.content.decode()
    step.refresh_from_db()
    assert step.responsible == personas.engineer and step.assigned_by_hand
    record = step.history.order_by("-history_date").first()
    assert record.history_user == personas.presales_manager and record.history_change_reason == "handed over"
    assert login(personas.engineer).get(bare_deal.get_absolute_url()).status_code == 200
    assert Notification.objects.filter(recipient=personas.engineer, target_id=step.pk).exists()
    # Assigned, it leaves the queue; somebody else's queue cannot assign it.
    assert step not in client.get(reverse("deals:unassigned")).context["steps"]
    other = _steps(bare_deal, StepRole.PRESALES).filter(responsible__isnull=True).first()
    refused = login(personas.manager).post(
        reverse("deals:step_assign", args=[other.pk]), {"responsible": personas.engineer.pk}
    )
    assert refused.status_code == 404


def test_unassigned_steps_get_no_reminders(bare_deal):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=200), tick=False):
        send_step_reminders()
    unassigned = DealStep.objects.filter(opportunity=bare_deal, responsible__isnull=True).values("pk")
    assert not Notification.objects.filter(target_type="deal_step", target_id__in=unassigned).exists()


def test_data_migration_takes_the_fallback_steps_back_from_the_sales_rep(bare_deal, personas):
    presales = _steps(bare_deal, StepRole.PRESALES)
    presales.update(responsible=personas.owner)  # what the old fallback did
    handed = presales.order_by("definition__order").first()
    DealStep.objects.filter(pk=handed.pk).update(assigned_by_hand=True)  # a deliberate hand-over stays
    migration = importlib.import_module("presales.deals.migrations.0006_deal_step_may_be_unassigned")
    migration.fallback_steps_become_unassigned(django_apps, None)
    assert set(presales.exclude(pk=handed.pk).values_list("responsible", flat=True)) == {None}
    assert DealStep.objects.get(pk=handed.pk).responsible == personas.owner
    assert all(s.responsible == personas.owner for s in _steps(bare_deal, StepRole.SALES))
