"""The scorecard's optional fifth part, the technical win rate: formula, weight, agreement with the technical win
dashboard, the verdict list behind it, the weights form and who sees it."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from presales.insights import technical
from presales.insights.forms import InsightFilters
from presales.scoring import explain, formulas, selectors, services
from presales.winning import services as winning_services
from presales.winning.models import Verdict, VerdictPhase
from presales.winning.selectors import technical_win_rate
from tests.factories import OpportunityFactory
from tests.test_scoring_selectors import IN_MONTH, MONTH, close, engineer_in

pytestmark = pytest.mark.django_db

D = Decimal
QUERY = "?kind=month&start=2025-03-01"
MONTH_END = datetime.date(2025, 3, 31)
FOUR_PARTS = {"results": 40, "visits": 20, "capability": 20, "rating": 20}
LINK = re.compile(r"<a\s[^>]*data-count=[^>]*>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def _verdict(personas, lead, verdict, *, phase=VerdictPhase.CLOSE, on=IN_MONTH, outcome="won"):
    deal = close(OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=lead), outcome)
    return winning_services.technical_verdict_record(
        actor=personas.admin, opportunity=deal, phase=phase, verdict=verdict, reasons="why", recorded_on=on
    )


@pytest.fixture
def verdicts(personas):
    """The engineer's verdicts at close in March 2025: 2 wins, a tie, a loss and one not assessed; and the rows the
    part must not count: an evaluation-phase win, a win recorded in April, a colleague's win."""
    engineer = personas.engineer
    for verdict in (Verdict.WIN, Verdict.WIN, Verdict.TIE, Verdict.LOSS, Verdict.NOT_ASSESSED):
        _verdict(personas, engineer, verdict, outcome="lost" if verdict == Verdict.LOSS else "won")
    deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=engineer)
    winning_services.technical_verdict_record(
        actor=personas.admin,
        opportunity=deal,
        phase=VerdictPhase.EVALUATION,
        verdict=Verdict.WIN,
        reasons="poc",
        recorded_on=IN_MONTH,
    )
    _verdict(personas, engineer, Verdict.WIN, on=datetime.date(2025, 4, 2))
    colleague = engineer_in(engineer.team, "qian")
    _verdict(personas, colleague, Verdict.WIN)
    return colleague


def test_the_formula_by_hand():
    assert formulas.technical_score(2, 4) == D("50.00")
    assert formulas.technical_score(1, 3) == D("33.33")
    assert formulas.technical_score(0, 0) is None
    scores = {"results": D(80), "visits": D(100), "capability": None, "rating": D(50), "technical": D(60)}
    # Weight 0 (the default): the composite is the four parts' as before, (0.4×80 + 0.2×100 + 0.2×50) ÷ 0.8.
    assert formulas.composite(scores, {**FOUR_PARTS, "technical": 0}) == D("77.50")
    assert formulas.composite(scores, FOUR_PARTS) == D("77.50")
    # Weighed 40/20/0/20/20 (capability without data and weight): (0.4×80 + 0.2×100 + 0.2×50 + 0.2×60) ÷ 1.0 = 74.
    assert formulas.composite(
        scores, {"results": 40, "visits": 20, "capability": 0, "rating": 20, "technical": 20}
    ) == (D("74.00"))


def test_weight_0_leaves_every_score_unchanged(personas, verdicts):
    card = selectors.compute_scorecards([personas.engineer], "month", MONTH, weights=dict(FOUR_PARTS))[0]
    assert (card.technical_wins, card.technical_assessed, card.technical_score) == (2, 4, D("50.00"))
    with_zero = selectors.compute_scorecards(
        [personas.engineer], "month", MONTH, weights={**FOUR_PARTS, "technical": 0}
    )[0]
    assert with_zero.composite == card.composite
    assert [(part.key, part.share) for part in explain.explain(with_zero).parts if part.key == "technical"] == [
        ("technical", None)
    ]


def test_a_weight_above_0_counts_the_rate(personas, verdicts):
    card = selectors.compute_scorecards(
        [personas.engineer],
        "month",
        MONTH,
        weights={"results": 0, "visits": 0, "capability": 0, "rating": 50, "technical": 50},
    )[0]
    # No rating, no other weighed part with data: the composite is the technical win rate alone.
    assert card.rating_score is None
    assert card.composite == D("50.00")
    lines = {part.key: part for part in explain.explain(card).parts}
    assert lines["technical"].share == D("100.00") and lines["technical"].points == D("50.00")
    assert any("2" in line and "4" in line for line in lines["technical"].working)


def test_the_scorecard_and_the_dashboard_agree(personas, verdicts):
    card = selectors.compute_scorecards([personas.engineer], "month", MONTH)[0]
    f = InsightFilters(start=MONTH, end=MONTH_END)
    row = next(row for row in technical.rates_by(personas.admin, f, "lead") if row["key"] == personas.engineer.pk)
    assert (row["wins"], row["ties"], row["losses"], row["assessed"]) == (
        card.technical_wins,
        card.technical_ties,
        card.technical_losses,
        card.technical_assessed,
    )
    assert row["win_rate"] == technical_win_rate(card.technical_wins, card.technical_assessed) == 50.0
    assert round(float(card.technical_score), 1) == row["win_rate"]


def _count_links(content: str) -> dict[str, int]:
    section = content[content.index('id="technical"') :]
    found = {}
    for tag in LINK.findall(section):
        attrs = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}
        found[attrs["href"]] = int(attrs["data-count"])
    return found


def test_the_counts_open_the_verdicts_they_count(personas, login, verdicts):
    client = login(personas.engineer)
    response = client.get(reverse("scoring:scorecard", args=[personas.engineer.pk]) + QUERY)
    assert response.status_code == 200
    links = _count_links(response.content.decode())
    assert sorted(links.values()) == [1, 1, 2, 4]
    for href, count in links.items():
        listing = client.get(href)
        assert listing.status_code == 200
        assert listing.context["page_obj"].paginator.count == count, href


def test_an_engineer_sees_only_their_own_technical_figures(personas, login, verdicts):
    colleague = verdicts
    client = login(personas.engineer)
    assert client.get(reverse("scoring:scorecard", args=[colleague.pk]) + QUERY).status_code == 404
    own = client.get(reverse("scoring:scorecard", args=[personas.engineer.pk]) + QUERY).content.decode()
    assert 'data-part="technical"' in own


def test_the_weight_is_edited_with_the_others(personas, login):
    admin = login(personas.admin)
    weights = services.weights_get()
    form = {"weights": "1", "results": 40, "visits": 20, "capability": 20, "rating": 20, "version": weights.version}
    bad = admin.post(reverse("scoring:setup"), {**form, "technical": 10})
    assert bad.status_code == 200 and "add up to 100" in bad.content.decode()
    ok = admin.post(reverse("scoring:setup"), {**form, "results": 30, "technical": 10})
    assert ok.status_code == 302
    assert selectors.current_weights() == {"results": 30, "visits": 20, "capability": 20, "rating": 20, "technical": 10}
