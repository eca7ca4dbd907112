"""API: a deal's checklist steps: list, detail, status/hand-over/complete, my steps; 404/403/409 and query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from presales.deals.models import DealStep, StepStatus
from tests.factories import OpportunityFactory
from tests.test_api_support import TokenClient, error_code
from tests.test_playbook_services import step

pytestmark = pytest.mark.django_db


def test_list_deal_steps_in_order_with_owner_and_answer(personas):
    body = TokenClient(personas.owner).get(f"/opportunities/{personas.deal.pk}/steps").json()
    assert [s["order"] for s in body] == sorted(s["order"] for s in body)
    assert len(body) == DealStep.objects.filter(opportunity=personas.deal).count() > 0
    first = body[0]
    assert {"status", "due_date", "responsible", "answer", "version", "stage", "overdue"} <= set(first)
    assert first["status"] == "not_started"
    assert {s["responsible"]["username"] for s in body if s["responsible"]} >= {"owner", "engineer"}
    # Nobody commercial or after-sales on the deal: those steps wait, saying for whom (never the sales rep).
    waiting = [s for s in body if s["responsible"] is None]
    assert waiting and all(s["unassigned"].startswith("Unassigned: needs") for s in waiting)


def test_outsider_gets_404_for_the_checklist_and_the_step(personas):
    api = TokenClient(personas.outsider)
    s = step(personas.deal, 1)
    assert error_code(api.get(f"/opportunities/{personas.deal.pk}/steps")) == "not_found"
    assert api.get(f"/steps/{s.pk}").status_code == 404
    assert api.patch(f"/steps/{s.pk}", {"version": s.version, "status": "in_progress"}).status_code == 404
    assert api.get("/me/steps").json() == []


def test_teammate_who_sees_but_cannot_work_gets_403(personas):
    s = step(personas.deal, 3)
    api = TokenClient(personas.teammate)
    assert api.get(f"/steps/{s.pk}").status_code == 200
    response = api.patch(f"/steps/{s.pk}", {"version": s.version, "status": "in_progress"})
    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_complete_with_typed_answer_and_field_errors(personas):
    s = step(personas.deal, 3)  # the budget step
    api = TokenClient(personas.owner)
    bad = api.patch(f"/steps/{s.pk}", {"version": s.version, "status": "done", "answer": {"status": "approved"}})
    assert bad.status_code == 422
    assert "amount" in bad.json()["error"]["fields"]
    good = api.patch(
        f"/steps/{s.pk}", {"version": s.version, "status": "done", "answer": {"status": "approved", "amount": "650000"}}
    )
    assert good.status_code == 200, good.content
    body = good.json()
    assert body["status"] == "done" and Decimal(str(body["answer"]["amount"])) == Decimal("650000")
    assert body["completed_by"]["username"] == "owner"
    assert body["version"] == s.version + 1


def test_status_change_needs_reason_and_stale_version_is_409(personas):
    s = step(personas.deal, 2)
    api = TokenClient(personas.owner)
    response = api.patch(f"/steps/{s.pk}", {"version": s.version, "status": "skipped"})
    assert response.status_code == 422 and "reason" in response.json()["error"]["fields"]
    response = api.patch(f"/steps/{s.pk}", {"version": s.version, "status": "blocked", "reason": "客户出差"})
    assert response.status_code == 200
    assert response.json()["status"] == "blocked" and response.json()["reason"] == "客户出差"
    stale = api.patch(f"/steps/{s.pk}", {"version": s.version, "status": "in_progress"})
    assert stale.status_code == 409
    assert error_code(stale) == "conflict"
    assert stale.json()["error"]["current_version"] == s.version + 1
    assert DealStep.objects.get(pk=s.pk).status == StepStatus.BLOCKED


def test_reassign_hands_the_step_and_the_deal_over(personas):
    s = step(personas.deal, 3)
    api = TokenClient(personas.owner)
    assert TokenClient(personas.outsider).get(f"/opportunities/{personas.deal.pk}").status_code == 404
    handed = api.patch(f"/steps/{s.pk}", {"version": s.version, "responsible_id": personas.outsider.pk})
    assert handed.status_code == 200
    assert TokenClient(personas.outsider).get(f"/opportunities/{personas.deal.pk}").status_code == 200
    s.refresh_from_db()
    response = api.patch(f"/steps/{s.pk}", {"version": s.version, "responsible_id": personas.teammate.pk})
    assert response.status_code == 200
    assert response.json()["responsible"]["username"] == "teammate"
    assert response.json()["assigned_by_hand"] is True
    assert api.patch(f"/steps/{s.pk}", {"version": s.version + 1}).status_code == 422


def test_my_steps_overdue_first(personas):
    today = timezone.localdate()
    mine = DealStep.objects.filter(opportunity=personas.deal, responsible=personas.owner).order_by("definition__order")
    late, soon = mine[1], mine[0]
    DealStep.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=2))
    DealStep.objects.filter(pk=soon.pk).update(due_date=today + datetime.timedelta(days=1))
    body = TokenClient(personas.owner).get("/me/steps").json()
    assert body[0]["id"] == late.pk and body[0]["overdue"] is True
    assert all(s["responsible"]["username"] == "owner" for s in body)
    assert not any(s["overdue"] for s in body[1:])


@pytest.mark.parametrize("deals", [1, 5])
def test_step_lists_query_count_does_not_grow(personas, deals, django_assert_max_num_queries):
    for n in range(deals):
        OpportunityFactory(name=f"Deal {n}", account=personas.account, sales_owner=personas.owner)
    api = TokenClient(personas.owner)
    with django_assert_max_num_queries(10):
        assert len(api.get("/me/steps").json()) >= deals
    with django_assert_max_num_queries(10):
        assert api.get(f"/opportunities/{personas.deal.pk}/steps").status_code == 200
