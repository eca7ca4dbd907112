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
    "small": SizeSpec(
        name="small",
        sales_teams_per_region=1,
        sales_reps_per_team=2,
        presales_teams=1,
        engineers_per_presales_team=4,
        commercial_people=2,
        after_sales_people=2,
        accounts=60,
        opportunities=250,
        contacts_per_account=(4, 7),
        use_services=True,
        sales_layout="small",
    ),
    "department": SizeSpec(
        name="department",
        sales_teams_per_region=1,
        sales_reps_per_team=5,
        presales_teams=2,
        engineers_per_presales_team=5,
        commercial_people=3,
        after_sales_people=3,
        accounts=600,
        opportunities=5000,
        contacts_per_account=(3, 6),
        use_services=False,
        sales_layout="department",
    ),
    # The size issue 17's page targets are measured at: 50,000 deals, 5,000 accounts, about 20,000 contacts.
    "company": SizeSpec(
        name="company",
        sales_teams_per_region=3,
        sales_reps_per_team=10,
        presales_teams=6,
        engineers_per_presales_team=15,
        commercial_people=25,
        after_sales_people=25,
        accounts=5000,
        opportunities=50_000,
        contacts_per_account=(3, 5),
        use_services=False,
    ),
    "enterprise": SizeSpec(
        name="enterprise",
        sales_teams_per_region=10,
        sales_reps_per_team=15,
        presales_teams=20,
        engineers_per_presales_team=28,
        commercial_people=100,
        after_sales_people=100,
        accounts=10000,
        opportunities=200_000,
        contacts_per_account=(3, 5),
        use_services=False,
    ),
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
