"""Type-ahead search for accounts and contacts (core/pickers.py): what the person may see, their own first."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from presales.core.pickers import PickerView, mine_first
from presales.customers.models import Account, Contact


class AccountPickerView(PickerView):
    """Accounts the person can see, by any of their names in either language or an alias (`name_keys`); those they
    own first, then the recently changed."""

    search_fields = ("name", "short_name", "name_keys")

    def get_queryset(self, request: Any) -> QuerySet[Account]:
        return Account.objects.visible_to(request.user)

    def rank(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return mine_first(queryset, Q(owner=request.user))


class ContactPickerView(PickerView):
    """Stakeholders at the accounts the person can see, by name, title or account; those at their own accounts
    first."""

    search_fields = ("name", "title", "account__name")

    def get_queryset(self, request: Any) -> QuerySet[Contact]:
        return Contact.objects.visible_to(request.user).select_related("account")

    def rank(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return mine_first(queryset, Q(account__owner=request.user))

    def hint(self, row: Contact) -> str:
        return " · ".join(part for part in (row.title, row.account.name) if part)
