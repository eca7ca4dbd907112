"""The forecast switches to the win model only where it is better: the sales dashboard's weighted figures use each
deal's model probability while a model is in use (it beat the stage defaults on the hold-out), the deals' own
probabilities otherwise; each weighted figure opens the deal list whose total equals it."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from presales.deals.models import Opportunity
from presales.winning.models import DealWinProbability, ModelStatus, WinModel
from tests.conftest import client_for
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")
TAG = re.compile(r"<a\s[^>]*>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
# The model's probability of some deals (the others keep their own).
MODEL_PROBABILITIES = (0.8125, 0.05, 0.333)


def _open_deals() -> list[Opportunity]:
    return list(Opportunity.objects.filter(outcome="open"))


def _deals(personas, count: int) -> list[Opportunity]:
    return [
        OpportunityFactory(
            name=f"Deal {index}",
            account=personas.account,
            sales_owner=personas.owner,
            amount=Decimal(100000 + 37000 * index),
        )
        for index in range(count)
    ]


def _model(in_use: bool, deals: list[Opportunity]) -> WinModel:
    model = WinModel.objects.create(
        version=WinModel.objects.count() + 1, status=ModelStatus.READY, requested_at=timezone.now(), in_use=in_use
    )
    for deal, probability in zip(deals, MODEL_PROBABILITIES, strict=False):
        _predict(model, deal, probability)
    return model


def _predict(model: WinModel, deal: Opportunity, probability: float) -> None:
    """The model's probability for the deal, stored as the model's scoring run would."""
    DealWinProbability.objects.create(
        opportunity=deal,
        model=model,
        probability=probability,
        stage_probability=deal.probability,
        reasons=[],
        computed_at=timezone.now(),
    )


def _weighted_links(page: str) -> list[dict[str, str]]:
    """The forecast and funnel's weighted figures: links carrying a weighted total of the deal list."""
    found = []
    for tag in TAG.findall(page):
        attrs = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}
        if attrs.get("data-sum") in ("weighted_sum", "model_weighted_sum"):
            found.append(attrs)
    return found


def _forecast_total(response) -> Decimal:
    panel = next(panel for panel in response.context["panels"] if panel.key == "forecast")
    return sum((row["weighted"] for row in panel.rows), Decimal(0))


def _check_links(client, page: str, total_name: str) -> int:
    links = _weighted_links(page)
    assert links
    for attrs in links:
        assert attrs["data-sum"] == total_name
        totals = client.get(attrs["href"]).context["totals"]
        shown = totals[0][total_name] if totals else Decimal(0)
        assert Decimal(shown or 0).quantize(CENT) == Decimal(attrs["data-value"]).quantize(CENT), attrs["href"]
    return len(links)


def test_with_a_model_in_use_the_forecast_is_weighted_by_it(personas):
    deals = _deals(personas, 5)
    _model(True, deals)
    scored = dict(zip((deal.pk for deal in deals), MODEL_PROBABILITIES, strict=False))
    expected = sum(
        (
            deal.amount * Decimal(str(scored[deal.pk])) if deal.pk in scored else deal.weighted_amount
            for deal in _open_deals()
        ),
        Decimal(0),
    )
    stage_weighted = sum((deal.weighted_amount for deal in _open_deals()), Decimal(0))
    assert expected.quantize(CENT) != stage_weighted.quantize(CENT)
    client = client_for(personas.admin)
    response = client.get(reverse("insights:dashboard", args=["sales"]))
    page = response.content.decode()
    assert _forecast_total(response).quantize(CENT) == expected.quantize(CENT)
    assert "Weighted by the win model" in page and "Weighted by stage probability" not in page
    assert reverse("insights:win_model") in page
    # Every weighted figure opens the deal list whose model-weighted total equals it.
    _check_links(client, page, "model_weighted_sum")
    listing = client.get(reverse("deals:list"), {"outcome": "open"})
    assert listing.context["totals"][0]["model_weighted_sum"].quantize(CENT) == expected.quantize(CENT)
    assert listing.context["totals"][0]["scored"] == len(MODEL_PROBABILITIES)
    assert 'id="model-weighted-total"' in listing.content.decode()


def test_a_model_not_in_use_leaves_the_stage_probabilities(personas):
    deals = _deals(personas, 5)
    _model(False, deals)  # scores left behind by a model that lost to the stage defaults are not used
    expected = sum((deal.weighted_amount for deal in _open_deals()), Decimal(0))
    client = client_for(personas.admin)
    response = client.get(reverse("insights:dashboard", args=["sales"]))
    page = response.content.decode()
    assert _forecast_total(response).quantize(CENT) == expected.quantize(CENT)
    assert "Weighted by stage probability" in page and "Weighted by the win model" not in page
    _check_links(client, page, "weighted_sum")


def test_no_model_at_all_weights_by_stage_probability(personas):
    _deals(personas, 3)
    client = client_for(personas.admin)
    response = client.get(reverse("insights:dashboard", args=["sales"]))
    assert _forecast_total(response) == sum((deal.weighted_amount for deal in _open_deals()), Decimal(0))
    assert "Weighted by stage probability" in response.content.decode()
    listing = client.get(reverse("deals:list"), {"outcome": "open"})
    assert 'id="model-weighted-total"' not in listing.content.decode()


def test_the_model_weighted_dashboard_and_list_queries_do_not_grow(personas):
    client = client_for(personas.admin)
    deals = _deals(personas, 3)
    model = _model(True, deals)
    urls = (reverse("insights:dashboard", args=["sales"]), reverse("deals:list") + "?outcome=open")
    counts = []
    for _round in range(2):
        for url in urls:
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            for url in urls:
                assert client.get(url).status_code == 200
        counts.append(len(captured))
        for deal in _deals(personas, 9):
            _predict(model, deal, 0.5)
    assert counts[0] == counts[1]


def test_the_model_card_queries_do_not_grow(personas):
    client = client_for(personas.presales_manager)
    model = _model(True, _deals(personas, 3))
    url = reverse("insights:win_model")
    counts = []
    for _round in range(2):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
        for deal in _deals(personas, 8):
            _predict(model, deal, 0.4)
    assert counts[0] == counts[1], counts
