"""A scorecard explained in plain sentences with the numbers that produce each figure (docs/domain.md, Scorecards).

The engineer's own page shows, per part, the raw figures, the score, the weight as set and the weight after
re-weighting, and the points it brings; then how each derived figure (the period's target, the expected visits, the
total) is worked out. The arithmetic is `formulas`; this module only puts its terms into words, in the reader's
language.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from presales.core.templatetags.presales import money
from presales.currencies.models import company_currency
from presales.scoring import formulas
from presales.scoring.selectors import Scorecard


def _n(value: Decimal | int | None, places: int = 2) -> str:
    return number_format(value if value is not None else 0, decimal_pos=places, use_l10n=True, force_grouping=True)


def _money(value: Decimal) -> str:
    return str(money(value, company_currency()))


@dataclass
class PartLine:
    key: str
    label: str
    raw: str  # the raw figures in words
    score: Decimal | None
    weight: int  # as set, in percent
    share: Decimal | None  # after re-weighting, in percent; None: left out
    points: Decimal | None  # score × share
    working: list[str] = field(default_factory=list)  # how the score comes out of the raw figures


@dataclass
class Explanation:
    parts: list[PartLine]
    weighting: str  # the re-weighting (or that there is none)
    total: str  # how the total adds up
    target: str  # how the period's target comes out of the annual target
    expected_visits: str  # how the expected visits come out of the weekly quotas


def _labels() -> dict[str, str]:
    return {
        "results": _("Results"),
        "visits": _("Visits"),
        "capability": _("Capability"),
        "rating": _("Sales rating"),
        "technical": _("Technical win rate"),
    }


def _results(card: Scorecard) -> tuple[str, list[str]]:
    raw = _("%(revenue)s influenced revenue against a %(target)s target; %(won)s won, %(lost)s lost") % {
        "revenue": _money(card.revenue),
        "target": _money(card.target),
        "won": card.won,
        "lost": card.lost,
    }
    working = []
    halves = []
    if card.target > 0:
        attainment = formulas.HUNDRED * card.revenue / card.target
        capped = min(formulas.HUNDRED, attainment)
        halves.append(capped)
        working.append(
            _("Revenue attainment: 100 × %(revenue)s ÷ %(target)s = %(attainment)s, capped at 100: %(capped)s.")
            % {
                "revenue": _money(card.revenue),
                "target": _money(card.target),
                "attainment": _n(attainment),
                "capped": _n(capped),
            }
        )
    else:
        working.append(_("No revenue target for the period: attainment is not judged."))
    if card.win_rate is not None:
        halves.append(card.win_rate)
        working.append(
            _("Win rate: 100 × %(won)s won ÷ (%(won)s won + %(lost)s lost) = %(rate)s (abandoned deals do not count).")
            % {"won": card.won, "lost": card.lost, "rate": _n(card.win_rate)}
        )
    else:
        working.append(_("No supported deal was won or lost in the period: the win rate is not judged."))
    if card.results_score is None:
        working.append(_("Neither half can be judged, so results is left out of the total."))
    elif len(halves) == 2:
        working.append(
            _("Results score: the mean of the two, (%(first)s + %(second)s) ÷ 2 = %(score)s.")
            % {"first": _n(halves[0]), "second": _n(halves[1]), "score": _n(card.results_score)}
        )
    else:
        working.append(
            _("Results score: only one half can be judged, so it is the score: %(score)s.")
            % {"score": _n(card.results_score)}
        )
    return raw, working


def _visits(card: Scorecard) -> tuple[str, list[str]]:
    raw = _("%(visits)s on-site visits, %(expected)s expected") % {
        "visits": card.visits,
        "expected": _n(card.expected_visits),
    }
    if card.visits_score is None:
        return raw, [_("No visit quota in the period: visits is left out of the total.")]
    ratio = formulas.HUNDRED * Decimal(card.visits) / card.expected_visits
    return raw, [
        _("Visits score: 100 × %(visits)s ÷ %(expected)s = %(ratio)s, capped at 100: %(score)s.")
        % {
            "visits": card.visits,
            "expected": _n(card.expected_visits),
            "ratio": _n(ratio),
            "score": _n(card.visits_score),
        }
    ]


def _marks(mean: Decimal | None, score: Decimal | None, count: int, what: str) -> tuple[str, list[str]]:
    if mean is None or score is None:
        if what == "capability":
            return _("not scored"), [_("No capability mark in the period: capability is left out of the total.")]
        return _("no rating received"), [_("No sales rating in the period: the sales rating is left out of the total.")]
    raw = (
        _("mean %(mean)s of 5 over %(count)s marks") % {"mean": _n(mean), "count": count}
        if what == "capability"
        else _("mean %(mean)s of 5 over %(count)s ratings") % {"mean": _n(mean), "count": count}
    )
    return raw, [
        _("Score: (mean %(mean)s − 1) × 25 = %(score)s, so a 1 gives 0, a 3 gives 50 and a 5 gives 100.")
        % {"mean": _n(mean), "score": _n(score)}
    ]


def _technical(card: Scorecard) -> tuple[str, list[str]]:
    raw = _(
        "verdicts at close on the deals the engineer leads: %(assessed)s assessed, technical wins %(wins)s, ties "
        "%(ties)s, technical losses %(losses)s"
    ) % {
        "wins": card.technical_wins,
        "assessed": card.technical_assessed,
        "ties": card.technical_ties,
        "losses": card.technical_losses,
    }
    if card.technical_score is None:
        return raw, [
            _(
                "No technical verdict at close was assessed in the period: the technical win rate is left out of the total."
            )
        ]
    return raw, [
        _(
            "Technical win rate: 100 × %(wins)s wins ÷ %(assessed)s assessed (wins + ties + losses) = %(score)s; "
            "verdicts not assessed count in neither."
        )
        % {"wins": card.technical_wins, "assessed": card.technical_assessed, "score": _n(card.technical_score)}
    ]


def _target(card: Scorecard) -> str:
    days = (card.end - card.start).days + 1
    year_days = 366 if calendar.isleap(card.start.year) else 365
    if card.annual_target is None:
        return _(
            "Target for the period: %(target)s (the annual target it came from was not kept with this frozen card)."
        ) % {"target": _money(card.target)}
    if card.annual_target <= 0:
        return _("No annual revenue target is set, so the period has no target and attainment is not judged.")
    return _(
        "Target for the period: the annual target %(annual)s × %(days)s days in the period ÷ %(year)s days in the "
        "year = %(target)s."
    ) % {"annual": _money(card.annual_target), "days": days, "year": year_days, "target": _money(card.target)}


def _expected_visits(card: Scorecard) -> str:
    weeks = [(row["week"], row["quota"]) for row in card.quota_weeks]
    terms = formulas.quota_days(card.start, card.end, weeks)
    if not terms:
        return _("The period has no working day, so no visit is expected.")
    words = " + ".join(
        _("%(days)s working days × %(quota)s a week") % {"days": days, "quota": quota} for quota, days in terms
    )
    return _(
        "Expected visits: each working day (Monday to Friday) owes a fifth of its week's quota: "
        "(%(terms)s) ÷ 5 = %(expected)s."
    ) % {"terms": words, "expected": _n(card.expected_visits)}


def explain(card: Scorecard) -> Explanation:
    scores = card.part_scores()
    shares = formulas.effective_weights(scores, card.weights)
    labels = _labels()
    raw_and_working = {
        "results": _results(card),
        "visits": _visits(card),
        "capability": _marks(card.capability_mean, card.capability_score, card.capability_count, "capability"),
        "rating": _marks(card.rating_mean, card.rating_score, card.rating_count, "rating"),
        "technical": _technical(card),
    }
    parts = []
    for key in formulas.PARTS:
        share = shares[key]
        score = scores[key]
        raw, working = raw_and_working[key]
        parts.append(
            PartLine(
                key=key,
                label=labels[key],
                raw=raw,
                score=score,
                weight=card.weights.get(key, 0),
                share=formulas.quantize(share * formulas.HUNDRED) if share is not None else None,
                points=formulas.quantize(score * share) if share is not None and score is not None else None,
                working=working,
            )
        )
    kept = [part for part in parts if part.share is not None]
    # A part weighed 0 is not counted whatever its data; only the others are "left out for lack of data".
    left_out = [part for part in parts if part.share is None and part.weight > 0]
    unweighted = [part for part in parts if part.weight <= 0]
    if not kept:
        weighting = _("No part has data for this period, so there is no total.")
    elif left_out:
        weighting = _(
            "Left out for lack of data: %(left)s. The weights of the other parts (%(kept)s, together %(sum)s%%) are "
            "scaled up to 100%%: %(shares)s."
        ) % {
            "left": ", ".join(part.label for part in left_out),
            "kept": " + ".join(f"{part.weight}%" for part in kept),
            "sum": sum(part.weight for part in kept),
            "shares": ", ".join(
                _("%(part)s %(weight)s%% → %(share)s%%")
                % {"part": part.label, "weight": part.weight, "share": _n(part.share)}
                for part in kept
            ),
        }
    else:
        weighting = _("Every part has data: the weights apply as set (%(weights)s).") % {
            "weights": ", ".join(f"{part.label} {part.weight}%" for part in parts if part.weight > 0)
        }
    if unweighted:
        weighting += " " + _("Weighed 0, so not counted: %(parts)s.") % {
            "parts": ", ".join(part.label for part in unweighted)
        }
    if card.composite is None:
        total = _("No total: no part can be judged.")
    else:
        total = _("Total: %(terms)s = %(total)s (each part's score × its weight after re-weighting).") % {
            "terms": " + ".join(f"{_n(part.score)} × {_n(part.share)}%" for part in kept),
            "total": _n(card.composite),
        }
    return Explanation(
        parts=parts, weighting=weighting, total=total, target=_target(card), expected_visits=_expected_visits(card)
    )
