"""The value check (docs/domain.md, The value check) as pure functions: value per hour and the flags for low-value effort.

Every request and planned activity answers "how does this raise the win rate?" with an expected uplift in
percentage points; value per hour = amount × uplift ÷ hours. Nothing here touches the database.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# Work below this share of the team's median value per hour is flagged as low value.
LOW_VALUE_SHARE = Decimal("0.5")
# A deal at or beyond these probabilities is as good as decided: more effort will hardly move it.
DECIDED_HIGH = 90
DECIDED_LOW = 10
# Solution work that is polishing once the customer has accepted the solution (playbook step 9).
SOLUTION_KINDS = frozenset({"solution_design", "solution_writing"})
SOLUTION_ACCEPTED_STEP = "solution_accepted"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ValueFlag:
    """One reason to question a piece of work, in plain words."""

    code: str
    message: str


def value_per_hour(amount: Decimal, uplift_points: Decimal | None, hours: Decimal) -> Decimal | None:
    """Expected revenue gained per hour of work: amount × (uplift / 100) ÷ hours; None when it cannot be told."""
    if uplift_points is None or hours is None or hours <= 0:
        return None
    return (Decimal(amount) * Decimal(uplift_points) / Decimal(100) / Decimal(hours)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def team_norm(values: Iterable[Decimal | None]) -> Decimal | None:
    """The median value per hour of the team's open work (None when there is nothing to compare with)."""
    known = sorted(Decimal(v) for v in values if v is not None)
    if not known:
        return None
    return Decimal(statistics.median(known)).quantize(CENT, rounding=ROUND_HALF_UP)


def is_decided(*, is_open: bool, probability: int) -> bool:
    return (not is_open) or probability >= DECIDED_HIGH or probability <= DECIDED_LOW


def value_flags(
    *,
    value: Decimal | None,
    norm: Decimal | None,
    is_open: bool,
    probability: int,
    kind: str,
    solution_accepted: bool,
) -> list[ValueFlag]:
    """The value check's flags: low value against the norm, deal already decided, polishing an accepted solution."""
    flags: list[ValueFlag] = []
    if value is None:
        flags.append(
            ValueFlag("no_uplift", _("No expected uplift given: nobody has said how this raises the win rate."))
        )
    elif norm is not None and norm > 0 and value < norm * LOW_VALUE_SHARE:
        flags.append(
            ValueFlag(
                "low_value",
                _("Low value: %(value)s per hour against a team norm of %(norm)s (below half of it).")
                % {"value": f"{value:,.2f}", "norm": f"{norm:,.2f}"},
            )
        )
    if not is_open:
        flags.append(ValueFlag("decided", _("The deal is already closed: this work cannot change its result.")))
    elif probability >= DECIDED_HIGH:
        flags.append(
            ValueFlag(
                "decided",
                _("The deal is as good as won (%(probability)s%%): more effort will hardly change it.")
                % {"probability": probability},
            )
        )
    elif probability <= DECIDED_LOW:
        flags.append(
            ValueFlag(
                "decided",
                _("The deal is unlikely to be won (%(probability)s%%): check it is worth the effort.")
                % {"probability": probability},
            )
        )
    if kind in SOLUTION_KINDS and solution_accepted:
        flags.append(
            ValueFlag(
                "polishing",
                _(
                    "Polishing: the customer has already accepted the solution (step 9); more solution work adds little."
                ),
            )
        )
    return flags
