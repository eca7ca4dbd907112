"""Template context shared by every page: the main navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# (url name, label, icon, view-name prefixes that highlight the item)
NAVIGATION: list[tuple[str, Any, str, tuple[str, ...]]] = [
    ("core:home", _("Home"), "home", ("core:home",)),
    ("playbook:my_steps", _("My steps"), "steps", ("playbook:my_steps",)),
    ("deals:list", _("Opportunities"), "deals", ("deals:",)),
    ("deals:board", _("Board"), "board", ("deals:board",)),
    ("customers:account_list", _("Accounts"), "accounts", ("customers:account",)),
    ("customers:contact_list", _("Contacts"), "contacts", ("customers:contact",)),
    ("playbook:stages", _("Process"), "process", ("playbook:",)),
    ("work:activity_list", _("Activities"), "work", ("work:activity", "work:workload")),
    ("work:request_list", _("Requests"), "steps", ("work:request",)),
    ("knowledge:list", _("Knowledge"), "search", ("knowledge:",)),
    ("scoring:mine", _("Scorecards"), "board", ("scoring:",)),
    ("insights:index", _("Insights"), "chart", ("insights:",)),
    ("bids:tender_list", _("Bids & POCs"), "process", ("bids:",)),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    # An exact match wins (the board lives under deals: but is its own item); else the first prefix.
    active = next((entry[0] for entry in NAVIGATION if entry[0] == current), None)
    if active is None:
        active = next((entry[0] for entry in NAVIGATION if any(current.startswith(p) for p in entry[3])), None)
    items = [
        {"url_name": url_name, "label": label, "icon": icon, "active": url_name == active}
        for url_name, label, icon, _prefixes in NAVIGATION
    ]
    from presales.integration.services import can_import

    if can_import(request.user):
        # Only the roles that may create accounts or deals import them.
        items.append(
            {
                "url_name": "integration:import_start",
                "label": _("Import"),
                "icon": "download",
                "active": current.startswith("integration:import"),
            }
        )
    from presales.core import visibility

    return {
        "nav_items": items,
        "can_create_opportunity": visibility.can_create_opportunity(request.user),
        "can_create_account": visibility.can_create_account(request.user),
    }
