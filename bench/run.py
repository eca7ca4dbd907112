"""Time the opportunity list query path at scale (not part of the test run).

    .venv/bin/python bench/run.py                      # seeds `department` into a temporary SQLite file
    .venv/bin/python bench/run.py --database PATH      # reuse a seeded database (e.g. from seed_enterprise.py --keep)

For a sales rep, the sales director (a manager over the whole sales department) and an admin, it times
what the deal list page does per request: `Opportunity.objects.visible_to(user).with_list_relations()`,
filtered, ordered, one page of PRESALES_PAGE_SIZE rows, plus the count for the paginator.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from _setup import configure, remove

REPEAT = 7


def timed(function: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, int]:
    """Median milliseconds over `repeat` runs, and the number of SQL queries one run makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function()
    durations = []
    for _run in range(repeat):
        started = time.perf_counter()
        function()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), len(queries)


def scenarios(username: str) -> dict[str, Callable[[], Any]]:
    """What one deal-list request runs for this person, in a few typical shapes."""
    from django.conf import settings
    from django.core.paginator import Paginator
    from django.db.models import Q
    from django.utils import timezone

    from presales.deals.models import Opportunity
    from presales.people.models import User

    page_size = settings.PRESALES_PAGE_SIZE
    year_ago = timezone.localdate() - datetime.timedelta(days=365)

    def request(shape: Callable[[Any], Any], page: int | str = 1) -> Callable[[], Any]:
        def run() -> Any:
            # A fresh user per request, as in a real request: the visibility scope is computed each time.
            user = User.objects.select_related("team").get(username=username)
            queryset = shape(Opportunity.objects.visible_to(user).with_list_relations())
            paginator = Paginator(queryset, page_size)
            number = paginator.num_pages if page == "last" else page  # .num_pages runs the count
            rows = list(paginator.page(number).object_list)
            return paginator.count, [row.account.name for row in rows]

        return run

    return {
        "default (close date), page 1": request(lambda qs: qs),
        "open, by amount desc, page 1": request(lambda qs: qs.open().order_by("-amount", "pk")),
        "open, stage 4, by close date": request(
            lambda qs: qs.open().filter(stage__number=4).order_by("expected_close_date", "pk")
        ),
        "search '数据' in name/account": request(
            lambda qs: qs.filter(Q(name__icontains="数据") | Q(account__name__icontains="数据")).order_by(
                "-amount", "pk"
            )
        ),
        "won last 12 months, by closed_on": request(
            lambda qs: qs.filter(outcome="won", closed_on__gte=year_ago).order_by("-closed_on", "pk")
        ),
        "default, last page": request(lambda qs: qs, page="last"),
        "count only (open)": lambda: Opportunity.objects.visible_to(User.objects.get(username=username)).open().count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="department", help="size to seed when no --database is given")
    parser.add_argument("--database", help="an already seeded SQLite file to use instead")
    options = parser.parse_args()
    path = configure(options.database)
    from presales.deals.models import Opportunity
    from presales.demo import company
    from presales.people.models import User

    if not options.database:
        started = time.monotonic()
        company.generate(options.size, seed=42, stdout=sys.stdout, stderr=sys.stderr)
        print(f"seeded {options.size} in {time.monotonic() - started:.1f}s")
    total = Opportunity.objects.count()
    print(f"\n{total:,} opportunities in {path}\n")
    people = [("sales rep", "sales"), ("sales director", "salesmgr"), ("presales eng.", "presales"), ("admin", "admin")]
    print(f"{'person':<15} {'visible':>9}  {'scenario':<36} {'median ms':>10} {'queries':>8}")
    for label, username in people:
        user = User.objects.get(username=username)
        visible = Opportunity.objects.visible_to(user).count()
        for name, function in scenarios(username).items():
            milliseconds, queries = timed(function)
            print(f"{label:<15} {visible:>9,}  {name:<36} {milliseconds:>10.1f} {queries:>8}")
    if not options.database:
        remove(path)


if __name__ == "__main__":
    main()
