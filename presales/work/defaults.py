"""Default data of the work app: which playbook steps each kind of work serves, and response-time targets."""

from __future__ import annotations

from decimal import Decimal

# Which playbook steps (StepDefinition.key) a kind of work serves. A request is a presales duty when one of
# its steps has presales as the responsible role in the responsibility matrix (docs/domain.md, The 24-step playbook).
KIND_STEP_KEYS: dict[str, tuple[str, ...]] = {
    "on_site_visit": ("pain_points", "second_contact"),
    "remote_meeting": ("pain_points",),
    "demo": ("solution_accepted", "competitors"),
    "configuration": ("first_quote", "final_quote"),
    "poc": ("poc",),
    "solution_design": ("solution_accepted",),
    "solution_writing": ("solution_accepted",),
    "training": (),
    "bid_document": (),
    "bid_presentation": (),
    "qa": (),
    "industry_analysis": ("opportunity_analysis",),
    "problem_solving": ("pains_solvable",),
}

# Used only when the playbook's step definitions are not installed: the article's default matrix.
DEFAULT_PRESALES_STEPS = frozenset({"pain_points", "pains_solvable", "solution_accepted", "poc", "competitors"})

# (deal amount from, hours to triage, hours to first response): larger deals are answered faster.
DEFAULT_RESPONSE_TARGETS = [
    (Decimal("0"), 24, 48),
    (Decimal("1000000"), 8, 24),
    (Decimal("5000000"), 4, 8),
]

# When no target row exists at all.
FALLBACK_TARGET_HOURS = (24, 48)
