"""Type-ahead search for deals and competitors (core/pickers.py): what the person may see, their own first."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from presales.core.pickers import PickerView, mine_first
from presales.deals.models import Competitor, Opportunity


class OpportunityPickerView(PickerView):
    """Deals the person can see, by name or account name; `?open=1`: only open deals. Their own deals (sales owner,
    presales lead) first, then the recently changed."""

    search_fields = ("name", "account__name", "account__short_name")

    def get_queryset(self, request: Any) -> QuerySet[Opportunity]:
        deals = Opportunity.objects.visible_to(request.user).select_related("account")
        return deals.open() if request.GET.get("open") else deals

    def rank(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return mine_first(queryset, Q(sales_owner=request.user) | Q(presales_lead=request.user))

    def hint(self, row: Opportunity) -> str:
        return row.account.name


class CompetitorPickerView(PickerView):
    """Competitors (shared by every deal: everybody may pick them) by any of their names in either language or an
    alias ("Huawei" finds 华为), the most recently updated first."""

    search_fields = ("name", "name_keys")

    def get_queryset(self, request: Any) -> QuerySet[Competitor]:
        return Competitor.objects.all()

    def rank(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("name", "pk")

    def hint(self, row: Competitor) -> str:
        return row.name_en
