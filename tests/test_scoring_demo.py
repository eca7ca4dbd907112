"""The demo company has last month's scorecards for every presales engineer, with all four parts filled."""

import datetime

import pytest

from presales.people.models import Role, User
from presales.scoring import formulas, selectors
from presales.scoring.models import PeriodStatus, ScoringPeriod, WinLossDebrief


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")
def test_small_demo_has_last_months_scorecards_with_all_four_parts(small_demo):
    ctx = small_demo.ctx
    start, _end = formulas.period_bounds("month", ctx.today.replace(day=1) - datetime.timedelta(days=1))
    period = ScoringPeriod.objects.get(kind="month", start=start)
    assert period.status == PeriodStatus.CLOSED
    engineers = set(User.objects.filter(role=Role.PRESALES, is_active=True).values_list("pk", flat=True))
    assert engineers and set(period.snapshots.values_list("engineer_id", flat=True)) == engineers
    cards, _period = selectors.scorecards_for(selectors.scorable_engineers(), "month", start)
    for card in cards:
        assert card.frozen
        assert card.results_score is not None and card.deals, card.engineer_name
        assert card.visits > 0 and card.visits_score is not None
        assert card.capability_score is not None
        assert card.rating_score is not None
        assert card.composite is not None and card.rank is not None
    assert WinLossDebrief.objects.exists()
