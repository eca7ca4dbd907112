"""API: opportunities with deal team and competitors, competitor profiles, users and stages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from presales.deals.models import Opportunity
from presales.playbook.models import Stage
from tests.factories import AccountFactory, CompetitorFactory, OpportunityFactory, pass_go_no_go
from tests.test_api_support import TokenClient

pytestmark = pytest.mark.django_db


def test_list_opportunities_visibility_and_filters(personas):
    other = AccountFactory(name="West Co", owner=personas.outsider)
    OpportunityFactory(name="Hidden", account=other, sales_owner=personas.outsider)
    api = TokenClient(personas.teammate)
    body = api.get("/opportunities/").json()
    assert [o["name"] for o in body["items"]] == ["数据中心升级"]
    assert api.get("/opportunities/", q="数据").json()["count"] == 1
    assert api.get("/opportunities/", outcome="won").json()["count"] == 0
    assert api.get("/opportunities/", amount_min="99999999").json()["count"] == 0
    assert TokenClient(personas.admin).get("/opportunities/", ordering="-name").json()["count"] == 2


@pytest.mark.parametrize("rows", [3, 30])
def test_list_opportunities_query_count_does_not_grow(personas, rows, django_assert_max_num_queries):
    for n in range(rows):
        OpportunityFactory(name=f"Deal {n}", account=personas.account, sales_owner=personas.owner)
    api = TokenClient(personas.owner)
    with django_assert_max_num_queries(8):
        assert api.get("/opportunities/", limit=100).json()["count"] == rows + 1


def test_opportunity_detail_has_team_and_competitors(personas):
    competitor = CompetitorFactory(name="华为")
    api = TokenClient(personas.owner)
    deal = personas.deal
    assert (
        api.post(
            f"/opportunities/{deal.pk}/members", {"user_id": personas.teammate.pk, "role": "commercial"}
        ).status_code
        == 201
    )
    response = api.post(f"/opportunities/{deal.pk}/competitors", {"competitor_id": competitor.pk, "is_ahead": True})
    assert response.status_code == 201
    body = api.get(f"/opportunities/{deal.pk}").json()
    assert body["presales_lead"]["username"] == "engineer"
    assert [m["user"]["username"] for m in body["members"]] == ["teammate"]
    assert body["competitors"][0]["competitor"]["name"] == "华为"
    assert body["competitors"][0]["is_ahead"] is True
    member_id = body["members"][0]["id"]
    link_id = body["competitors"][0]["id"]
    assert api.delete(f"/opportunities/{deal.pk}/members/{member_id}").status_code == 204
    assert api.delete(f"/opportunities/{deal.pk}/competitors/{link_id}").status_code == 204
    body = api.get(f"/opportunities/{deal.pk}").json()
    assert body["members"] == [] and body["competitors"] == []


def test_create_opportunity(personas):
    competitor = CompetitorFactory()
    response = TokenClient(personas.owner).post(
        "/opportunities/",
        {
            "account_id": personas.account.pk,
            "name": "灾备中心",
            "amount": "2500000.00",
            "expected_close_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "presales_lead_id": personas.engineer.pk,
            "competitor_ids": [competitor.pk],
        },
    )
    assert response.status_code == 201, response.content
    deal = Opportunity.objects.get(name="灾备中心")
    assert deal.sales_owner == personas.owner and deal.presales_team == personas.engineer.team
    assert response.json()["competitors"][0]["competitor"]["id"] == competitor.pk


def test_create_opportunity_rights_and_validation(personas):
    body = {"account_id": personas.account.pk, "name": "X", "expected_close_date": "2030-01-01"}
    assert TokenClient(personas.engineer).post("/opportunities/", body).status_code == 403
    response = TokenClient(personas.outsider).post("/opportunities/", body)
    assert response.status_code == 422
    assert "account_id" in response.json()["error"]["fields"]
    response = TokenClient(personas.owner).post("/opportunities/", {**body, "amount": "-5"})
    assert response.status_code == 422
    assert "amount" in response.json()["error"]["fields"]


def test_update_opportunity_visibility_rights_and_conflict(personas):
    deal = personas.deal
    assert TokenClient(personas.outsider).get(f"/opportunities/{deal.pk}").status_code == 404
    assert TokenClient(personas.outsider).patch(f"/opportunities/{deal.pk}", {"version": 1}).status_code == 404
    response = TokenClient(personas.teammate).patch(f"/opportunities/{deal.pk}", {"version": 1, "amount": "1"})
    assert response.status_code == 403
    response = TokenClient(personas.engineer).patch(f"/opportunities/{deal.pk}", {"version": 1, "amount": "1234.50"})
    assert response.status_code == 200
    assert response.json()["amount"] in ("1234.50", 1234.5)
    response = TokenClient(personas.owner).patch(f"/opportunities/{deal.pk}", {"version": 1, "amount": "9"})
    assert response.status_code == 409
    assert response.json()["error"]["changes"][0]["field"] == "amount"


def test_stage_close_reopen(personas):
    deal = personas.deal
    api = TokenClient(personas.owner)
    stage = Stage.objects.get(number=4)
    blocked = api.post(f"/opportunities/{deal.pk}/stage", {"version": deal.version, "stage_id": stage.pk})
    assert blocked.status_code == 422 and "go/no-go" in blocked.json()["error"]["message"]
    pass_go_no_go(deal)
    no_reason = api.post(f"/opportunities/{deal.pk}/stage", {"version": deal.version, "stage_id": stage.pk})
    assert no_reason.status_code == 422 and "still open" in no_reason.json()["error"]["message"]
    response = api.post(
        f"/opportunities/{deal.pk}/stage", {"version": deal.version, "stage_id": stage.pk, "reason": "客户要求"}
    )
    assert response.status_code == 200
    version = response.json()["version"]
    assert response.json()["stage"]["number"] == 4
    response = api.post(f"/opportunities/{deal.pk}/close", {"version": version, "outcome": "lost"})
    assert response.status_code == 422
    assert "outcome_reason" in response.json()["error"]["fields"]
    response = api.post(f"/opportunities/{deal.pk}/close", {"version": version, "outcome": "lost", "reason": "价格"})
    assert response.status_code == 200
    assert response.json()["outcome"] == "lost"
    assert api.get("/opportunities/").json()["count"] == 0
    assert api.get("/opportunities/", outcome="any").json()["count"] == 1
    response = api.post(f"/opportunities/{deal.pk}/reopen", {"version": response.json()["version"]})
    assert response.status_code == 200
    assert response.json()["outcome"] == "open"


def test_opportunities_cannot_be_deleted(personas):
    assert TokenClient(personas.admin).delete(f"/opportunities/{personas.deal.pk}").status_code == 405


def test_competitor_profiles(personas):
    api = TokenClient(personas.engineer)
    response = api.post("/competitors/", {"name": "新华三", "threat_level": "high"})
    assert response.status_code == 201
    competitor = response.json()
    assert api.post("/competitors/", {"name": "新华三"}).status_code == 422
    assert api.get("/competitors/", threat_level="high", ordering="-threat_level").json()["count"] == 1
    response = api.patch(f"/competitors/{competitor['id']}", {"version": 1, "strengths": "渠道"})
    assert response.status_code == 200
    assert api.patch(f"/competitors/{competitor['id']}", {"version": 1, "strengths": "x"}).status_code == 409


def test_users_directory_and_stages(personas):
    api = TokenClient(personas.outsider)
    body = api.get("/users/", role="presales").json()
    assert [u["username"] for u in body["items"]] == ["engineer"]
    assert set(body["items"][0]) == {"id", "username", "name", "role", "title", "team"}
    assert api.get(f"/users/{personas.engineer.pk}").json()["name"] == "Engineer Zhao"
    stages = api.get("/stages/").json()
    assert [s["number"] for s in stages] == list(range(1, 9))
