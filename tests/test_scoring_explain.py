"""The engineer's own scorecard explains each figure in plain words with the numbers that produce it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from presales.people.models import User
from presales.scoring import formulas, selectors, services
from presales.scoring.explain import explain
from tests.test_scoring_selectors import IN_MONTH, MONTH, visit

QUERY = "?kind=month&start=2025-03-01"


def _setup(personas):
    engineer = personas.engineer
    User.objects.filter(pk=engineer.pk).update(revenue_target=Decimal("12000000"), weekly_visit_quota=4)
    engineer.refresh_from_db()
    # From the week of 17 March the quota is 5: March 2025 has 10 working days at 4 and 11 at 5.
    services.visit_quota_set(
        actor=personas.presales_manager, engineer=engineer, quota=5, effective_from=datetime.date(2025, 3, 17)
    )
    visit(engineer, IN_MONTH, deal=personas.deal)
    return engineer


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_parts_the_reweighting_and_the_derived_figures_are_explained(personas, login):
    engineer = _setup(personas)
    card = selectors.scorecard_for(engineer, formulas.MONTH, MONTH)
    explanation = explain(card)
    parts = {part.key: part for part in explanation.parts}
    # No capability mark, no rating: left out, results (40) and visits (20) share 100.
    assert parts["capability"].share is None and parts["rating"].share is None
    assert (parts["results"].share, parts["visits"].share) == (Decimal("66.67"), Decimal("33.33"))
    # The points add up to the total shown.
    assert sum(part.points for part in parts.values() if part.points is not None) == card.composite

    text = _text(login(engineer).get(reverse("scoring:scorecard", args=[engineer.pk]) + QUERY))
    assert "(10 working days × 4 a week + 11 working days × 5 a week) ÷ 5 = 19.00" in text
    assert card.expected_visits == Decimal("19.00")
    assert "the annual target ¥12,000,000 × 31 days in the period ÷ 365 days in the year = ¥1,019,178" in text
    assert "Left out for lack of data: Capability, Sales rating" in text
    assert "(40% + 20%, together 60%) are scaled up to 100%: Results 40% → 66.67%, Visits 20% → 33.33%" in text
    assert "Visits score: 100 × 1 ÷ 19.00 = 5.26, capped at 100: 5.26." in text
    assert f"= {card.composite}" in text  # the total's sentence ends on the total


def test_the_explanation_speaks_chinese(personas, login):
    engineer = _setup(personas)
    client = login(engineer)
    response = client.get(reverse("scoring:scorecard", args=[engineer.pk]) + QUERY, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = _text(response)
    assert "预期拜访" in text
    assert "因缺少数据而不计入" in text
