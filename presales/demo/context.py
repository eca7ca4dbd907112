"""What every demo generator shares: the size being built, the random source and what was created so far."""

from __future__ import annotations

import datetime
import random
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from presales.customers.models import Account
    from presales.deals.models import Competitor
    from presales.people.models import Skill, Team, User
    from presales.playbook.models import Stage


@dataclass(frozen=True)
class SizeSpec:
    """How big the demo company is, and whether rows go through the services or bulk inserts."""

    name: str
    sales_teams_per_region: int
    sales_reps_per_team: int
    presales_teams: int
    engineers_per_presales_team: int
    commercial_people: int
    after_sales_people: int
    accounts: int
    opportunities: int
    contacts_per_account: tuple[int, int]
    use_services: bool
    # "small" / "department": a few regional teams under the sales director; "divisions": one division per
    # region with several teams each (see people.SALES_LAYOUTS).
    sales_layout: str = "divisions"
    batch_size: int = 5000


SIZES: dict[str, SizeSpec] = {
    size.name: size
    for size in (
        # name, sales teams per region, sales reps per team, presales teams, engineers per presales team, commercial
        # people, after-sales people, accounts, opportunities, contacts per account, use_services (then the layout)
        SizeSpec("small", 1, 2, 1, 4, 2, 2, 60, 250, (4, 7), True, sales_layout="small"),
        SizeSpec("department", 1, 5, 2, 5, 3, 3, 600, 5000, (3, 6), False, sales_layout="department"),
        # The size issue 17's page targets are measured at: 50,000 deals, 5,000 accounts, about 20,000 contacts.
        SizeSpec("company", 3, 10, 6, 15, 25, 25, 5000, 50_000, (3, 5), False),
        SizeSpec("enterprise", 10, 15, 20, 28, 100, 100, 10000, 200_000, (3, 5), False),
    )
}


class Progress:
    """A one-line progress display on stderr for the long bulk loads."""

    def __init__(self, stream: TextIO | None, label: str, total: int):
        self.stream = stream
        self.label = label
        self.total = total
        self.started = time.monotonic()
        self.done = -1

    def update(self, done: int) -> None:
        if self.stream is None:
            return
        self.done = done
        percent = 100 * done // self.total if self.total else 100
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r  {self.label}: {done:,}/{self.total:,} ({percent}%) {elapsed:.1f}s")
        self.stream.flush()

    def finish(self) -> None:
        if self.stream is None:
            return
        if self.done != self.total:
            self.update(self.total)
        self.stream.write("\n")
        self.stream.flush()


@dataclass
class SalesTeamInfo:
    """A regional sales team, the regions it sells into and the people who own accounts there."""

    team: Team
    regions: list[str]
    sellers: list[User]
    international: bool = False


@dataclass
class DemoContext:
    """Everything generators share; later capabilities read it to attach their own demo rows."""

    spec: SizeSpec
    rng: random.Random
    today: datetime.date
    stdout: TextIO = sys.stdout
    stderr: TextIO | None = sys.stderr
    logins: dict[str, User] = field(default_factory=dict)
    admin: User | None = None
    sales_teams: list[SalesTeamInfo] = field(default_factory=list)
    presales_people: list[User] = field(default_factory=list)
    commercial_people: list[User] = field(default_factory=list)
    after_sales_people: list[User] = field(default_factory=list)
    managers_by_team: dict[int, User] = field(default_factory=dict)
    users: list[User] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    competitors: list[Competitor] = field(default_factory=list)
    stages: dict[int, Stage] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def progress(self, label: str, total: int) -> Progress:
        return Progress(self.stderr, label, total)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)
