"""THE registry of notification kinds: what each says, in every language, from the parameters stored with it.

A notification stores what happened (its kind, a template variant and parameters), never rendered text. It is rendered
when shown or sent, in the reader's language and time zone (`render`). Parameters are JSON values built with the
helpers below, so an app above this one says *what* to show without rendering it:

- plain strings and numbers (a deal's or a tender's name: data, the same in every language);
- `date(d)` / `moment(dt)`: formatted for the reader's language, a moment in the reader's time zone;
- `in_each_language(fn)`: a label that itself depends on the language (a step's name, a request's kind, an outcome),
  captured once per configured language when the notification is made;
- `items([...])`: a list of such values, joined.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULT_VARIANT = "default"
MAX_ITEMS = 5


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its label, how loudly it shows, and its message templates (one per variant)."""

    key: str
    label: Promise
    templates: dict[str, Promise]
    tone: str = "primary"

    def template(self, variant: str) -> Promise:
        return self.templates.get(variant) or self.templates[DEFAULT_VARIANT]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.key] = kind
    return kind


STEP_ASSIGNED = register(
    Kind(
        "step_assigned",
        _("Step assigned to you"),
        {
            DEFAULT_VARIANT: _("%(step)s on %(deal)s is now yours."),
            "many": _("%(count)s steps on %(deal)s are now yours."),
        },
    )
)
STEP_DUE_SOON = register(
    Kind("step_due_soon", _("Step due soon"), {DEFAULT_VARIANT: _("Due %(date)s: %(step)s on %(deal)s.")}, "warn")
)
STEP_OVERDUE = register(
    Kind(
        "step_overdue",
        _("Step overdue"),
        {DEFAULT_VARIANT: _("Overdue since %(date)s: %(step)s on %(deal)s.")},
        "danger",
    )
)
REQUEST_ASSIGNED = register(
    Kind(
        "request_assigned",
        _("Support request for you"),
        {
            DEFAULT_VARIANT: _("Support request for you to look at: %(request)s, needed by %(needed_by)s."),
            "accepted": _("Accepted and yours: %(request)s, needed by %(needed_by)s."),
        },
    )
)
REQUEST_DONE = register(
    Kind("request_done", _("Support request done"), {DEFAULT_VARIANT: _("Done: %(request)s (by %(engineer)s).")})
)
REQUEST_ESCALATED = register(
    Kind(
        "request_escalated",
        _("Support request nobody picked up"),
        {DEFAULT_VARIANT: _("Nobody picked up in time: %(request)s, asked by %(requester)s, needed by %(needed_by)s.")},
        "danger",
    )
)
RATING_OWED = register(
    Kind(
        "rating_owed",
        _("Rating to give"),
        {
            DEFAULT_VARIANT: _("Rate the presales support of %(engineer)s on %(deal)s (request done)."),
            "deal_closed": _("Rate the presales support of %(engineer)s on %(deal)s (deal closed)."),
        },
    )
)
DEBRIEF_OWED = register(
    Kind(
        "debrief_owed",
        _("Debrief to write"),
        {DEFAULT_VARIANT: _("Debrief %(deal)s (%(outcome)s): main reason, competitor, product gap.")},
    )
)
BID_DEADLINE = register(
    Kind(
        "bid_deadline",
        _("Bid deadline near"),
        {
            DEFAULT_VARIANT: _("%(tender)s: submission deadline in %(days)s day(s); still open for you: %(things)s"),
            "question": _("%(tender)s: question deadline in %(days)s day(s); still open for you: %(things)s"),
        },
        "warn",
    )
)
DEAL_CONFLICT = register(
    Kind(
        "deal_conflict",
        _("Two reps on the same customer deal"),
        {
            DEFAULT_VARIANT: _(
                "Deal conflict at %(account)s: “%(first)s” (%(first_owner)s) and “%(second)s” (%(second_owner)s)."
            )
        },
        "danger",
    )
)
APPROVAL_REQUESTED = register(
    Kind(
        "approval_requested",
        _("Approval to decide"),
        {
            DEFAULT_VARIANT: _("%(requester)s asks you to approve: %(decision)s on %(deal)s (%(amount)s)."),
            "delegate": _(
                "%(requester)s asks %(approver)s, for whom you stand in, to approve: %(decision)s on %(deal)s "
                "(%(amount)s)."
            ),
        },
        "warn",
    )
)
APPROVAL_DECIDED = register(
    Kind(
        "approval_decided",
        _("Approval decided"),
        {
            DEFAULT_VARIANT: _("Approved: %(decision)s on %(deal)s, by %(decider)s. %(comment)s"),
            "rejected": _("Rejected: %(decision)s on %(deal)s, by %(decider)s. %(comment)s"),
        },
    )
)

CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]


# --- building parameters (at the moment something happens) ---------------------------------------------------------


def date(value: datetime.date) -> dict[str, str]:
    """A calendar date, shown in the reader's date format."""
    return {"date": value.isoformat()}


def moment(value: datetime.datetime) -> dict[str, str]:
    """A point in time, shown in the reader's time zone and format."""
    return {"moment": value.isoformat()}


def in_each_language(make: Callable[[], Any]) -> dict[str, dict[str, str]]:
    """A label that depends on the language (a step's name, a request's kind), captured in every language offered."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(make())
    return {"i18n": texts}


def items(values: Iterable[Any]) -> dict[str, list[Any]]:
    """A list (of strings or of the values above), shown joined; long lists are cut after a few."""
    return {"items": list(values)}


def deviation_row(number: int) -> dict[str, int]:
    """A row of a tender's deviation table, named in the reader's language."""
    return {"deviation_row": number}


# --- rendering (when shown or sent) ---------------------------------------------------------------------------------


def _pick_language(texts: dict[str, str]) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language in texts:
        return texts[language]
    base = language.split("-")[0]
    for code, text in texts.items():
        if code.split("-")[0] == base:
            return text
    return texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")


def format_value(value: Any) -> str:
    """One parameter, in the active language and time zone."""
    if isinstance(value, dict):
        if "date" in value:
            return formats.date_format(datetime.date.fromisoformat(value["date"]), "DATE_FORMAT")
        if "moment" in value:
            local = timezone.localtime(datetime.datetime.fromisoformat(value["moment"]))
            return formats.date_format(local, "DATETIME_FORMAT")
        if "i18n" in value:
            return _pick_language(value["i18n"])
        if "deviation_row" in value:
            return str(_("deviation table row %(number)s") % {"number": value["deviation_row"]})
        if "items" in value:
            shown = [format_value(item) for item in value["items"][:MAX_ITEMS]]
            return "; ".join(shown) + ("…" if len(value["items"]) > MAX_ITEMS else "")
    return str(value)


def render_text(kind_key: str, variant: str, params: dict[str, Any]) -> str:
    """The message of a kind, in the active language and time zone; an unknown kind shows its parameters."""
    kind = KINDS.get(kind_key)
    values = {name: format_value(value) for name, value in params.items()}
    if kind is None:
        return ", ".join(f"{name}: {value}" for name, value in values.items())
    try:
        return str(kind.template(variant)) % values
    except (KeyError, TypeError, ValueError):  # a parameter missing from an old row: show what there is
        return f"{kind.label}: " + ", ".join(values.values())


def render_for(kind_key: str, variant: str, params: dict[str, Any], *, language: str = "", time_zone: str = "") -> str:
    """The message in a given language and time zone (a reader's), whatever is active now."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone or settings.PRESALES_DEFAULT_TIMEZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.PRESALES_DEFAULT_TIMEZONE)
    with translation.override(language or settings.LANGUAGE_CODE), timezone.override(zone):
        return render_text(kind_key, variant, params)


def label_in(kind_key: str, language: str) -> str:
    """A kind's name in a given language (the title of an e-mail or chat message)."""
    kind = KINDS.get(kind_key)
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(kind.label) if kind else kind_key
