"""Shared set-up for the benchmarks: a throw-away SQLite database, Django configured to use it."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(database: str | None = None) -> Path:
    """Point Django at `database` (or a new temporary SQLite file), set it up and migrate; returns the file."""
    path = Path(database) if database else Path(tempfile.mkdtemp(prefix="presales-bench-")) / "bench.sqlite3"
    os.environ["SQLITE_PATH"] = str(path)
    # The task queue's file too: tasks the benchmark enqueues are run in-process (run_pending), not by a worker.
    os.environ.setdefault("PRESALES_VAR_DIR", tempfile.mkdtemp(prefix="presales-bench-var-"))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)
    return path


def remove(path: Path) -> None:
    """Delete the database file and its WAL companions."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    try:
        path.parent.rmdir()
    except OSError:
        pass
