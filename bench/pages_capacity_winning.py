"""Time the issue-18 pages on a seeded database and count their queries (not part of the test run).

    .venv/bin/python bench/pages_capacity_winning.py --database PATH     # a database seeded by seed_demo

Each page is requested through Django's test client as the demo presales manager (`presalesmgr`) or the sales
director (`salesmgr`): the team calendar (week and day), the capacity forecast (one stored ForecastRun row), the
booking form from a support request, the request's bookings panel, the technical-win dashboard, the model card,
the sales dashboard (forecast weighted by the model when one is in use), the open deal list with its totals and a
deal's verdict-and-probability panel. Median of 5 runs after one warm-up; "queries" is one request's SQL statements.
Run it on `small` and on `department`: equal query counts mean the pages do not grow with the data.
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import ExitStack

from _setup import configure

REPEAT = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    configure(args.database)

    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from presales.deals.models import Opportunity
    from presales.people.models import User
    from presales.work.models import SupportRequest

    manager = User.objects.get(username="presalesmgr")
    director = User.objects.get(username="salesmgr")
    support = SupportRequest.objects.visible_to(manager).order_by("pk").first()
    deal = Opportunity.objects.visible_to(manager).filter(win_probability__isnull=False).order_by("pk").first()
    deal = deal or Opportunity.objects.visible_to(manager).order_by("pk").first()
    assert support is not None and deal is not None
    pages = [
        (manager, "team calendar, week", reverse("capacity:calendar")),
        (manager, "team calendar, day", reverse("capacity:calendar") + "?view=day"),
        (manager, "capacity forecast", reverse("capacity:forecast")),
        (manager, "booking form (from a request)", reverse("capacity:booking_new") + f"?request={support.pk}"),
        (manager, "request's bookings panel", reverse("capacity:source_bookings", args=["request", support.pk])),
        (manager, "technical win dashboard", reverse("insights:dashboard", args=["technical"])),
        (manager, "model card", reverse("insights:win_model")),
        (director, "sales dashboard", reverse("insights:dashboard", args=["sales"])),
        (director, "deal list, open, with totals", reverse("deals:list") + "?outcome=open"),
        (manager, "deal's verdict and probability", reverse("winning:deal_panel", args=[deal.pk])),
    ]
    print(f"{Opportunity.objects.count():,} deals")
    print("| page | as | median ms | queries |")
    print("| --- | --- | --- | --- |")
    for user, label, url in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        assert client.get(url).status_code == 200, url
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):  # noqa: ANN001, ANN202 - Django's wrapper
            queries.append(sql)
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(count))
            client.get(url)
        durations = []
        for _run in range(REPEAT):
            started = time.perf_counter()
            client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
        print(f"| {label} | {user.username} | {statistics.median(durations):.0f} | {len(queries)} |")


if __name__ == "__main__":
    main()
