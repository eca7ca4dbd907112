"""Influenced revenue has one implementation (scoring.selectors.influenced_revenue_by_engineer): the presales
dashboard and the scorecards give every engineer the same figure, whatever the deals, supporters, hours and currencies
(issue 11 item 3; docs/domain.md, Deal figures)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presales.currencies.models import ExchangeRate
from presales.deals.models import DealRole, DealTeamMember, Opportunity
from presales.insights import selectors as insight_selectors
from presales.insights.forms import InsightFilters
from presales.people.models import Role
from presales.scoring import formulas
from presales.scoring.selectors import compute_scorecards
from presales.work.models import Activity, ActivityStatus, WorkType
from tests.factories import UserFactory

MONTH = datetime.date(2025, 3, 1)
D = Decimal

deal_strategy = st.fixed_dictionaries(
    {
        "amount": st.decimals(min_value=D("0"), max_value=D("5000000"), places=2),
        "currency": st.sampled_from(["CNY", "USD"]),
        "outcome": st.sampled_from(["won", "won", "lost", "abandoned"]),
        "day": st.integers(min_value=1, max_value=31),
        "lead": st.one_of(st.none(), st.integers(min_value=0, max_value=2)),
        "members": st.lists(st.integers(min_value=0, max_value=2), max_size=2, unique=True),
        "work": st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=2),  # owner
                st.decimals(min_value=D("0.5"), max_value=D("12"), places=1),  # hours
                st.booleans(),  # done (else planned)
                st.lists(st.integers(min_value=0, max_value=2), max_size=1),  # participants
            ),
            max_size=3,
        ),
    }
)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deals=st.lists(deal_strategy, min_size=1, max_size=4))
def test_dashboard_and_scorecards_credit_the_same_revenue(deals, personas):
    with transaction.atomic():
        ExchangeRate.objects.create(currency="USD", rate=D("7.1"), valid_from=datetime.date(2024, 1, 1))
        engineers = [
            UserFactory(
                role=Role.PRESALES, team=personas.engineer.team, username=f"pe{index}-{Opportunity.objects.count()}"
            )
            for index in range(3)
        ]
        won_total = D(0)
        for spec in deals:
            closed_on = MONTH.replace(day=spec["day"])
            deal = Opportunity.objects.create(
                name="deal",
                account=personas.account,
                sales_owner=personas.owner,
                stage=personas.deal.stage,
                amount=spec["amount"],
                currency=spec["currency"],
                expected_close_date=closed_on,
                presales_lead=engineers[spec["lead"]] if spec["lead"] is not None else None,
            )
            Opportunity.objects.filter(pk=deal.pk).update(outcome=spec["outcome"], closed_on=closed_on)
            for member in spec["members"]:
                DealTeamMember.objects.create(opportunity=deal, user=engineers[member], role=DealRole.PRESALES_MEMBER)
            for owner, hours, done, participants in spec["work"]:
                activity = Activity.objects.create(
                    kind=WorkType.DEMO,
                    date=closed_on,
                    hours=hours,
                    status=ActivityStatus.DONE if done else ActivityStatus.PLANNED,
                    owner=engineers[owner],
                    opportunity=deal,
                    account=personas.account,
                )
                activity.participants.set([engineers[p] for p in participants])
            supported = spec["lead"] is not None or spec["members"] or any(done for _o, _h, done, _p in spec["work"])
            if spec["outcome"] == "won" and supported:
                rate = D("7.1") if spec["currency"] == "USD" else D(1)
                won_total += (spec["amount"] * rate).quantize(D("0.01"))

        start, end = formulas.period_bounds(formulas.MONTH, MONTH)
        f = InsightFilters(start=start, end=end, today=end)
        panel = {row["engineer_id"]: row["revenue"] for row in insight_selectors.influenced_revenue(personas.admin, f)}
        cards = {card.engineer_id: card.revenue for card in compute_scorecards(engineers, formulas.MONTH, MONTH)}
        for engineer in engineers:
            assert panel.get(engineer.pk, D("0.00")) == cards[engineer.pk]
        # Nothing is credited twice or lost: the shares of a deal add up to its amount (to a cent per engineer).
        assert abs(sum(panel.values(), D(0)) - won_total) <= D("0.01") * len(engineers)
        transaction.set_rollback(True)
