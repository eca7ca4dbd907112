"""The three looks (三看, docs/domain.md, Support requests and the three looks) as pure functions: time, the matter, the person, and the recommendation.

The selector (`selectors.triage_inputs`) gathers the numbers; these functions only decide and explain, so the
rules can be tested over thousands of combinations without a database.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The matter: every needed skill at this level or above means "confident"...
CONFIDENT_LEVEL = 3
# ...or every needed skill at least at this level plus this many similar requests already done.
LEARNING_LEVEL = 2
EXPERIENCE_COUNT = 2
MAX_LEVEL = 5
WEEKDAYS = 5


class Recommendation:
    SCHEDULE = "schedule"
    MAY_ACCEPT = "may_accept"
    DECLINE = "decline"
    ACCEPT_WITH_PLAN = "accept_with_plan"

    @staticmethod
    def label(code: str) -> str:
        return str(dict(Recommendation.choices()).get(code, code))

    @staticmethod
    def choices() -> list[tuple[str, Any]]:
        """The codes with their (lazily translated) labels: the request's `recommendation` field's choices, so its
        history reads as words, not codes."""
        return [
            (Recommendation.SCHEDULE, gettext_lazy("Presales duty: schedule it")),
            (Recommendation.MAY_ACCEPT, gettext_lazy("May accept")),
            (Recommendation.DECLINE, gettext_lazy("Decline")),
            (Recommendation.ACCEPT_WITH_PLAN, gettext_lazy("Accept with a plan")),
        ]


@dataclass(frozen=True)
class RequestFacts:
    """What the looks need to know about the request."""

    estimate_hours: Decimal
    needed_by: datetime.date
    today: datetime.date
    skill_ids: tuple[int, ...]
    skill_names: Mapping[int, str]
    requester_id: int
    requester_name: str
    requester_is_executive: bool
    is_key_account: bool
    rule_names: tuple[str, ...]
    is_duty: bool
    value_per_hour: Decimal | None = None


@dataclass(frozen=True)
class WorkItem:
    """A piece of the engineer's committed work in the window, with its value per hour."""

    label: str
    hours: Decimal
    value_per_hour: Decimal | None
    url: str = ""


@dataclass(frozen=True)
class EngineerFacts:
    """What the looks need to know about one engineer."""

    engineer_id: int
    name: str
    weekly_capacity: Decimal
    committed_hours: Decimal
    skill_levels: Mapping[int, int]
    past_same_kind_done: int
    manager_ids: frozenset[int] = frozenset()
    familiarity: int = 0
    won_supported: int = 0
    commitments: tuple[WorkItem, ...] = ()


@dataclass
class Look:
    """One look's verdict and why."""

    ok: bool
    reasons: list[str]
    score: Decimal = Decimal(0)


@dataclass
class Verdict:
    """The recommendation for one engineer, with the three looks and, for the hard case, the plan."""

    recommendation: str
    time: Look
    matter: Look
    person: Look
    reasons: list[str]
    failed_looks: list[str] = field(default_factory=list)
    work_to_move: list[WorkItem] = field(default_factory=list)
    colleagues: list[RankedEngineer] = field(default_factory=list)

    @property
    def label(self) -> str:
        return Recommendation.label(self.recommendation)


@dataclass
class RankedEngineer:
    engineer: EngineerFacts
    score: Decimal
    free_hours: Decimal
    confident: bool
    reasons: list[str]


def working_days(today: datetime.date, until: datetime.date) -> int:
    """Weekdays from today to `until`, both included (0 when `until` is past)."""
    if until < today:
        return 0
    days = (until - today).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * WEEKDAYS
    for offset in range(rest):
        if (today + datetime.timedelta(days=full_weeks * 7 + offset)).weekday() < WEEKDAYS:
            count += 1
    return count


def free_hours(
    *, weekly_capacity: Decimal, today: datetime.date, needed_by: datetime.date, committed_hours: Decimal
) -> Decimal:
    """Capacity of the working days until the needed-by date minus what is already committed in that window."""
    available = Decimal(weekly_capacity) * working_days(today, needed_by) / WEEKDAYS
    return (available - Decimal(committed_hours)).quantize(Decimal("0.1"))


def time_look(request: RequestFacts, engineer: EngineerFacts) -> Look:
    free = free_hours(
        weekly_capacity=engineer.weekly_capacity,
        today=request.today,
        needed_by=request.needed_by,
        committed_hours=engineer.committed_hours,
    )
    placeholders = {"free": f"{free:.1f}", "estimate": f"{request.estimate_hours:.1f}", "date": request.needed_by}
    if free >= request.estimate_hours:
        return Look(True, [_("Time: %(free)s free hours before %(date)s, %(estimate)s needed.") % placeholders], free)
    return Look(False, [_("Time: only %(free)s free hours before %(date)s, %(estimate)s needed.") % placeholders], free)


def matter_look(request: RequestFacts, engineer: EngineerFacts) -> Look:
    """Confidence from the needed skills' levels and similar requests done before."""
    levels = [engineer.skill_levels.get(skill_id, 0) for skill_id in request.skill_ids]
    experience = engineer.past_same_kind_done
    score = Decimal(sum(levels)) / (MAX_LEVEL * len(levels)) if levels else Decimal(1)
    score = min(Decimal(1), score + Decimal("0.1") * min(experience, 3)).quantize(Decimal("0.01"))
    missing = [request.skill_names.get(s, str(s)) for s in request.skill_ids if engineer.skill_levels.get(s, 0) == 0]
    weak = [
        request.skill_names.get(s, str(s))
        for s in request.skill_ids
        if 0 < engineer.skill_levels.get(s, 0) < CONFIDENT_LEVEL
    ]
    lowest = min(levels) if levels else MAX_LEVEL
    confident = lowest >= CONFIDENT_LEVEL or (lowest >= LEARNING_LEVEL and experience >= EXPERIENCE_COUNT)
    reasons: list[str] = []
    if not levels:
        reasons.append(_("The matter: no special skill is needed."))
    elif lowest >= CONFIDENT_LEVEL:
        reasons.append(_("The matter: every needed skill is at level %(level)s or above.") % {"level": CONFIDENT_LEVEL})
    if missing:
        reasons.append(_("The matter: lacks %(skills)s.") % {"skills": ", ".join(missing)})
    if weak:
        reasons.append(_("The matter: still learning %(skills)s.") % {"skills": ", ".join(weak)})
    if experience:
        reasons.append(_("The matter: has done %(count)s similar request(s) before.") % {"count": experience})
    elif levels and lowest < CONFIDENT_LEVEL:
        reasons.append(_("The matter: has not done a similar request before."))
    return Look(confident, reasons, score)


def person_look(request: RequestFacts, engineer: EngineerFacts) -> Look:
    """`ok` means the request can be refused; each reason names why it cannot."""
    blockers: list[str] = []
    if request.requester_id in engineer.manager_ids:
        blockers.append(_("The person: %(name)s is the engineer's manager.") % {"name": request.requester_name})
    if request.requester_is_executive:
        blockers.append(_("The person: %(name)s is an executive.") % {"name": request.requester_name})
    if request.is_key_account:
        blockers.append(_("The person: the account is a key account."))
    for rule in request.rule_names:
        blockers.append(_("The person: the rule “%(rule)s” applies.") % {"rule": rule})
    if blockers:
        return Look(False, blockers)
    return Look(True, [_("The person: the request can be refused if need be.")])


def rank_engineers(request: RequestFacts, engineers: Sequence[EngineerFacts]) -> list[RankedEngineer]:
    """Engineers ordered by skill match, free hours, industry/region familiarity and past results, with reasons."""
    ranked: list[RankedEngineer] = []
    for engineer in engineers:
        time = time_look(request, engineer)
        matter = matter_look(request, engineer)
        free = time.score
        # Weights: the matter counts most, then whether the time fits, then familiarity and results.
        time_fit = Decimal(1) if free >= request.estimate_hours else max(Decimal(0), free) / request.estimate_hours
        familiarity = min(Decimal(engineer.familiarity), Decimal(10)) / 10
        results = min(Decimal(engineer.won_supported), Decimal(5)) / 5
        score = Decimal(40) * matter.score + Decimal(30) * time_fit + Decimal(15) * familiarity + Decimal(15) * results
        reasons = [*matter.reasons, *time.reasons]
        if engineer.familiarity:
            reasons.append(
                _("Knows the field: %(count)s activities on accounts of this industry or region.")
                % {"count": engineer.familiarity}
            )
        if engineer.won_supported:
            reasons.append(_("Results: supported %(count)s won deal(s).") % {"count": engineer.won_supported})
        ranked.append(RankedEngineer(engineer, score.quantize(Decimal("0.1")), free, matter.ok, reasons))
    ranked.sort(key=lambda r: (-r.score, -r.free_hours, r.engineer.name))
    return ranked


def recommend(request: RequestFacts, engineer: EngineerFacts, colleagues: Sequence[EngineerFacts] = ()) -> Verdict:
    """Duty → schedule; time and confidence → may accept; else decline if refusable, or accept with a plan."""
    time = time_look(request, engineer)
    matter = matter_look(request, engineer)
    person = person_look(request, engineer)
    if request.is_duty:
        return Verdict(
            Recommendation.SCHEDULE,
            time,
            matter,
            person,
            [_("This is a presales duty in the responsibility matrix: it skips the three looks and is scheduled.")],
        )
    failed = [name for name, look in (("time", time), ("matter", matter)) if not look.ok]
    if not failed:
        return Verdict(
            Recommendation.MAY_ACCEPT,
            time,
            matter,
            person,
            [_("There is time and the engineer is confident: may accept.")],
        )
    failed_words = ", ".join(str(_("time")) if name == "time" else str(_("the matter")) for name in failed)
    if person.ok:
        return Verdict(
            Recommendation.DECLINE,
            time,
            matter,
            person,
            [_("Decline: the look at %(looks)s failed and the request can be refused.") % {"looks": failed_words}],
            failed,
        )
    work_to_move: list[WorkItem] = []
    if not time.ok:
        threshold = request.value_per_hour
        work_to_move = [
            item
            for item in engineer.commitments
            if threshold is None or item.value_per_hour is None or item.value_per_hour < threshold
        ]
        work_to_move.sort(key=lambda item: (item.value_per_hour is not None, item.value_per_hour or 0))
    helpers = [
        r
        for r in rank_engineers(request, [c for c in colleagues if c.engineer_id != engineer.engineer_id])
        if r.confident and r.free_hours > 0
    ][:3]
    reasons = [
        _("Accept with a plan: the look at %(looks)s failed, but the request cannot be refused.")
        % {"looks": failed_words}
    ]
    if work_to_move:
        reasons.append(_("Move lower-value work to make room (listed below)."))
    if helpers:
        reasons.append(_("Ask colleagues with the skill and free hours for help (listed below)."))
    return Verdict(Recommendation.ACCEPT_WITH_PLAN, time, matter, person, reasons, failed, work_to_move, helpers)
