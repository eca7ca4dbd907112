"""Search, filters and sorting for accounts and contacts: one definition for the list pages and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales import access
from presales.core import search
from presales.core.filters import search_filter
from presales.core.pickers import PickerSelect
from presales.currencies.rates import in_company_currency
from presales.customers.models import Account, Attitude, Contact, DecisionRole, Industry, Level, Region
from presales.customers.names import normalize_account_name
from presales.customers.tables import AccountTable, ContactTable
from presales.people.models import Team, User


def with_open_deals(queryset: QuerySet[Account], user: User) -> QuerySet[Account]:
    """Add `open_deal_count` and `open_pipeline` (in the company currency, at today's rates) per account in the same
    SQL query.

    Only deals the person can see are counted, so the totals never reveal deals hidden from them. The deals are
    reached through the accounts' reverse relation (`opportunities`): customers sit below the deals app.
    """
    open_deals = (
        access.visible_opportunities(user, queryset.model, "opportunities")
        .open()
        .filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
    )
    return queryset.annotate(
        open_deal_count=Coalesce(
            Subquery(open_deals.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
        ),
        open_pipeline=Coalesce(
            Subquery(
                open_deals.annotate(total=Sum(in_company_currency("amount", on=timezone.localdate()))).values("total"),
                output_field=DecimalField(max_digits=20, decimal_places=2),
            ),
            Decimal(0),
            output_field=DecimalField(max_digits=20, decimal_places=2),
        ),
    )


def _name_key(word: str) -> Q:
    key = normalize_account_name(word)
    return Q(name_keys__contains=key) if key else Q()


def search_names(queryset: QuerySet[Any], fields: tuple[str, ...], value: str) -> QuerySet[Any]:
    """`core.search.matching`, and each word may also be part of any of the record's names in either language or an
    alias (its `name_keys`, see customers.names): "Huawei" finds 华为 when Huawei is its English name or an alias."""
    return search.matching(queryset, fields, value, also=_name_key)


def _active_users(request: Any) -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("display_name", "username")


def _visible_accounts(request: Any) -> QuerySet[Account]:
    if request is None:
        return Account.objects.none()
    return Account.objects.visible_to(request.user).only("pk", "name").order_by("name")


# The dashboards' scope (team, industry, region) as list filters, one definition for every list that takes it.
def team_filter(**where: Any) -> django_filters.ModelChoiceFilter:
    """A team picker; `where` says how the list reaches the team (field_name=... or method=...)."""
    return django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.all(),
        empty_label=_("Any team"),
        widget=PickerSelect("people:team_pick"),
        **where,
    )


def industry_filter(field_name: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=_("Industry"), field_name=field_name, choices=Industry.choices, empty_label=_("Any industry")
    )


def region_filter(field_name: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=_("Region"), field_name=field_name, choices=Region.choices, empty_label=_("Any region")
    )


def account_scope_filters(account: str) -> tuple[django_filters.ChoiceFilter, django_filters.ChoiceFilter]:
    """The industry and the region of the account a list's rows reach through the field path `account`."""
    return industry_filter(f"{account}__industry"), region_filter(f"{account}__region")


class AccountFilterSet(django_filters.FilterSet):
    """Accounts: search by name, short name and city; filter by industry, region, key account, owner, mine."""

    q = search_filter(_("Name in either language, alias or city"))
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices, empty_label=_("All"))
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Region.choices, empty_label=_("All"))
    is_key_account = django_filters.BooleanFilter(
        label=_("Key account"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Key accounts")), ("false", _("Other accounts"))]),
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=_active_users, empty_label=_("Anyone"))
    mine = django_filters.BooleanFilter(label=_("Mine only"), method="filter_mine", widget=forms.CheckboxInput)
    ordering = django_filters.OrderingFilter(
        fields=AccountTable.ordering_fields(), label=_("Sort by"), widget=forms.HiddenInput
    )

    class Meta:
        model = Account
        fields = ["q", "industry", "region", "is_key_account", "owner", "mine"]

    @property
    def qs(self) -> QuerySet[Account]:
        queryset = super().qs
        # A stable tie-breaker so that paging through a sorted list never repeats or skips rows.
        return queryset.order_by(*(queryset.query.order_by or Account._meta.ordering), "pk")

    def filter_queryset(self, queryset: QuerySet[Account]) -> QuerySet[Account]:
        # Sorting by open deals needs the annotation whoever calls us (page or API).
        if "open_deal_count" not in queryset.query.annotations and self.request is not None:
            queryset = with_open_deals(queryset, self.request.user)
        return super().filter_queryset(queryset)

    def filter_search(self, queryset: QuerySet[Account], name: str, value: str) -> QuerySet[Account]:
        return search_names(queryset, ("name", "short_name", "city"), value)

    def filter_mine(self, queryset: QuerySet[Account], name: str, value: bool) -> QuerySet[Account]:
        if value and self.request is not None and self.request.user.is_authenticated:
            return queryset.filter(owner=self.request.user)
        return queryset


class ContactFilterSet(django_filters.FilterSet):
    """Stakeholders: search by name, title, department and account; filter by level, role, attitude, account."""

    q = search_filter(_("Name, title, department or account"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All"))
    decision_role = django_filters.ChoiceFilter(
        label=_("Decision role"), choices=DecisionRole.choices, empty_label=_("All")
    )
    attitude = django_filters.ChoiceFilter(label=_("Attitude"), choices=Attitude.choices, empty_label=_("All"))
    account = django_filters.ModelChoiceFilter(label=_("Account"), queryset=_visible_accounts, empty_label=_("All"))
    ordering = django_filters.OrderingFilter(
        fields=ContactTable.ordering_fields(), label=_("Sort by"), widget=forms.HiddenInput
    )

    class Meta:
        model = Contact
        fields = ["q", "level", "decision_role", "attitude", "account"]

    @property
    def qs(self) -> QuerySet[Contact]:
        queryset = super().qs
        return queryset.order_by(*(queryset.query.order_by or ("account__name", "name")), "pk")

    def filter_search(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        return search.matching(queryset, ("name", "title", "department", "account__name", "account__short_name"), value)
