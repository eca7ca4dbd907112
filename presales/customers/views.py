"""Pages for accounts and their stakeholders: lists, details, forms and the org chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales import access
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.views import ObjectDeleteView, ObjectEditView, ObjectListView, run_service
from presales.customers import services
from presales.customers.filters import AccountFilterSet, ContactFilterSet, search_names, with_open_deals
from presales.customers.forms import AccountForm, AccountMergeForm, ContactForm
from presales.customers.models import Account, Contact, Level
from presales.customers.selectors import duplicate_accounts, merge_preview
from presales.customers.tables import AccountDealTable, AccountTable, ContactTable
from presales.people.typing import AuthenticatedHttpRequest

# --- Accounts -----------------------------------------------------------------------------------


# The stakeholders' columns on an account's page (the account itself goes without saying).
STAKEHOLDER_COLUMNS = ("name", "level", "decision_role", "attitude", "influence", "reports_to")


class AccountListView(ObjectListView):
    """The accounts the person can see, with search, filters, sorting and their open deals."""

    queryset = Account.objects.select_related("owner")
    filterset_class = AccountFilterSet
    table_class = AccountTable
    template_name = "customers/account_list.html"
    context_object_name = "accounts"
    export_basename = "accounts"

    def get_queryset(self, request: AuthenticatedHttpRequest) -> Any:
        return with_open_deals(super().get_queryset(request), request.user)


@login_required
def account_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One account: properties, stakeholders, the deals the person can see, and its history."""
    account = get_object_for_user(Account.objects.select_related("owner", "team"), request.user, pk=pk)
    contacts = list(account.contacts.select_related("reports_to").order_by("name"))
    opportunities = list(
        account.opportunities.visible_to(request.user)
        .select_related("stage", "sales_owner", "presales_lead")
        .order_by("outcome", "expected_close_date", "pk")
    )
    return render(
        request,
        "customers/account_detail.html",
        {
            "account": account,
            "contacts": contacts,
            "contacts_table": ContactTable(contacts, only=STAKEHOLDER_COLUMNS, sortable=False),
            "opportunities": opportunities,
            "opportunities_table": AccountDealTable(opportunities),
            "entries": history_entries(account),
            "can_edit": access.can_edit_account(request.user, account),
            "can_edit_contacts": access.can_edit_contacts(request.user, account),
            "can_create_opportunity": access.can_create_opportunity(request.user),
            "can_merge": access.can_merge_accounts(request.user),
        },
    )


class AccountEditView(ObjectEditView):
    """A new account (the person creating it is the owner unless they choose someone else), or a change to one; a
    save based on an out-of-date version is refused and explained."""

    queryset = Account.objects.select_related("owner")
    form_class = AccountForm
    template_name = "customers/account_form.html"
    context_object_name = "account"
    created_message = gettext_lazy("Account “%(name)s” was created.")
    updated_message = gettext_lazy("Account “%(name)s” was saved.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: Account) -> bool:
        if obj.pk is None:
            return access.can_create_account(request.user)
        return access.can_edit_account(request.user, obj)

    def get_form_kwargs(self, request: AuthenticatedHttpRequest, obj: Account) -> dict[str, Any]:
        return {"user": request.user}

    def create(self, request: AuthenticatedHttpRequest, form: AccountForm, obj: Account) -> Account:
        return services.account_create(actor=request.user, **form.service_data())

    def update(self, request: AuthenticatedHttpRequest, form: AccountForm, obj: Account) -> Account:
        return services.account_update(
            actor=request.user, account=obj, expected_version=form.cleaned_data["version"], **form.service_data()
        )


account_list = AccountListView.as_view()
account_create = account_edit = AccountEditView.as_view()


@dataclass
class OrgNode:
    """One person in the org chart with the people who report to them."""

    contact: Contact
    children: list[OrgNode] = field(default_factory=list)


LEVEL_RANK: dict[str, int] = {Level.EXECUTIVE: 0, Level.MANAGER: 1, Level.STAFF: 2}


def build_org_tree(contacts: list[Contact]) -> list[OrgNode]:
    """Turn a flat list of one account's contacts into trees by `reports_to`, without further queries.

    Bosses outside the list, and reporting loops that slipped past validation (e.g. old imports), are
    not allowed to hide anybody: such people are shown as roots of their own.
    """
    ordered = sorted(contacts, key=lambda c: (LEVEL_RANK.get(c.level, 9), c.name.casefold(), c.pk))
    nodes = {c.pk: OrgNode(c) for c in ordered}
    roots = [nodes[c.pk] for c in ordered if c.reports_to_id not in nodes]
    for contact in ordered:
        if contact.reports_to_id in nodes:
            nodes[contact.reports_to_id].children.append(nodes[contact.pk])
    # Walk from the roots; whoever is not reached sits in a loop: cut the loop at its first member.
    reached: set[int] = set()
    stack = list(roots)
    while True:
        while stack:
            node = stack.pop()
            reached.add(node.contact.pk)
            stack.extend(node.children)
        missing = [c for c in ordered if c.pk not in reached]
        if not missing:
            break
        loose = nodes[missing[0].pk]
        nodes[missing[0].reports_to_id].children.remove(loose)  # type: ignore[index]
        roots.append(loose)
        stack.append(loose)
    return roots


@login_required
def account_org_chart(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who reports to whom at the account, with each person's level, role, attitude and influence."""
    account = get_object_for_user(Account.objects.all(), request.user, pk=pk)
    contacts = list(account.contacts.all())
    return render(
        request,
        "customers/account_org_chart.html",
        {
            "account": account,
            "roots": build_org_tree(contacts),
            "contact_count": len(contacts),
            "can_edit_contacts": access.can_edit_contacts(request.user, account),
        },
    )


# --- Merging two accounts (administrators) -------------------------------------------------------------------------

MERGE_SEARCH_LIMIT = 20


def _merge_account(request: AuthenticatedHttpRequest, pk: int) -> Account:
    if not access.can_merge_accounts(request.user):
        raise PermissionDenied
    return get_object_or_404(Account.objects.select_related("owner"), pk=pk)


@login_required
def account_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Step 1: the account to merge with this one: its likely duplicates, or any account found by name."""
    account = _merge_account(request, pk)
    duplicates = duplicate_accounts(request.user, account.all_names(), exclude_pk=account.pk)
    query = request.GET.get("q", "").strip()
    found: list[Account] = []
    if query:
        found = list(
            search_names(Account.objects.exclude(pk=account.pk), ("name", "short_name", "city"), query)
            .select_related("owner")
            .order_by("name", "pk")[:MERGE_SEARCH_LIMIT]
        )
    return render(
        request,
        "customers/account_merge.html",
        {"account": account, "duplicates": duplicates.visible, "query": query, "found": found},
    )


@login_required
def account_merge_preview(request: AuthenticatedHttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Step 2: both accounts side by side with what each holds; pick the one to keep, say why, merge."""
    account = _merge_account(request, pk)
    other = _merge_account(request, other_pk)
    if account.pk == other.pk:
        return redirect("customers:account_merge", pk=account.pk)
    form = AccountMergeForm(request.POST or None, accounts=(account, other))
    if request.method == "POST" and form.is_valid():
        survivor = form.cleaned_data["keep"]
        merged = other if survivor.pk == account.pk else account
        done = run_service(
            form,
            lambda: services.account_merge(
                actor=request.user, survivor=survivor, merged=merged, reason=form.cleaned_data["reason"]
            ),
        )
        if done.value is not None:
            record = done.value
            messages.success(
                request,
                _("“%(merged)s” was merged into “%(kept)s”: %(count)s records moved.")
                % {"merged": record.merged_name, "kept": survivor.name, "count": sum(record.moved.values())},
            )
            return redirect(survivor)
    return render(
        request,
        "customers/account_merge_preview.html",
        {"account": account, "other": other, "form": form, "rows": merge_preview(account, other)},
    )


# --- Contacts -----------------------------------------------------------------------------------


class ContactListView(ObjectListView):
    """Every stakeholder at the accounts the person can see."""

    queryset = Contact.objects.select_related("account", "reports_to")
    filterset_class = ContactFilterSet
    table_class = ContactTable
    template_name = "customers/contact_list.html"
    context_object_name = "contacts"
    export_basename = "contacts"


contact_list = ContactListView.as_view()


@login_required
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One stakeholder: their place in the organisation, who reports to them, and the history."""
    contact = get_object_for_user(Contact.objects.select_related("account", "reports_to"), request.user, pk=pk)
    return render(
        request,
        "customers/contact_detail.html",
        {
            "contact": contact,
            "direct_reports": contact.direct_reports.order_by("name"),
            "entries": history_entries(contact),
            "can_edit": access.can_edit_contact(request.user, contact),
        },
    )


class ContactEditView(ObjectEditView):
    """Add a stakeholder to an account, or change one; a save based on an out-of-date version is refused and
    explained."""

    queryset = Contact.objects.select_related("account")
    form_class = ContactForm
    template_name = "customers/contact_form.html"
    context_object_name = "contact"
    created_message = gettext_lazy("%(name)s was added.")
    updated_message = gettext_lazy("%(name)s was saved.")

    def get_object(self, request: AuthenticatedHttpRequest, **kwargs: Any) -> Contact:
        if "account_pk" in kwargs:
            return Contact(account=get_object_for_user(Account.objects.all(), request.user, pk=kwargs["account_pk"]))
        return super().get_object(request, **kwargs)

    def has_permission(self, request: AuthenticatedHttpRequest, obj: Contact) -> bool:
        if obj.pk is None:
            return access.can_edit_contacts(request.user, obj.account)
        return access.can_edit_contact(request.user, obj)

    def get_form_kwargs(self, request: AuthenticatedHttpRequest, obj: Contact) -> dict[str, Any]:
        # A new contact's form needs the account: the boss is chosen among its people.
        return {"instance": obj} if obj.pk is None else {}

    def get_initial(self, request: AuthenticatedHttpRequest, obj: Contact) -> dict[str, Any]:
        # "Add a report" links from the org chart pass the boss along.
        boss = request.GET.get("reports_to", "")
        if obj.pk is None and boss.isdigit() and obj.account.contacts.filter(pk=boss).exists():
            return {"reports_to": int(boss)}
        return {}

    def get_extra_context(self, request: AuthenticatedHttpRequest, obj: Contact, form: ContactForm) -> dict[str, Any]:
        return {"account": obj.account}

    def create(self, request: AuthenticatedHttpRequest, form: ContactForm, obj: Contact) -> Contact:
        return services.contact_create(actor=request.user, account=obj.account, **form.service_data())

    def update(self, request: AuthenticatedHttpRequest, form: ContactForm, obj: Contact) -> Contact:
        return services.contact_update(
            actor=request.user, contact=obj, expected_version=form.cleaned_data["version"], **form.service_data()
        )

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: Contact) -> str:
        # A new stakeholder is seen among the account's others; a changed one on its own page.
        return obj.account.get_absolute_url() if self.creating else obj.get_absolute_url()


class ContactDeleteView(ObjectDeleteView):
    """Remove a stakeholder after confirmation; their reports move up to their boss."""

    queryset = Contact.objects.select_related("account", "reports_to")
    template_name = "customers/contact_confirm_delete.html"
    context_object_name = "contact"
    success_message = gettext_lazy("%(name)s was removed.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: Contact) -> bool:
        return access.can_edit_contact(request.user, obj)

    def get_extra_context(self, request: AuthenticatedHttpRequest, obj: Contact) -> dict[str, Any]:
        return {"report_count": obj.direct_reports.count()}

    def delete(self, request: AuthenticatedHttpRequest, obj: Contact) -> None:
        services.contact_delete(actor=request.user, contact=obj)

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: Contact) -> str:
        return obj.account.get_absolute_url()


contact_create = contact_edit = ContactEditView.as_view()
contact_delete = ContactDeleteView.as_view()
