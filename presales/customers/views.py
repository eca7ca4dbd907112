"""Pages for accounts and their stakeholders: lists, details, forms and the org chart."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from presales import access
from presales.core import exports
from presales.core.concurrency import ConcurrentEditError
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.customers import services
from presales.customers.filters import AccountFilterSet, ContactFilterSet, with_open_deals
from presales.customers.forms import AccountForm, ContactForm, VersionedForm
from presales.customers.models import Account, Contact, Level
from presales.people.typing import AuthenticatedHttpRequest


def _page(request: AuthenticatedHttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, settings.PRESALES_PAGE_SIZE).get_page(request.GET.get("page"))


def _conflict_form(
    form_class: type[VersionedForm], request: AuthenticatedHttpRequest, error: ConcurrentEditError, **kwargs: Any
):
    """The form again with what the person typed, now based on the saved version, with the conflict on top.

    Carrying the current version means a second, deliberate save goes through; nothing was overwritten so far.
    """
    data = request.POST.copy()
    data["version"] = str(error.instance.version)  # type: ignore[attr-defined]
    form = form_class(data, **kwargs)
    form.add_error(None, error.message)
    return form


# --- Accounts -----------------------------------------------------------------------------------

ACCOUNT_EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("Name"), "name"),
    exports.Column(gettext_lazy("Short name"), "short_name"),
    exports.Column(gettext_lazy("Industry"), "industry"),
    exports.Column(gettext_lazy("Region"), "region"),
    exports.Column(gettext_lazy("City"), "city"),
    exports.Column(gettext_lazy("Key account"), "is_key_account"),
    exports.Column(gettext_lazy("Owner"), "owner"),
    exports.Column(gettext_lazy("Open deals"), "open_deal_count"),
    exports.Column(gettext_lazy("Open pipeline"), "open_pipeline"),
    exports.Column(gettext_lazy("Website"), "website"),
    exports.Column(gettext_lazy("External ID"), "external_id"),
]
CONTACT_EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("Name"), "name"),
    exports.Column(gettext_lazy("Title"), "title"),
    exports.Column(gettext_lazy("Department"), "department"),
    exports.Column(gettext_lazy("Account"), "account.name"),
    exports.Column(gettext_lazy("Level"), "level"),
    exports.Column(gettext_lazy("Decision role"), "decision_role"),
    exports.Column(gettext_lazy("Attitude"), "attitude"),
    exports.Column(gettext_lazy("Influence"), "influence"),
    exports.Column(gettext_lazy("Reports to"), "reports_to.name"),
    exports.Column(gettext_lazy("Phone"), "phone"),
    exports.Column(gettext_lazy("E-mail"), "email"),
    exports.Column(gettext_lazy("External ID"), "external_id"),
]


@login_required
def account_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The accounts the person can see, with search, filters, sorting and their open deals."""
    base = with_open_deals(Account.objects.visible_to(request.user).select_related("owner"), request.user)
    filterset = AccountFilterSet(request.GET, queryset=base, request=request)
    if download := exports.export_if_requested(request, filterset.qs, ACCOUNT_EXPORT_COLUMNS, basename="accounts"):
        return download
    page_obj = _page(request, filterset.qs)
    return render(
        request,
        "customers/account_list.html",
        {
            "filterset": filterset,
            "page_obj": page_obj,
            "accounts": page_obj.object_list,
            "filtered": any(
                v for k, v in request.GET.items() if k not in ("page", "ordering") and k in filterset.filters
            ),
        },
    )


@login_required
def account_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One account: properties, stakeholders, the deals the person can see, and its history."""
    account = get_object_for_user(Account.objects.select_related("owner", "team"), request.user, pk=pk)
    contacts = account.contacts.select_related("reports_to").order_by("name")
    opportunities = (
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
            "opportunities": opportunities,
            "entries": history_entries(account),
            "can_edit": access.can_edit_account(request.user, account),
            "can_edit_contacts": access.can_edit_contacts(request.user, account),
            "can_create_opportunity": access.can_create_opportunity(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new account; the person creating it is the owner unless they choose someone else."""
    if not access.can_create_account(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = AccountForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                account = services.account_create(actor=request.user, **form.service_data())
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Account “%(name)s” was created.") % {"name": account.name})
                return redirect(account)
    else:
        form = AccountForm(user=request.user)
    return render(request, "customers/account_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change an account; a save based on an out-of-date version is refused and explained."""
    account = get_object_for_user(Account.objects.select_related("owner"), request.user, pk=pk)
    if not access.can_edit_account(request.user, account):
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        # The form writes typed values into its instance; keep `account` as stored for the permission check.
        form = AccountForm(request.POST, instance=copy.copy(account), user=request.user)
        if form.is_valid():
            try:
                account = services.account_update(
                    actor=request.user,
                    account=account,
                    expected_version=form.cleaned_data["version"],
                    **form.service_data(),
                )
            except ConcurrentEditError as error:
                conflict = error
                form = _conflict_form(AccountForm, request, error, instance=copy.copy(account), user=request.user)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Account “%(name)s” was saved.") % {"name": account.name})
                return redirect(account)
    else:
        form = AccountForm(instance=account, user=request.user)
    return render(request, "customers/account_form.html", {"form": form, "account": account, "conflict": conflict})


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


# --- Contacts -----------------------------------------------------------------------------------


@login_required
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Every stakeholder at the accounts the person can see."""
    base = Contact.objects.visible_to(request.user).select_related("account", "reports_to")
    filterset = ContactFilterSet(request.GET, queryset=base, request=request)
    if download := exports.export_if_requested(request, filterset.qs, CONTACT_EXPORT_COLUMNS, basename="contacts"):
        return download
    page_obj = _page(request, filterset.qs)
    return render(
        request,
        "customers/contact_list.html",
        {
            "filterset": filterset,
            "page_obj": page_obj,
            "contacts": page_obj.object_list,
            "filtered": any(
                v for k, v in request.GET.items() if k not in ("page", "ordering") and k in filterset.filters
            ),
        },
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a stakeholder to an account."""
    account = get_object_for_user(Account.objects.all(), request.user, pk=pk)
    if not access.can_edit_contacts(request.user, account):
        raise PermissionDenied
    if request.method == "POST":
        form = ContactForm(request.POST, instance=Contact(account=account))
        if form.is_valid():
            try:
                contact = services.contact_create(actor=request.user, account=account, **form.service_data())
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": contact.name})
                return redirect(account)
    else:
        initial = {}
        # "Add a report" links from the org chart pass the boss along.
        boss = request.GET.get("reports_to", "")
        if boss.isdigit() and account.contacts.filter(pk=boss).exists():
            initial["reports_to"] = int(boss)
        form = ContactForm(instance=Contact(account=account), initial=initial)
    return render(request, "customers/contact_form.html", {"form": form, "account": account})


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a stakeholder; a save based on an out-of-date version is refused and explained."""
    contact = get_object_for_user(Contact.objects.select_related("account"), request.user, pk=pk)
    if not access.can_edit_contact(request.user, contact):
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        form = ContactForm(request.POST, instance=copy.copy(contact))
        if form.is_valid():
            try:
                contact = services.contact_update(
                    actor=request.user,
                    contact=contact,
                    expected_version=form.cleaned_data["version"],
                    **form.service_data(),
                )
            except ConcurrentEditError as error:
                conflict = error
                form = _conflict_form(ContactForm, request, error, instance=copy.copy(contact))
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": contact.name})
                return redirect(contact)
    else:
        form = ContactForm(instance=contact)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "account": contact.account, "contact": contact, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove a stakeholder after confirmation; their reports move up to their boss."""
    contact = get_object_for_user(Contact.objects.select_related("account", "reports_to"), request.user, pk=pk)
    if not access.can_edit_contact(request.user, contact):
        raise PermissionDenied
    if request.method == "POST":
        account = contact.account
        name = contact.name
        services.contact_delete(actor=request.user, contact=contact)
        messages.success(request, _("%(name)s was removed.") % {"name": name})
        return redirect(account)
    return render(
        request,
        "customers/contact_confirm_delete.html",
        {"contact": contact, "report_count": contact.direct_reports.count()},
    )
