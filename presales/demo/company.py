"""The demo and scale data generator behind `manage.py seed_demo`: the top of the stack, above every app it fills.

`generate(size, seed, stdout)` builds a realistic company, deterministically from the seed: people
(presales.demo.people), customers (.customers), competitors and deals with their checklists (.deals,
.checklists), presales work (.work), knowledge (.knowledge), bids and POCs (.bids), scorecards (.scoring) and the forecast (.forecast).
Each is a small generator `f(ctx: DemoContext) -> None`, listed in GENERATORS in the order they run; each reads
what the earlier ones made from the context (ctx.accounts, ctx.logins, ...). The apps know nothing of the demo.

The small size goes through the services, so the audit trail exists; department and enterprise use
bulk inserts of rows the services would accept (see deals.opportunity_problems and its test).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import TextIO

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from presales.demo.approvals import generate_approvals
from presales.demo.bids import generate_bids
from presales.demo.capacity import generate_capacity
from presales.demo.context import SIZES, DemoContext, SizeSpec
from presales.demo.currencies import generate_currencies
from presales.demo.customers import generate_customers
from presales.demo.deals import generate_competitors, generate_deals
from presales.demo.forecast import generate_forecast
from presales.demo.knowledge import generate_knowledge
from presales.demo.people import DEMO_LOGINS, DEMO_PASSWORD, generate_people
from presales.demo.scoring import generate_scoring
from presales.demo.winning import generate_winning
from presales.demo.work import generate_work
from presales.notifications import services as notification_services
from presales.people.models import User
from presales.work.models import Activity

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "GENERATORS",
    "SIZES",
    "DemoContext",
    "SizeSpec",
    "already_loaded",
    "generate",
    "print_logins",
]

Generator = Callable[[DemoContext], None]

# Run in this order; each may read what the earlier ones put on the context (the scorecards read the activities).
GENERATORS: list[tuple[str, Generator]] = [
    ("people", generate_people),
    ("currencies", generate_currencies),
    ("customers", generate_customers),
    ("competitors", generate_competitors),
    ("deals", generate_deals),
    ("work", generate_work),
    ("knowledge", generate_knowledge),
    ("bids", generate_bids),
    ("winning", generate_winning),
    ("scoring", generate_scoring),
    ("approvals", generate_approvals),
    ("capacity", generate_capacity),
    ("forecast", generate_forecast),
]


def already_loaded() -> bool:
    """The demo company is there when its demo logins exist."""
    return User.objects.filter(username__in=list(DEMO_LOGINS)).exists()


def generate(
    size: str | SizeSpec = "small", seed: int = 42, stdout: TextIO = sys.stdout, stderr: TextIO | None = sys.stderr
) -> DemoContext | None:
    """Load the demo company of this size; returns None (and changes nothing) when it is already loaded."""
    spec = SIZES[size] if isinstance(size, str) else size
    if already_loaded():
        stdout.write("Demo data already loaded: nothing to do (use a fresh database for another size or seed).\n")
        return None
    ctx = DemoContext(spec=spec, rng=random.Random(seed), today=timezone.localdate(), stdout=stdout, stderr=stderr)
    started = time.monotonic()
    # One transaction: a failed run leaves nothing behind, so the next run starts clean instead of "already loaded".
    # The services notify people by e-mail and chat (sent by the worker after commit); a demo load must not mail
    # hundreds of messages: its deliveries are withheld before the commit, so the worker finds nothing to send.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        for name, generator in GENERATORS:
            step_started = time.monotonic()
            generator(ctx)
            stdout.write(f"  {name}: done in {time.monotonic() - step_started:.1f}s\n")
        notification_services.deliveries_withhold_pending(reason="demo data: not sent")
        # The work generator counts its activities; later ones (winning, capacity) log history too: say what is there.
        ctx.counts["activities"] = Activity.objects.count()
    summary = ", ".join(f"{value:,} {key}" for key, value in ctx.counts.items())
    stdout.write(f"Loaded the {spec.name} demo company (seed {seed}) in {time.monotonic() - started:.1f}s: {summary}\n")
    return ctx


def print_logins(stdout: TextIO) -> None:
    """One login per role with the shared demo password."""
    users = {user.username: user for user in User.objects.filter(username__in=list(DEMO_LOGINS))}
    stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):\n")
    for username, (role, display_name, _title) in DEMO_LOGINS.items():
        user = users.get(username)
        if user is None:
            continue
        stdout.write(f"  {username:<12} {role.label:<20} {user.display_name or display_name}\n")
