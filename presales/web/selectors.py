"""Reads for the home page: the person's own deals and the pipeline they can see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from presales.currencies.models import company_currency
from presales.currencies.rates import in_company_currency
from presales.deals.models import Opportunity, Outcome
from presales.people.models import User


def pipeline_summary(user: User) -> dict[str, Any]:
    """Open deals, pipeline and weighted pipeline (docs/domain.md, Deal figures) of what the person can see, in one
    query; amounts in the company currency at today's rates, as the deal list's totals these figures open."""
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / Decimal(100), output_field=DecimalField(max_digits=20, decimal_places=2)
    )
    today = timezone.localdate()
    totals = Opportunity.objects.visible_to(user).aggregate(
        open_count=Count("pk", filter=Q(outcome=Outcome.OPEN)),
        pipeline=Coalesce(Sum(in_company_currency("amount", on=today), filter=Q(outcome=Outcome.OPEN)), Decimal(0)),
        weighted=Coalesce(Sum(in_company_currency(weighted, on=today), filter=Q(outcome=Outcome.OPEN)), Decimal(0)),
        won=Count("pk", filter=Q(outcome=Outcome.WON)),
        lost=Count("pk", filter=Q(outcome=Outcome.LOST)),
    )
    decided = totals["won"] + totals["lost"]
    totals["win_rate"] = round(100 * totals["won"] / decided) if decided else None
    totals["currency"] = company_currency()
    return totals


def my_open_deals(user: User, limit: int = 10) -> list[Opportunity]:
    """Open deals the person owns or leads, soonest close date first."""
    return list(
        Opportunity.objects.open()
        .filter(Q(sales_owner=user) | Q(presales_lead=user) | Q(members__user=user))
        .distinct()
        .with_list_relations()
        .order_by("expected_close_date")[:limit]
    )
