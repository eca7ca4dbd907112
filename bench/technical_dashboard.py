"""Time the technical win dashboard on a seeded database and show its SQL (not part of the test run).

    .venv/bin/python bench/technical_dashboard.py --database PATH [--repeat 15] [--explain]

Requests the dashboard through Django's test client as the demo presales manager (`presalesmgr`), the sales director
(`salesmgr`), an administrator (`admin`) and one presales engineer: once without stored figures (the first view
computes and stores them), then `--repeat` times, and prints the first view's time, the median and 95th percentile
in milliseconds and the queries of one request. `--explain` prints each query of the
presales manager's request with its time and the database's plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
PostgreSQL). Set DATABASE_URL to time a PostgreSQL database instead of the SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from _setup import configure


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=not os.environ.get("DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--explain-as", default="presalesmgr")
    args = parser.parse_args()
    configure(args.database)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from presales.deals.models import Opportunity
    from presales.people.models import Role, User
    from presales.winning.models import TechnicalVerdict, TechnicalWinFigures

    url = reverse("insights:dashboard", args=["technical"])
    engineer = User.objects.filter(role=Role.PRESALES, is_active=True).order_by("pk").first()
    people = [User.objects.get(username=name) for name in ("presalesmgr", "salesmgr", "admin")]
    if engineer is not None:
        people.append(engineer)
    print(f"{Opportunity.objects.count():,} deals, {TechnicalVerdict.objects.count():,} verdicts, {connection.vendor}")
    print("| as | first view ms (computes and stores) | median ms | p95 ms | queries |")
    print("| --- | --- | --- | --- | --- |")
    for user in people:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        # The first view computes the person's figures and stores them; the others read them.
        TechnicalWinFigures.objects.filter(user=user).delete()
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        first = (time.perf_counter() - started) * 1000
        # Django empties connection.queries when a request starts: count through an execute wrapper instead.
        captured: list[dict[str, object]] = []

        def record(execute, sql, params, many, context, captured=captured):  # noqa: ANN001, ANN202 - Django's wrapper
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                captured.append({"sql": sql, "params": params, "time": time.perf_counter() - started})

        with connection.execute_wrapper(record):
            client.get(url)
        durations = []
        for _run in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
        median, p95 = statistics.median(durations), percentile(durations, 0.95)
        print(f"| {user.username} | {first:.0f} | {median:.0f} | {p95:.0f} | {len(captured)} |")
        if args.explain and user.username == args.explain_as:
            explain(connection, captured)


def explain(connection, queries) -> None:  # noqa: ANN001 - a Django connection and its captured queries
    """Each SELECT with its time in the request and the database's plan."""
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        print(f"\n-- {float(query['time']) * 1000:.1f} ms: {sql[:600]} {str(query['params'])[:200]}")
        with connection.cursor() as cursor:
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
            cursor.execute(prefix + sql, query["params"])
            for row in cursor.fetchall():
                print("   ", row[-1])


if __name__ == "__main__":
    main()
