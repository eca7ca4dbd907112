"""API: sales ratings (give, list, read) and scorecards (read): who sees what, 403/404/422 and query counts."""

from __future__ import annotations

import pytest

from presales.scoring import services
from tests.test_api_support import TokenClient, error_code
from tests.test_scoring_selectors import IN_MONTH, close, engineer_in, rated_team, visit

pytestmark = pytest.mark.django_db

PERIOD = {"period": "month", "start": IN_MONTH.isoformat()}
MARKS = {"responsiveness": 5, "quality": 4, "impact": 3}


def test_sales_owner_rates_a_closed_supported_deal_once(personas):
    deal = close(personas.deal, "won")
    assert TokenClient(personas.teammate).post("/ratings/", {"opportunity_id": deal.pk, **MARKS}).status_code == 403
    assert TokenClient(personas.outsider).post("/ratings/", {"opportunity_id": deal.pk, **MARKS}).status_code == 404
    api = TokenClient(personas.owner)
    bad = api.post("/ratings/", {"opportunity_id": deal.pk, **MARKS, "impact": 6})
    assert bad.status_code == 422 and "impact" in bad.json()["error"]["fields"]
    response = api.post("/ratings/", {"opportunity_id": deal.pk, **MARKS, "comment": "很专业"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["engineer"]["username"] == "engineer" and body["mean"] == 4.0
    again = api.post("/ratings/", {"opportunity_id": deal.pk, **MARKS})
    assert again.status_code == 422 and error_code(again) == "invalid"


def test_open_deal_cannot_be_rated(personas):
    response = TokenClient(personas.owner).post("/ratings/", {"opportunity_id": personas.deal.pk, **MARKS})
    assert response.status_code == 422


def test_ratings_are_read_by_rater_engineer_and_manager_only(personas):
    deal = close(personas.deal, "won")
    rating = services.sales_rating_create(actor=personas.owner, opportunity=deal, **MARKS)
    for user in (personas.owner, personas.engineer, personas.presales_manager, personas.admin):
        api = TokenClient(user)
        assert api.get("/ratings/").json()["count"] == 1, user
        assert api.get(f"/ratings/{rating.pk}").status_code == 200
    assert TokenClient(personas.owner).get("/ratings/", given=True, engineer=personas.engineer.pk).json()["count"] == 1
    for user in (personas.teammate, personas.outsider):
        assert TokenClient(user).get("/ratings/").json()["count"] == 0
        assert TokenClient(user).get(f"/ratings/{rating.pk}").status_code == 404


def test_scorecards_list_for_what_the_caller_may_see(personas):
    colleague = engineer_in(personas.engineer.team, "qian")
    visit(personas.engineer, IN_MONTH, deal=personas.deal)
    mine = TokenClient(personas.engineer).get("/scorecards/", **PERIOD).json()
    assert [c["engineer_id"] for c in mine] == [personas.engineer.pk]
    assert mine[0]["visits"] == 1 and mine[0]["start"] == IN_MONTH.replace(day=1).isoformat()
    team = TokenClient(personas.presales_manager).get("/scorecards/", **PERIOD).json()
    assert {c["engineer_id"] for c in team} == {personas.engineer.pk, colleague.pk}
    assert TokenClient(personas.outsider).get("/scorecards/", **PERIOD).json() == []
    assert TokenClient(personas.engineer).get("/scorecards/", period="year").status_code == 422


def test_scorecard_detail_with_rows_and_404_for_others(personas):
    colleague = engineer_in(personas.engineer.team, "qian")
    visit(personas.engineer, IN_MONTH, deal=personas.deal)
    body = TokenClient(personas.engineer).get(f"/scorecards/{personas.engineer.pk}", **PERIOD).json()
    assert body["engineer_name"] == "Engineer Zhao" and len(body["visit_rows"]) == 1
    assert TokenClient(personas.engineer).get(f"/scorecards/{colleague.pk}", **PERIOD).status_code == 404
    assert TokenClient(personas.presales_manager).get(f"/scorecards/{colleague.pk}", **PERIOD).status_code == 200
    assert TokenClient(personas.engineer).get(f"/scorecards/{personas.owner.pk}", **PERIOD).status_code == 404


@pytest.mark.parametrize("count", [3, 12])
def test_scoring_lists_query_count_does_not_grow(personas, count, django_assert_max_num_queries):
    rated_team(personas, count, **MARKS)
    api = TokenClient(personas.presales_manager)
    with django_assert_max_num_queries(25):
        assert len(api.get("/scorecards/", **PERIOD).json()) == count + 1
    with django_assert_max_num_queries(8):
        assert api.get("/ratings/", limit=100).json()["count"] == count
