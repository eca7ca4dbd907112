"""Template context shared by every page: the main navigation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from presales import access
from presales.approvals.selectors import waiting_count


def _everyone(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavEntry:
    """One navigation entry: where it goes, who sees it and which pages highlight it."""

    key: str
    url_name: str | Callable[[Any], str]  # a URL name, or a function of the user giving one
    label: Any
    icon: str
    group: str  # "primary": in the desktop bar; "more": in the More menu
    prefixes: tuple[str, ...]  # view names (or their prefixes) that mark the entry active
    visible: Callable[[Any], bool] = _everyone
    tab: bool = False  # one of the four tabs of the phone's bottom bar (More is the fifth)
    raw_url: bool = False  # url_name is a path, not a URL name (the Django admin)
    count: Callable[[Any], int] | None = None  # a figure shown beside the entry (what waits for the person)


def _work_url(user: Any) -> str:
    # People who log presales work land on their activities; the others on the requests they raised.
    return "work:activity_list" if access.can_log_activity(user) else "work:request_list"


NAVIGATION: list[NavEntry] = [
    NavEntry("home", "web:home", _("Home"), "home", "primary", ("web:home",), tab=True),
    NavEntry("my_steps", "deals:my_steps", _("My steps"), "steps", "primary", ("deals:my_steps",), tab=True),
    NavEntry("deals", "deals:list", _("Opportunities"), "deals", "primary", ("deals:",), tab=True),
    NavEntry("accounts", "customers:account_list", _("Accounts"), "accounts", "primary", ("customers:account",)),
    NavEntry("work", _work_url, _("Work"), "work", "primary", ("work:",), tab=True),
    NavEntry("knowledge", "knowledge:list", _("Knowledge"), "search", "primary", ("knowledge:",)),
    NavEntry("bids", "bids:tender_list", _("Bids & POCs"), "bids", "primary", ("bids:",)),
    NavEntry("insights", "insights:index", _("Insights"), "chart", "primary", ("insights:",)),
    NavEntry(
        "forecast", "forecast:index", _("Forecast"), "chart", "more", ("forecast:",), visible=access.can_see_forecast
    ),
    NavEntry("board", "deals:board", _("Board"), "board", "more", ("deals:board",)),
    NavEntry("contacts", "customers:contact_list", _("Contacts"), "contacts", "more", ("customers:contact",)),
    NavEntry("competitors", "deals:competitor_list", _("Competitors"), "shield", "more", ("deals:competitor",)),
    NavEntry("process", "playbook:stages", _("Process"), "process", "more", ("playbook:",)),
    NavEntry(
        "accountability",
        "deals:accountability",
        _("Accountability board"),
        "board",
        "more",
        ("deals:accountability",),
        visible=access.can_see_accountability_board,
    ),
    NavEntry(
        "unassigned",
        "deals:unassigned",
        _("Steps without an owner"),
        "steps",
        "more",
        ("deals:unassigned",),
        visible=lambda user: bool(access.unassigned_queue_roles(user)),
    ),
    NavEntry(
        "approvals",
        "approvals:inbox",
        _("Approvals"),
        "steps",
        "more",
        ("approvals:",),
        count=waiting_count,
    ),
    NavEntry(
        "bookings",
        "capacity:booking_list",
        _("Bookings"),
        "steps",
        "more",
        ("capacity:booking",),
        visible=access.can_log_activity,
    ),
    NavEntry(
        "team_calendar",
        "capacity:calendar",
        _("Team calendar"),
        "board",
        "more",
        ("capacity:calendar",),
        visible=access.can_see_team_calendar,
    ),
    NavEntry(
        "capacity_forecast",
        "capacity:forecast",
        _("Capacity forecast"),
        "chart",
        "more",
        ("capacity:forecast", "capacity:medians"),
        visible=access.can_see_capacity_forecast,
    ),
    NavEntry("leave", "capacity:leave_list", _("Leave"), "contacts", "more", ("capacity:leave",)),
    NavEntry(
        "travel_times",
        "capacity:travel_times",
        _("Travel times"),
        "settings",
        "more",
        ("capacity:travel",),
        visible=access.can_edit_travel_times,
    ),
    NavEntry(
        "scoring", "scoring:mine", _("Scorecards"), "award", "more", ("scoring:",), visible=access.can_read_scorecards
    ),
    NavEntry(
        "playbook_settings",
        "playbook:settings",
        _("Playbook settings"),
        "settings",
        "more",
        ("playbook:settings", "playbook:draft", "playbook:step_definition"),
        visible=access.can_edit_playbook,
    ),
    NavEntry(
        "outcome_reasons",
        "deals:outcome_reasons",
        _("Win/loss reasons"),
        "settings",
        "more",
        ("deals:outcome_reason",),
        visible=access.can_manage_outcome_reasons,
    ),
    NavEntry(
        "import",
        "integration:import_start",
        _("Import"),
        "download",
        "more",
        ("integration:import",),
        access.can_import,
    ),
    NavEntry(
        "people",
        "staff:person_list",
        _("People"),
        "contacts",
        "more",
        ("staff:",),
        visible=access.can_open_people_pages,
    ),
    NavEntry(
        "webhooks",
        "notifications:webhooks",
        _("Webhooks"),
        "settings",
        "more",
        ("notifications:webhook",),
        visible=access.can_manage_webhooks,
    ),
    NavEntry(
        "exchange_rates",
        "currencies:rates",
        _("Exchange rates"),
        "settings",
        "more",
        ("currencies:",),
        visible=access.can_manage_exchange_rates,
    ),
    NavEntry("admin", "/admin/", _("Admin"), "settings", "more", (), visible=access.can_open_admin_site, raw_url=True),
]


def _active_key(current: str) -> str | None:
    # An exact match wins (the board lives under deals: but is its own entry); else the longest prefix.
    for entry in NAVIGATION:
        if current in entry.prefixes:
            return entry.key
    best: tuple[int, str | None] = (0, None)
    for entry in NAVIGATION:
        for prefix in entry.prefixes:
            if current.startswith(prefix) and len(prefix) > best[0]:
                best = (len(prefix), entry.key)
    return best[1]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    user = request.user
    current = request.resolver_match.view_name if request.resolver_match else ""
    active = _active_key(current)
    items = []
    for entry in NAVIGATION:
        if not entry.visible(user):
            continue
        url_name = entry.url_name(user) if callable(entry.url_name) else entry.url_name
        items.append(
            {
                "key": entry.key,
                "url": url_name if entry.raw_url else reverse(url_name),
                "url_name": url_name,
                "label": entry.label,
                "icon": entry.icon,
                "group": entry.group,
                "tab": entry.tab,
                "active": entry.key == active,
                "count": entry.count(user) if entry.count else 0,
            }
        )
    return {
        "nav_items": items,
        "nav_primary": [item for item in items if item["group"] == "primary"],
        "nav_more": [item for item in items if item["group"] == "more"],
        # The More menu is highlighted when the current page is one of its entries (or, on a phone, not a tab).
        "nav_more_active": any(item["active"] for item in items if item["group"] == "more"),
        "nav_more_active_phone": any(item["active"] for item in items if not item["tab"]),
        "nav_more_count": sum(item["count"] for item in items if item["group"] == "more"),
        "can_create_opportunity": access.can_create_opportunity(user),
        "can_create_account": access.can_create_account(user),
    }
