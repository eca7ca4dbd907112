"""The demo company's technical verdicts and its first win-probability model (presales.demo.winning)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from presales.deals.models import Opportunity, Outcome
from presales.people.models import User
from presales.winning.models import DealWinProbability, ModelStatus, TechnicalVerdict, Verdict, VerdictPhase, WinModel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_demo"), pytest.mark.xdist_group("demo")]


def test_many_deals_have_technical_verdicts_at_both_phases():
    with_lead = Opportunity.objects.filter(presales_lead__isnull=False).exclude(outcome=Outcome.OPEN).count()
    close = TechnicalVerdict.objects.filter(phase=VerdictPhase.CLOSE)
    assert close.count() >= with_lead * 0.8
    assert TechnicalVerdict.objects.filter(phase=VerdictPhase.EVALUATION, opportunity__outcome=Outcome.OPEN).exists()
    # Some deals were won technically and lost all the same: the dashboard's list for sales has rows.
    assert close.filter(verdict=Verdict.WIN, opportunity__outcome=Outcome.LOST).exists()


def test_the_demo_model_learnt_from_two_years_and_beats_the_stage_defaults():
    model = WinModel.objects.get()
    print(
        model.metrics["model"]["brier"],
        model.metrics["stage_default"]["brier"],
        model.metrics["model"]["auc"],
        model.metrics["stage_default"]["auc"],
        model.closed_deals,
        model.metrics["train"],
        model.metrics["holdout"],
    )
    assert model.status == ModelStatus.READY
    assert model.closed_deals >= 100
    assert model.metrics["model"]["brier"] < model.metrics["stage_default"]["brier"]
    assert model.in_use
    open_deals = Opportunity.objects.filter(outcome=Outcome.OPEN).count()
    assert DealWinProbability.objects.count() == open_deals


def test_the_model_card_and_a_deal_page_show_the_results():
    client = Client()
    client.force_login(User.objects.get(username="presalesmgr"))
    page = client.get(reverse("insights:win_model")).content.decode()
    assert "data-model-in-use" in page and "data-brier" in page
    score = DealWinProbability.objects.select_related("opportunity").order_by("pk").first()
    assert score is not None
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    panel = admin.get(reverse("winning:deal_panel", args=[score.opportunity_id])).content.decode()
    assert f'data-win-probability="{score.percent}"' in panel
    assert "points:" in panel
