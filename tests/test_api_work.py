"""API: activities and support requests: CRUD, the request flow as actions, the three looks; 404/403/409, queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from presales.work import services
from presales.work.models import Activity, RequestStatus, SupportRequest
from tests.factories import OpportunityFactory
from tests.test_api_support import TokenClient, error_code

pytestmark = pytest.mark.django_db


def _activity(personas, **extra):
    values = {"kind": "demo", "date": timezone.localdate(), "hours": Decimal("2"), "opportunity": personas.deal}
    return services.activity_create(actor=personas.engineer, **{**values, **extra})


def _request(personas, **extra):
    values = {
        "opportunity": personas.deal,
        "kind": "poc",
        "description": "POC for the storage",
        "needed_by": timezone.localdate() + datetime.timedelta(days=10),
        "estimate_hours": Decimal("16"),
        "win_rate_answer": "Proves the throughput",
        "expected_uplift": Decimal("10"),
    }
    return services.request_create(actor=personas.owner, **{**values, **extra})


def test_create_and_list_activities(personas):
    api = TokenClient(personas.engineer)
    response = api.post(
        "/activities/",
        {
            "kind": "on_site_visit",
            "date": timezone.localdate().isoformat(),
            "hours": "3.5",
            "opportunity_id": personas.deal.pk,
            "participant_ids": [personas.presales_manager.pk],
            "outcome": "客户认可方案",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["account"]["id"] == personas.account.pk and body["owner"]["username"] == "engineer"
    assert [p["username"] for p in body["participants"]] == ["psm"]
    listed = api.get("/activities/", kind="on_site_visit").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert api.get("/activities/", kind="demo").json()["count"] == 0
    assert api.get("/activities/", ordering="-hours").status_code == 200


def test_activity_rights_visibility_and_validation(personas):
    body = {"kind": "demo", "date": "2030-01-01", "opportunity_id": personas.deal.pk}
    assert error_code(TokenClient(personas.owner).post("/activities/", body)) == "permission_denied"
    response = TokenClient(personas.engineer).post("/activities/", {**body, "hours": "0"})
    assert response.status_code == 422 and "hours" in response.json()["error"]["fields"]
    response = TokenClient(personas.engineer).post("/activities/", {"kind": "demo", "date": "2030-01-01"})
    assert response.status_code == 422 and "opportunity" in response.json()["error"]["fields"]
    activity = _activity(personas)
    assert TokenClient(personas.outsider).get(f"/activities/{activity.pk}").status_code == 404
    assert TokenClient(personas.outsider).patch(f"/activities/{activity.pk}", {"version": 1}).status_code == 404
    # The deal's sales owner sees the activity but cannot change the engineer's work.
    assert TokenClient(personas.owner).get(f"/activities/{activity.pk}").status_code == 200
    assert TokenClient(personas.owner).patch(f"/activities/{activity.pk}", {"version": 1}).status_code == 403


def test_update_activity_and_stale_version(personas):
    activity = _activity(personas, status="planned")
    api = TokenClient(personas.engineer)
    response = api.patch(f"/activities/{activity.pk}", {"version": activity.version, "status": "done", "hours": "4"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done" and Decimal(str(response.json()["hours"])) == Decimal("4")
    stale = api.patch(f"/activities/{activity.pk}", {"version": activity.version, "hours": "1"})
    assert stale.status_code == 409 and error_code(stale) == "conflict"
    assert Activity.objects.get(pk=activity.pk).hours == Decimal("4")
    not_allowed = api.delete(f"/activities/{activity.pk}")
    assert not_allowed.status_code == 405 and error_code(not_allowed) == "method_not_allowed"
    assert "PATCH" in not_allowed["Allow"]


def test_create_request_by_sales_only(personas):
    body = {
        "opportunity_id": personas.deal.pk,
        "kind": "demo",
        "description": "演示",
        "needed_by": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        "estimate_hours": "4",
        "win_rate_answer": "Shows the product",
    }
    assert TokenClient(personas.engineer).post("/requests/", body).status_code == 403
    assert TokenClient(personas.outsider).post("/requests/", body).status_code == 422
    response = TokenClient(personas.owner).post("/requests/", body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "new" and response.json()["requester"]["username"] == "owner"
    past = TokenClient(personas.owner).post("/requests/", {**body, "needed_by": "2000-01-01"})
    assert past.status_code == 422 and "needed_by" in past.json()["error"]["fields"]


def test_request_flow_triage_accept_start_done(personas):
    support = _request(personas)
    manager = TokenClient(personas.presales_manager)
    looks = manager.get(f"/requests/{support.pk}/triage").json()
    assert looks["verdict"]["recommendation"] and looks["verdict"]["reasons"]
    assert {"time", "matter", "person"} <= set(looks["verdict"])
    assert personas.engineer.pk in [r["engineer_id"] for r in looks["ranked"]]
    assert TokenClient(personas.owner).get(f"/requests/{support.pk}/triage").status_code == 403
    response = manager.post(f"/requests/{support.pk}/triage", {"version": 1, "assignee_id": personas.engineer.pk})
    assert response.status_code == 200 and response.json()["status"] == "triaged"
    missing = manager.post(f"/requests/{support.pk}/accept-with-plan", {"version": 2, "reason": "ok", "plan": ""})
    assert missing.status_code == 422 and "plan" in missing.json()["error"]["fields"]
    response = manager.post(f"/requests/{support.pk}/accept", {"version": 2, "reason": "Fits the week"})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert response.json()["assignee"]["username"] == "engineer"
    engineer = TokenClient(personas.engineer)
    assert engineer.post(f"/requests/{support.pk}/start", {"version": 2}).status_code == 409
    assert engineer.post(f"/requests/{support.pk}/start", {"version": 3}).json()["status"] == "in_progress"
    assert engineer.post(f"/requests/{support.pk}/done", {"version": 4}).json()["status"] == "done"
    again = engineer.post(f"/requests/{support.pk}/start", {"version": 5})
    assert again.status_code == 422


def test_decline_and_cancel_rights(personas):
    support = _request(personas)
    assert (
        TokenClient(personas.teammate)
        .post(f"/requests/{support.pk}/decline", {"version": 1, "reason": "x"})
        .status_code
        == 403
    )
    assert (
        TokenClient(personas.outsider).post(f"/requests/{support.pk}/cancel", {"version": 1, "reason": "x"}).status_code
        == 404
    )
    manager = TokenClient(personas.presales_manager)
    early = manager.post(f"/requests/{support.pk}/decline", {"version": 1, "reason": "No capacity"})
    assert early.status_code == 422  # a request is declined after triage
    assert manager.post(f"/requests/{support.pk}/triage", {"version": 1}).status_code == 200
    response = manager.post(f"/requests/{support.pk}/decline", {"version": 2, "reason": "No capacity and it can wait"})
    assert response.status_code == 200 and response.json()["status"] == RequestStatus.DECLINED
    other = _request(personas)
    response = TokenClient(personas.owner).post(f"/requests/{other.pk}/cancel", {"version": 1, "reason": "不需要了"})
    assert response.status_code == 200 and SupportRequest.objects.get(pk=other.pk).status == "cancelled"


def test_request_list_filters_and_visibility(personas):
    support = _request(personas)
    assert TokenClient(personas.outsider).get("/requests/").json()["count"] == 0
    assert TokenClient(personas.outsider).get(f"/requests/{support.pk}").status_code == 404
    api = TokenClient(personas.owner)
    assert api.get("/requests/", status="new", mine=True).json()["count"] == 1
    assert api.get("/requests/", status="done").json()["count"] == 0
    assert api.get("/requests/", status="nonsense").status_code == 422


@pytest.mark.parametrize("rows", [3, 30])
def test_work_lists_query_count_does_not_grow(personas, rows, django_assert_max_num_queries):
    for n in range(rows):
        deal = OpportunityFactory(
            name=f"Deal {n}", account=personas.account, sales_owner=personas.owner, presales_lead=personas.engineer
        )
        _activity(personas, opportunity=deal, participants=[personas.presales_manager])
        _request(personas, opportunity=deal)
    api = TokenClient(personas.presales_manager)
    with django_assert_max_num_queries(10):
        assert api.get("/activities/", limit=100).json()["count"] == rows
    with django_assert_max_num_queries(10):
        assert api.get("/requests/", limit=100).json()["count"] == rows
