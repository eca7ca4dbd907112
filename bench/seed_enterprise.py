"""Time `seed_demo --size enterprise` on a fresh SQLite file (about 2,000 people and 200,000 deals).

    .venv/bin/python bench/seed_enterprise.py [--size enterprise] [--keep]

--keep leaves the database in place and prints its path. (bench/run.py keeps its own seeded databases under
var/bench/ and times the pages over HTTP.)
"""

from __future__ import annotations

import argparse
import sys
import time

from _setup import configure, remove


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="enterprise")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    options = parser.parse_args()
    path = configure()
    from django.db import connection

    from presales.demo import company

    started = time.monotonic()
    company.generate(options.size, seed=options.seed, stdout=sys.stdout, stderr=sys.stderr)
    elapsed = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_mb = path.stat().st_size / 1024 / 1024
    print(f"\nseed_demo --size {options.size}: {elapsed:.0f}s ({elapsed / 60:.1f} minutes), database {size_mb:.0f} MB")
    if options.keep:
        print(f"database kept at {path}")
    else:
        remove(path)


if __name__ == "__main__":
    main()
