"""Scorecard pages: who sees what (own only, team for managers, 404 for others), forms, exports, query counts."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from presales.scoring import services
from presales.scoring.models import CapabilityScore, PeriodStatus, SalesRating, ScoringPeriod, WinLossDebrief
from tests.test_scoring_selectors import IN_MONTH, close, engineer_in, rated_team, visit

QUERY = "?kind=month&start=2025-03-01"
# 17 + the exchange rates + the approvals count in the menu + the technical verdicts at close (each one query); the
# team tree is one query whatever its depth (access.scope)
EXPECTED_TEAM_QUERIES = 20


@pytest.fixture
def colleague(personas):
    return engineer_in(personas.engineer.team, "qian")


def test_anonymous_is_sent_to_login(client, personas):
    for url in (
        reverse("scoring:team"),
        reverse("scoring:scorecard", args=[personas.engineer.pk]),
        reverse("scoring:todo"),
        reverse("scoring:setup"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_engineer_sees_own_scorecard_with_drill_down(personas, login):
    visit(personas.engineer, IN_MONTH, deal=personas.deal)
    response = login(personas.engineer).get(reverse("scoring:scorecard", args=[personas.engineer.pk]) + QUERY)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="visits"' in content and "华东银行" in content  # the visit row behind the number
    assert 'id="trend"' in content


def test_engineer_cannot_see_another_engineers_scorecard(personas, login, colleague):
    client = login(personas.engineer)
    assert client.get(reverse("scoring:scorecard", args=[colleague.pk])).status_code == 404
    team = client.get(reverse("scoring:team") + QUERY)
    assert team.status_code == 200
    assert [card.engineer_id for card in team.context["cards"]] == [personas.engineer.pk]
    export = client.get(reverse("scoring:team") + QUERY + "&export=csv")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Engineer Zhao" in body and "Qian" not in body


def test_manager_sees_the_team_side_by_side(personas, login, colleague):
    response = login(personas.presales_manager).get(reverse("scoring:team") + QUERY)
    assert response.status_code == 200
    assert {card.engineer_id for card in response.context["cards"]} == {personas.engineer.pk, colleague.pk}
    assert login(personas.presales_manager).get(reverse("scoring:scorecard", args=[colleague.pk])).status_code == 200


def test_outsider_sees_no_scorecard_page_or_export_row(personas, login):
    client = login(personas.outsider)
    assert client.get(reverse("scoring:scorecard", args=[personas.engineer.pk])).status_code == 404
    assert client.get(reverse("scoring:team") + QUERY).context["cards"] == []
    export = client.get(reverse("scoring:team") + QUERY + "&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 1  # headers only
    assert client.get(reverse("scoring:capability", args=[personas.engineer.pk])).status_code == 404
    assert client.get(reverse("scoring:quota", args=[personas.engineer.pk])).status_code == 404


def test_team_export_xlsx_for_the_manager(personas, login, colleague):
    response = login(personas.presales_manager).get(reverse("scoring:team") + QUERY + "&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Engineer" and "Composite" in rows[0]
    assert {row[0] for row in rows[1:]} == {"Engineer Zhao", "Qian"}


def test_team_sorting(personas, login, colleague):
    for day in (10, 11, 12):
        visit(colleague, datetime.date(2025, 3, day), deal=None, account=personas.account)
    client = login(personas.presales_manager)
    cards = client.get(reverse("scoring:team") + QUERY + "&ordering=-visits").context["cards"]
    assert cards[0].engineer_id == colleague.pk
    cards = client.get(reverse("scoring:team") + QUERY + "&ordering=visits").context["cards"]
    assert cards[0].engineer_id == personas.engineer.pk


@pytest.mark.parametrize("count", [3, 12])
def test_team_page_query_count_does_not_grow(personas, login, count):
    rated_team(personas, count, responsiveness=4, quality=4, impact=4)
    client = login(personas.presales_manager)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("scoring:team") + QUERY)
    # The same count for 3 and 12 engineers: nothing is fetched per engineer.
    assert len(queries) == EXPECTED_TEAM_QUERIES, [q["sql"][:80] for q in queries.captured_queries]
    assert len(response.context["cards"]) == count + 1


def test_capability_form_manager_only_and_keeps_typed_values(personas, login):
    url = reverse("scoring:capability", args=[personas.engineer.pk])
    assert login(personas.engineer).get(url).status_code == 403  # cannot score yourself
    assert login(personas.manager).get(url).status_code == 404  # a sales manager does not see presales scorecards
    client = login(personas.presales_manager)
    assert client.get(url).status_code == 200
    dimension_ids = list(
        CapabilityScore._meta.get_field("dimension").related_model.objects.values_list("pk", flat=True)
    )
    bad = client.post(url, {"period_kind": "month", "period_start": "2025-03-05", f"comment_{dimension_ids[0]}": "好"})
    assert bad.status_code == 200 and "好" in bad.content.decode()  # no score given: error, comment kept
    data = {"period_kind": "month", "period_start": "2025-03-05"}
    data |= {f"score_{pk}": "4" for pk in dimension_ids}
    response = client.post(url, data)
    assert response.status_code == 302
    assert (
        CapabilityScore.objects.filter(engineer=personas.engineer, period_start=datetime.date(2025, 3, 1)).count() == 6
    )


def test_rating_page_for_the_sales_owner_only(personas, login):
    close(personas.deal, "won", on=timezone.localdate())
    url = reverse("scoring:rate", args=[personas.deal.pk])
    assert login(personas.teammate).get(url).status_code == 403
    assert login(personas.outsider).get(url).status_code == 404
    client = login(personas.owner)
    todo = client.get(reverse("scoring:todo"))
    assert url in todo.content.decode()
    bad = client.post(url, {"responsiveness": "5", "comment": "快速响应"})
    assert bad.status_code == 200 and "快速响应" in bad.content.decode()
    assert client.post(url, {"responsiveness": "5", "quality": "4", "impact": "4", "comment": "好"}).status_code == 302
    rating = SalesRating.objects.get()
    assert (rating.engineer, rating.rater, rating.request) == (personas.engineer, personas.owner, None)
    again = client.post(url, {"responsiveness": "1", "quality": "1", "impact": "1"})
    assert again.status_code == 200 and SalesRating.objects.count() == 1


def test_debrief_page_for_the_deal_team(personas, login):
    close(personas.deal, "lost", on=timezone.localdate())
    url = reverse("scoring:debrief", args=[personas.deal.pk])
    assert login(personas.outsider).get(url).status_code == 404
    assert login(personas.teammate).get(url).status_code == 403  # sees the deal, not on its team
    client = login(personas.engineer)
    page = client.get(url)
    assert "what did the product lack" in page.content.decode()  # asked in the presales lead's role
    response = client.post(url, {"main_reason": "product_fit", "product_gap": "不支持国产数据库"})
    assert response.status_code == 302
    assert WinLossDebrief.objects.get().role == "presales_lead"


def test_quota_page_and_close_reopen(personas, login):
    client = login(personas.presales_manager)
    url = reverse("scoring:quota", args=[personas.engineer.pk])
    assert login(personas.engineer).get(url).status_code == 403
    assert client.post(url, {"quota": "99", "effective_from": "2025-03-19"}).status_code == 200
    assert client.post(url, {"quota": "5", "effective_from": "2025-03-19"}).status_code == 302
    assert (
        login(personas.engineer)
        .post(reverse("scoring:period_close"), {"kind": "month", "start": "2025-03-01"})
        .status_code
        == 403
    )
    client.post(reverse("scoring:period_close"), {"kind": "month", "start": "2025-03-01"})
    period = ScoringPeriod.objects.get(kind="month", start=datetime.date(2025, 3, 1))
    assert period.status == PeriodStatus.CLOSED
    team = client.get(reverse("scoring:team") + QUERY)
    assert all(card.frozen for card in team.context["cards"])
    assert card_expected(team, personas.engineer).expected_visits == Decimal("17.00")
    client.post(reverse("scoring:period_reopen", args=[period.pk]), {"reason": "补录拜访"})
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN


def card_expected(response, engineer):
    return next(card for card in response.context["cards"] if card.engineer_id == engineer.pk)


def test_setup_rubric_and_weights(personas, login):
    assert login(personas.engineer).get(reverse("scoring:setup")).status_code == 403
    manager = login(personas.presales_manager)
    assert manager.get(reverse("scoring:setup")).status_code == 200
    response = manager.post(
        reverse("scoring:dimension_create"),
        {"key": "bidding", "name": "投标能力", "name_en": "Bidding", "order": 7, "is_active": "on"},
    )
    assert response.status_code == 302
    assert manager.post(reverse("scoring:setup"), {"weights": "1", "results": 70}).status_code == 403
    admin = login(personas.admin)
    weights = services.weights_get()
    bad = admin.post(
        reverse("scoring:setup"),
        {"weights": "1", "results": 70, "visits": 10, "capability": 10, "rating": 5, "version": weights.version},
    )
    assert bad.status_code == 200 and "add up to 100" in bad.content.decode()
    ok = admin.post(
        reverse("scoring:setup"),
        {"weights": "1", "results": 70, "visits": 10, "capability": 10, "rating": 10, "version": weights.version},
    )
    assert ok.status_code == 302
