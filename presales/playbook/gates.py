"""Holds on playbook steps placed by the apps above the playbook (an approval a step waits for).

The playbook and the deals' checklists sit below the apps that may hold a step (approvals), so they cannot import them.
Instead an upper app registers a check from its AppConfig.ready(): `gates.register(check)`, where `check(opportunity_id,
step_keys)` returns a `StepHold` for each of those steps that may not be completed (or moved past) yet. The deals'
services ask `holds_for(...)` before completing or skipping a step and before a stage move past open steps, so the
checklist page, the board, the deal form and the API meet the same hold; the step page shows the hold's message and
its action (e.g. "Request approval").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class StepHold:
    """Why one step of one deal may not be completed yet, and what to do about it (a link the step page offers)."""

    step_key: str
    message: str
    action_url: str = ""
    action_label: str = ""


StepCheck = Callable[[int, list[str]], list[StepHold]]

_CHECKS: list[StepCheck] = []


def register(check: StepCheck) -> None:
    """Add a check (idempotent: registering the same function twice keeps one)."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def holds_for(opportunity_id: int, step_keys: Iterable[str]) -> dict[str, StepHold]:
    """The holds on these steps of one deal, by step key (the first check that holds a step wins)."""
    keys = list(dict.fromkeys(step_keys))
    holds: dict[str, StepHold] = {}
    if not keys:
        return holds
    for check in _CHECKS:
        for hold in check(opportunity_id, keys):
            holds.setdefault(hold.step_key, hold)
    return holds
