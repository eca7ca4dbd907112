"""Technical win (技术胜出) and the win-probability model (presales.winning, presales.insights technical/model card)."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from presales.deals.models import Opportunity, OpportunityCompetitor, Outcome
from presales.ops.schedule import JOBS, WeeklyAt
from presales.winning import learning, selectors, services
from presales.winning.models import (
    DealWinProbability,
    ModelStatus,
    TechnicalVerdict,
    Verdict,
    VerdictPhase,
    WinModel,
)
from tests.conftest import client_for
from tests.factories import CompetitorFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

TAG = re.compile(r"<a\s[^>]*>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
TODAY = datetime.date(2026, 6, 1)


def _close(deal: Opportunity, outcome: str, closed_on: datetime.date, reason: str = "price") -> None:
    # Test set-up: the outcome alone (the close service's signing-step rule is tested with the deals app).
    Opportunity.objects.filter(pk=deal.pk).update(
        outcome=outcome, closed_on=closed_on, outcome_reason=reason, probability=100 if outcome == Outcome.WON else 0
    )
    deal.refresh_from_db()


def _deal(personas, **kwargs) -> Opportunity:
    return OpportunityFactory(
        account=personas.account, sales_owner=personas.owner, presales_lead=personas.engineer, **kwargs
    )


def _figure_links(page: str) -> list[dict[str, str]]:
    found = []
    for tag in TAG.findall(page):
        attrs = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}
        if "data-count" in attrs:
            found.append(attrs)
    return found


# --- Technical verdicts ---------------------------------------------------------------------------------------


def test_the_lead_records_a_verdict_at_each_phase_and_changes_keep_history(personas):
    rival = CompetitorFactory(name="华为")
    deal = personas.deal
    verdict = services.technical_verdict_record(
        actor=personas.engineer,
        opportunity=deal,
        phase=VerdictPhase.EVALUATION,
        verdict=Verdict.TIE,
        competitor=rival,
        reasons="Level on the test",
    )
    services.technical_verdict_record(
        actor=personas.engineer,
        opportunity=deal,
        phase=VerdictPhase.EVALUATION,
        verdict=Verdict.WIN,
        competitor=rival,
        reasons="Won the rerun",
    )
    verdict.refresh_from_db()
    assert verdict.verdict == Verdict.WIN
    assert TechnicalVerdict.objects.count() == 1
    assert [row.verdict for row in verdict.history.order_by("history_date")] == [Verdict.TIE, Verdict.WIN]
    assert verdict.history.first().history_user == personas.engineer
    # At close only once the deal is closed; a verdict other than "not assessed" says why.
    with pytest.raises(ValidationError):
        services.technical_verdict_record(
            actor=personas.engineer, opportunity=deal, phase=VerdictPhase.CLOSE, verdict=Verdict.WIN, reasons="x"
        )
    with pytest.raises(ValidationError):
        services.technical_verdict_record(
            actor=personas.engineer, opportunity=deal, phase=VerdictPhase.EVALUATION, verdict=Verdict.LOSS
        )


def test_who_records_verdicts(personas):
    deal = personas.deal
    for person in (personas.owner, personas.outsider, personas.teammate):
        with pytest.raises(PermissionDenied):
            services.technical_verdict_record(
                actor=person, opportunity=deal, phase=VerdictPhase.EVALUATION, verdict=Verdict.NOT_ASSESSED
            )
    for person in (personas.engineer, personas.admin):
        services.technical_verdict_record(
            actor=person, opportunity=deal, phase=VerdictPhase.EVALUATION, verdict=Verdict.NOT_ASSESSED
        )


def test_verdict_pages_and_access(personas):
    deal = personas.deal
    url = reverse("winning:verdict_record", args=[deal.pk])
    assert client_for(personas.outsider).get(url).status_code == 404
    assert client_for(personas.outsider).get(reverse("winning:deal_panel", args=[deal.pk])).status_code == 404
    assert client_for(personas.owner).get(url).status_code == 403
    owner_panel = client_for(personas.owner).get(reverse("winning:deal_panel", args=[deal.pk])).content.decode()
    assert url not in owner_panel
    engineer = client_for(personas.engineer)
    assert url in engineer.get(reverse("winning:deal_panel", args=[deal.pk])).content.decode()
    response = engineer.post(
        url,
        {
            "phase": VerdictPhase.EVALUATION,
            "verdict": Verdict.WIN,
            "competitor": "",
            "reasons": "Passed every test",
            "recorded_on": "2026-05-01",
        },
    )
    assert response.status_code == 302
    assert TechnicalVerdict.objects.get().recorded_by == personas.engineer
    # The reasons are required for a verdict: the form says so in place.
    response = engineer.post(
        url, {"phase": VerdictPhase.EVALUATION, "verdict": Verdict.LOSS, "reasons": "", "recorded_on": "2026-05-01"}
    )
    assert response.status_code == 200 and b"Say why" in response.content
    # The list shows verdicts of the deals one sees.
    assert client_for(personas.outsider).get(reverse("winning:verdict_list")).context["page_obj"].paginator.count == 0
    assert client_for(personas.teammate).get(reverse("winning:verdict_list")).context["page_obj"].paginator.count == 1


@pytest.fixture
def verdict_history(personas):
    """Closed deals with verdicts at close against two competitors, one won technically and lost commercially."""
    rival, other = CompetitorFactory(name="华为"), CompetitorFactory(name="H3C")
    today = timezone.localdate()
    rows = [
        (Outcome.WON, Verdict.WIN, rival),
        (Outcome.WON, Verdict.TIE, other),
        (Outcome.LOST, Verdict.WIN, rival),
        (Outcome.LOST, Verdict.LOSS, other),
        (Outcome.LOST, Verdict.NOT_ASSESSED, None),
    ]
    for outcome, verdict, competitor in rows:
        deal = _deal(personas)
        _close(deal, outcome, today - datetime.timedelta(days=10), reason="价格太高")
        services.technical_verdict_record(
            actor=personas.engineer,
            opportunity=deal,
            phase=VerdictPhase.CLOSE,
            verdict=verdict,
            competitor=competitor,
            reasons="because",
            recorded_on=today - datetime.timedelta(days=10),
        )
    # An outsider's deal, which the engineer does not see.
    return rival, other


def test_technical_win_figures_equal_the_rows_they_open(personas, verdict_history):
    for person in (personas.engineer, personas.presales_manager, personas.admin, personas.outsider):
        client = client_for(person)
        page = client.get(reverse("insights:dashboard", args=["technical"]))
        assert page.status_code == 200
        links = _figure_links(page.content.decode())
        if person != personas.outsider:
            assert links
        for attrs in links:
            listing = client.get(attrs["href"])
            shown = listing.context["page_obj"].paginator.count if listing.context["table"].rows else 0
            assert shown == int(attrs["data-count"]), attrs


def test_technical_win_rate_by_competitor_and_the_commercial_losses(personas, verdict_history):
    from presales.insights import technical
    from presales.insights.forms import InsightFilterForm

    rival, other = verdict_history
    f = InsightFilterForm().filters()
    rows = {row["label"]: row for row in technical.rates_by(personas.engineer, f, "competitor")}
    assert (rows["华为"]["assessed"], rows["华为"]["wins"], rows["华为"]["win_rate"]) == (2, 2, 100.0)
    assert (rows["H3C"]["assessed"], rows["H3C"]["ties"], rows["H3C"]["losses"], rows["H3C"]["win_rate"]) == (
        2,
        1,
        1,
        0.0,
    )
    lead = technical.rates_by(personas.engineer, f, "lead")
    assert [(row["assessed"], row["wins"], row["win_rate"]) for row in lead] == [(4, 2, 50.0)]
    total, lost = technical.technical_win_commercial_loss(personas.engineer, f)
    assert total == 1
    assert lost[0]["loss_reason"] == "价格太高" and lost[0]["competitor"] == "华为"


def test_technical_dashboard_queries_do_not_grow_with_rows(personas, verdict_history, django_assert_max_num_queries):
    client = client_for(personas.presales_manager)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("insights:dashboard", args=["technical"])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("winning:verdict_list")).status_code == 200


def _dashboard_counts(client) -> dict[str, int]:
    page = client.get(reverse("insights:dashboard", args=["technical"])).content.decode()
    return {attrs["href"]: int(attrs["data-count"]) for attrs in _figure_links(page)}


def test_the_stored_figures_equal_the_live_ones_per_person(personas, verdict_history):
    """The page reads each person's stored figures; they are exactly what the live computation with that person's
    visibility gives, and nobody gets another person's."""
    from presales.insights import technical
    from presales.insights.forms import InsightFilterForm
    from presales.winning.models import TechnicalWinFigures

    f = InsightFilterForm().filters()
    for person in (personas.engineer, personas.presales_manager, personas.admin, personas.outsider):
        client_for(person).get(reverse("insights:dashboard", args=["technical"]))
        stored = TechnicalWinFigures.objects.get(user=person).data
        assert stored == technical.compute_figures(person, f)
        assert technical.figures(person, f) == stored
    outsider = TechnicalWinFigures.objects.get(user=personas.outsider).data
    assert outsider["phases"] == {} and outsider["lost_total"] == 0
    assert TechnicalWinFigures.objects.get(user=personas.engineer).data["lost_total"] == 1


def test_a_verdict_recorded_changed_or_deleted_shows_at_once(personas, verdict_history):
    """Stored figures stand only while no verdict changed since: the next view counts the new rows, and every count
    still equals the rows its link opens."""
    client = client_for(personas.engineer)
    before = _dashboard_counts(client)
    deal = _deal(personas)
    _close(deal, Outcome.LOST, timezone.localdate() - datetime.timedelta(days=3))
    verdict = services.technical_verdict_record(
        actor=personas.engineer,
        opportunity=deal,
        phase=VerdictPhase.CLOSE,
        verdict=Verdict.WIN,
        reasons="best demo",
        recorded_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    after = _dashboard_counts(client)
    assert after != before
    for href, count in after.items():
        listing = client.get(href)
        assert (listing.context["page_obj"].paginator.count if listing.context["table"].rows else 0) == count, href
    verdict.delete()
    assert _dashboard_counts(client) == before


def test_a_deal_changed_through_its_history_shows_at_once(personas, verdict_history):
    """A deal saved as the services save it (which writes its history) makes the stored figures stale at once: here
    the deal won technically and lost is won after all, and leaves the "technical win, commercial loss" count."""
    from presales.insights import technical
    from presales.insights.forms import InsightFilterForm

    f = InsightFilterForm().filters()
    assert technical.figures(personas.engineer, f)["lost_total"] == 1
    lost_deal = TechnicalVerdict.objects.get(verdict=Verdict.WIN, opportunity__outcome=Outcome.LOST).opportunity
    lost_deal.outcome = Outcome.WON
    lost_deal.save()
    assert technical.figures(personas.engineer, f)["lost_total"] == 0


def test_stale_stored_figures_are_computed_again(personas, verdict_history):
    """Beyond FRESH_FOR a change that writes no history (here a deal's outcome set in SQL; in practice what the person
    may see, such as their teams) shows too."""
    from presales.insights import technical
    from presales.insights.forms import InsightFilterForm
    from presales.winning.models import TechnicalWinFigures

    f = InsightFilterForm().filters()
    assert technical.figures(personas.engineer, f)["lost_total"] == 1
    lost_deal = TechnicalVerdict.objects.get(verdict=Verdict.WIN, opportunity__outcome=Outcome.LOST).opportunity
    _close(lost_deal, Outcome.WON, lost_deal.closed_on)
    assert technical.figures(personas.engineer, f)["lost_total"] == 1  # fresh: read as stored
    TechnicalWinFigures.objects.update(computed_at=timezone.now() - technical.FRESH_FOR - datetime.timedelta(seconds=1))
    assert technical.figures(personas.engineer, f)["lost_total"] == 0


def test_the_technical_dashboard_reads_its_stored_figures_in_few_queries(
    personas, verdict_history, django_assert_max_num_queries
):
    client = client_for(personas.presales_manager)
    url = reverse("insights:dashboard", args=["technical"])
    assert client.get(url).status_code == 200
    for _more in range(5):  # rows that do not change the number of queries
        deal = _deal(personas)
        _close(deal, Outcome.WON, timezone.localdate() - datetime.timedelta(days=2))
        services.technical_verdict_record(
            actor=personas.engineer,
            opportunity=deal,
            phase=VerdictPhase.CLOSE,
            verdict=Verdict.TIE,
            reasons="even",
            competitor=CompetitorFactory(),
            recorded_on=timezone.localdate() - datetime.timedelta(days=2),
        )
    assert client.get(url).status_code == 200  # computes and stores again
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


# --- The model ---------------------------------------------------------------------------------------------------


def _snapshot(
    deal: int, closed_on: datetime.date, won: bool, stage: str = "4", verdict: str = "none"
) -> learning.Snapshot:
    features = {
        "progress": 0.5,
        "skipped_steps": 0.0,
        "presales_hours": 10.0 + deal % 7,
        "hands_on_share": 0.3,
        "customer_share": 0.3,
        "competitors": float(deal % 3),
        "age_days": 30.0 + deal % 11,
        "amount": 1_000_000.0,
        "stage": stage,
        "poc_result": "none",
        "technical_verdict": verdict,
        "top_threat": "none",
        "supporter_found": "no",
        "decision_maker_met": "no",
        "industry": "finance",
    }
    return learning.Snapshot(
        deal=deal, day=closed_on - datetime.timedelta(days=20), closed_on=closed_on, won=won, features=features
    )


def _history(count: int, *, signal: bool = True) -> list[learning.Snapshot]:
    """`count` closed deals, one a week: won when the verdict was a technical win (mostly), at stage 4."""
    snapshots = []
    for index in range(count):
        won = index % 2 == 0
        noisy = index % 10 == 3
        verdict = ("win" if won != noisy else "loss") if signal else "none"
        snapshots.append(_snapshot(index, TODAY - datetime.timedelta(weeks=count - index), won, verdict=verdict))
    return snapshots


def test_the_hold_out_is_later_in_time_than_every_training_deal():
    snapshots = _history(80)
    # Several deals closing the same day never straddle the cut.
    snapshots += [_snapshot(100 + i, TODAY - datetime.timedelta(weeks=20), i % 2 == 0) for i in range(5)]
    split = learning.time_split(snapshots)
    assert split.train and split.holdout
    assert max(snap.closed_on for snap in split.train) < min(snap.closed_on for snap in split.holdout)
    assert {snap.deal for snap in split.train}.isdisjoint({snap.deal for snap in split.holdout})
    assert len({snap.deal for snap in split.holdout}) == pytest.approx(85 * learning.HOLDOUT_SHARE, abs=3)
    result = learning.train(snapshots, {"4": 40})
    assert result.metrics["train"]["last_close"] < result.metrics["holdout"]["first_close"]


def test_a_model_better_than_the_stage_defaults_is_used():
    result = learning.train(_history(80), {"4": 40})
    assert not result.problem
    assert result.metrics["model"]["brier"] < result.metrics["stage_default"]["brier"]
    assert result.in_use
    assert result.metrics["model"]["auc"] > result.metrics["stage_default"]["auc"] == 0.5


def test_a_model_worse_than_the_stage_defaults_is_not_used():
    # The stage says it all (stage 6 always won, stage 2 always lost) and the stage defaults say 100% and 0%: a
    # regularised model never reaches a Brier score of 0, so it loses to the defaults and is not used.
    snapshots = [
        _snapshot(i, TODAY - datetime.timedelta(weeks=80 - i), i % 2 == 0, stage="6" if i % 2 == 0 else "2")
        for i in range(80)
    ]
    result = learning.train(snapshots, {"6": 100, "2": 0})
    assert result.metrics["stage_default"]["brier"] == 0
    assert result.metrics["model"]["brier"] > 0
    assert not result.in_use


def test_too_little_history_keeps_the_stage_defaults():
    assert learning.train(_history(learning.MIN_CLOSED_DEALS - 1), {"4": 40}).problem == learning.TOO_FEW_DEALS
    all_won = [_snapshot(i, TODAY - datetime.timedelta(weeks=60 - i), True) for i in range(60)]
    assert learning.train(all_won, {"4": 40}).problem == learning.ONE_CLASS


def test_training_with_no_history_says_so_and_the_deal_keeps_its_probability(personas):
    model = services.win_model_request(actor=personas.presales_manager)
    model = services.win_model_train(model=model)
    assert model.status == ModelStatus.TOO_LITTLE_HISTORY and model.problem == learning.TOO_FEW_DEALS
    assert not model.in_use and not DealWinProbability.objects.exists()
    page = client_for(personas.engineer).get(reverse("insights:win_model")).content.decode()
    assert "Too little history" in page
    panel = client_for(personas.engineer).get(reverse("winning:deal_panel", args=[personas.deal.pk])).content.decode()
    assert "Too little closed-deal history" in panel and "data-win-probability" not in panel


def test_a_trained_model_scores_open_deals_with_reasons_in_words(personas):
    """Closed deals whose technical verdict told the outcome: the model learns it, beats the stage default and
    explains an open deal's probability by it."""
    today = timezone.localdate()
    for index in range(48):
        deal = _deal(personas)
        won = index % 2 == 0
        closed_on = today - datetime.timedelta(days=400 - index * 8)
        _close(deal, Outcome.WON if won else Outcome.LOST, closed_on)
        verdict = Verdict.WIN if won != (index % 12 == 5) else Verdict.LOSS
        services.technical_verdict_record(
            actor=personas.engineer,
            opportunity=deal,
            phase=VerdictPhase.EVALUATION,
            verdict=verdict,
            reasons="r",
            recorded_on=closed_on - datetime.timedelta(days=30),
        )
        Opportunity.objects.filter(pk=deal.pk).update(created_at=timezone.now() - datetime.timedelta(days=500))
    services.technical_verdict_record(
        actor=personas.engineer,
        opportunity=personas.deal,
        phase=VerdictPhase.EVALUATION,
        verdict=Verdict.WIN,
        reasons="Passed",
        recorded_on=today,
    )
    model = services.win_model_train(model=services.win_model_request(actor=None))
    assert model.status == ModelStatus.READY, model.problem
    assert model.metrics["train"]["last_close"] < model.metrics["holdout"]["first_close"]
    assert model.in_use
    score = DealWinProbability.objects.get(opportunity=personas.deal)
    assert score.probability > 0.5
    texts = [str(reason) for reason in selectors.reasons(score)]
    assert any(text.startswith("+") and text.endswith("points: technical win recorded") for text in texts), texts
    panel = client_for(personas.engineer).get(reverse("winning:deal_panel", args=[personas.deal.pk]))
    assert f'data-win-probability="{score.percent}"' in panel.content.decode()
    # The stored bytes load back into the same predictions (what the weekly refresh uses).
    assert services.deal_probabilities_refresh(model=model) == 1
    assert DealWinProbability.objects.get(opportunity=personas.deal).probability == pytest.approx(score.probability)


def test_reasons_in_words_in_both_languages():
    assert str(selectors.Reason(12, selectors.reason_words("poc_result", "passed"))) == "+12 points: POC passed"
    assert (
        str(selectors.Reason(-8, selectors.reason_words("supporter_found", "no")))
        == "\u22128 points: no supporter found"
    )
    assert selectors.reason_words("skipped_steps", 3) == "3 steps skipped"
    with translation.override("zh-hans"):
        assert selectors.reason_words("poc_result", "passed") == "POC 通过"
        assert "未找到支持者" in str(selectors.Reason(-8, selectors.reason_words("supporter_found", "no")))


def test_explained_points_are_the_probability_with_and_without_each_feature():
    result = learning.train(_history(80), {"4": 40})
    assert result.bundle is not None
    features = [_history(1)[0].features | {"technical_verdict": "win"}]
    ((probability, reasons),) = learning.explain(result.bundle, features, top=20)
    verdict = next(reason for reason in reasons if reason["feature"] == "technical_verdict")
    assert verdict["points"] > 0 and verdict["value"] == "win"
    assert 0 < probability < 1
    # A dumped and loaded bundle explains the same.
    again = learning.explain(learning.load(learning.dump(result.bundle)), features, top=20)
    assert again[0][0] == pytest.approx(probability)


def test_retraining_is_for_managers_and_runs_in_the_worker(personas, django_capture_on_commit_callbacks):
    url = reverse("winning:retrain")
    assert client_for(personas.engineer).post(url).status_code == 403
    assert client_for(personas.owner).post(url).status_code == 403
    assert not WinModel.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.presales_manager).post(url)
    assert response.status_code == 302
    model = WinModel.objects.get()
    # The test queue runs tasks at once: the worker's task trained it (too little history here).
    assert model.status == ModelStatus.TOO_LITTLE_HISTORY and model.requested_by == personas.presales_manager
    assert model.progress == 100
    progress = client_for(personas.engineer).get(reverse("winning:progress")).content.decode()
    assert "Too little history" in progress


def test_the_weekly_retraining_is_on_the_schedule():
    job = JOBS["retrain_win_model"]
    assert isinstance(job.when, WeeklyAt)
    moment = job.latest_moment(datetime.datetime(2026, 6, 3, 4, 0, tzinfo=datetime.UTC))  # a Wednesday
    assert timezone.localtime(moment).weekday() == 6
    job.run()
    assert WinModel.objects.get().status == ModelStatus.TOO_LITTLE_HISTORY


def test_the_model_card_and_deal_panel_queries_are_bounded(personas, django_assert_max_num_queries):
    services.win_model_train(model=services.win_model_request(actor=None))
    for index in range(5):
        deal = _deal(personas)
        OpportunityCompetitor.objects.create(opportunity=deal, competitor=CompetitorFactory(name=f"C{index}"))
    client = client_for(personas.presales_manager)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("insights:win_model")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("winning:deal_panel", args=[personas.deal.pk])).status_code == 200
