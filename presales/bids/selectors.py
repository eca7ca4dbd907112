"""Reads for bids: the gaps ranking by revenue at stake, the tender calendar, what the deal page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DecimalField, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from presales.bids.models import OPEN_TENDER_STATUSES, GapSeverity, GapStatus, Poc, PocStatus, ProductGap, Tender
from presales.currencies.rates import in_company_currency
from presales.knowledge.selectors import suggestions_for_deal

if TYPE_CHECKING:
    from presales.deals.models import Opportunity
    from presales.people.models import User

ZERO = Value(0, output_field=DecimalField(max_digits=18, decimal_places=2))


def gap_ranking(gaps: QuerySet[ProductGap], today: datetime.date | None = None) -> QuerySet:
    """One row per gap (same wording): deals, open pipeline, lost revenue, ranked by the sum at stake.

    Amounts are in the company currency (docs/domain.md, Money): open deals at today's rate, lost deals at the rate of
    their close date, so a gap met on deals in several currencies is one row.
    """
    today = today or timezone.localdate()
    open_amount = in_company_currency("opportunity__amount", currency="opportunity__currency", on=today)
    lost_amount = in_company_currency(
        "opportunity__amount", currency="opportunity__currency", on="opportunity__closed_on"
    )
    return (
        gaps.exclude(status=GapStatus.CLOSED)
        .values("key")
        .annotate(
            title=Min("title"),
            product=Max("product"),
            deals=Count("opportunity", distinct=True),
            deal_breakers=Count("pk", filter=Q(severity=GapSeverity.DEAL_BREAKER)),
            open_pipeline=Coalesce(Sum(open_amount, filter=Q(opportunity__outcome="open")), ZERO),
            lost_revenue=Coalesce(Sum(lost_amount, filter=Q(opportunity__outcome="lost")), ZERO),
        )
        .annotate(at_stake=F("open_pipeline") + F("lost_revenue"))
        .order_by("-at_stake", "-deal_breakers", "key")
    )


@dataclass
class CalendarEntry:
    when: datetime.datetime
    kind: str
    label: Any
    tender: Tender


def tender_calendar(user: User, days: int = 60) -> list[tuple[datetime.date, list[CalendarEntry]]]:
    """Question deadlines, submission deadlines and openings of open tenders in the coming weeks, by day."""
    from django.utils.translation import gettext_lazy as _

    now = timezone.now()
    until = now + datetime.timedelta(days=days)
    tenders = (
        Tender.objects.visible_to(user)
        .filter(status__in=OPEN_TENDER_STATUSES)
        .filter(
            Q(submission_deadline__range=(now, until))
            | Q(question_deadline__range=(now, until))
            | Q(opening_at__range=(now, until))
        )
        .select_related("opportunity__account")
    )
    entries: list[CalendarEntry] = []
    for tender in tenders:
        for kind, label, when in (
            ("question", _("Questions close"), tender.question_deadline),
            ("submission", _("Submission deadline"), tender.submission_deadline),
            ("opening", _("Bid opening"), tender.opening_at),
        ):
            if when and now <= when <= until:
                entries.append(CalendarEntry(when=when, kind=kind, label=label, tender=tender))
    entries.sort(key=lambda entry: entry.when)
    by_day: dict[datetime.date, list[CalendarEntry]] = {}
    for entry in entries:
        by_day.setdefault(timezone.localtime(entry.when).date(), []).append(entry)
    return list(by_day.items())


def open_pocs(user: User, limit: int = 10) -> list[Poc]:
    """Open POCs the person can see, the ones ending soonest first (for the presales dashboard)."""
    return list(
        Poc.objects.visible_to(user)
        .filter(status__in=(PocStatus.PLANNED, PocStatus.RUNNING))
        .select_related("opportunity__account", "lead")
        .order_by("end_date", "pk")[:limit]
    )


def win_rate_with_and_without_poc(opportunities: QuerySet[Opportunity]) -> dict[str, dict[str, int | float | None]]:
    """Closed deals won/lost with a POC and without one (for the insights)."""
    closed = opportunities.filter(outcome__in=("won", "lost"))
    with_poc = Q(pk__in=Poc.objects.values("opportunity_id"))
    result = {}
    for name, subset in (("with_poc", closed.filter(with_poc)), ("without_poc", closed.exclude(with_poc))):
        counts = subset.aggregate(won=Count("pk", filter=Q(outcome="won")), total=Count("pk"))
        rate = round(100 * counts["won"] / counts["total"], 1) if counts["total"] else None
        result[name] = {"won": counts["won"], "total": counts["total"], "rate": rate}
    return result


def deal_panel(user: User, opportunity: Opportunity) -> dict[str, Any]:
    """What the deal page shows from knowledge and bids: suggestions, tenders, POCs, gaps."""

    return {
        "suggestions": suggestions_for_deal(user, opportunity),
        "tenders": list(opportunity.tenders.all()),
        "pocs": list(opportunity.pocs.all()),
        "gaps": list(opportunity.product_gaps.all()),
    }
