"""Real processes: `make demo`'s web server and worker, and an import whose worker is killed with SIGKILL.

These tests start `manage.py run_huey` / `run_web_and_worker` as subprocesses against a database of their own (a
SQLite file, or a fresh PostgreSQL database when DATABASE_URL is set) and the queue the environment chooses (the
SQLite queue file, or Redis when REDIS_URL is set, under a queue name of their own). They observe the database
directly and wait for states, with generous time limits as guards; they assert states, never durations. They run
in the single-process part of `make test` (see the Makefile).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg
import pytest
from huey import RedisHuey

ROOT = Path(__file__).resolve().parent.parent
MANAGE = str(ROOT / "manage.py")
IMPORT_ROWS = 400  # the services path (under the bulk threshold), slow enough to be killed half-way
pytestmark = pytest.mark.worker_process


class Environment:
    """A migrated database, a var/ folder and a queue, shared by the tests of this module."""

    def __init__(self, base: Path):
        self.base = base
        self.database_url = ""
        self.sqlite_path = base / "db.sqlite3"
        self.queue_name = f"presales-worker-test-{os.getpid()}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESALES_", "PYTEST_"))}
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_DEBUG="1",
            PRESALES_VAR_DIR=str(base / "var"),
            PRESALES_QUEUE_NAME=self.queue_name,
            PYTHONUNBUFFERED="1",
        )
        if os.environ.get("DATABASE_URL"):
            self.database_name = f"presales_worker_{os.getpid()}"
            self.server_url = os.environ["DATABASE_URL"]
            self._postgres(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            self._postgres(f'CREATE DATABASE "{self.database_name}"')
            self.database_url = urlparse(self.server_url)._replace(path=f"/{self.database_name}").geturl()
            self.env["DATABASE_URL"] = self.database_url
        else:
            self.env.pop("DATABASE_URL", None)
            self.env["SQLITE_PATH"] = str(self.sqlite_path)
        subprocess.run([sys.executable, MANAGE, "migrate", "-v0"], env=self.env, cwd=ROOT, check=True)  # noqa: S603

    def _postgres(self, statement: str) -> None:
        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(statement)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Read the app's database from outside, as an operator would."""
        if self.database_url:
            with psycopg.connect(self.database_url) as connection:
                return connection.execute(sql).fetchall()
        with sqlite3.connect(self.sqlite_path, timeout=30) as connection:
            return connection.execute(sql).fetchall()

    def start(self, *args: str, log: str) -> subprocess.Popen:
        output = (self.base / log).open("ab")
        return subprocess.Popen(  # noqa: S603
            [sys.executable, MANAGE, *args], env=self.env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )

    def run(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def log(self, name: str) -> str:
        path = self.base / name
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def close(self) -> None:
        if self.env.get("REDIS_URL"):
            RedisHuey(self.queue_name, url=self.env["REDIS_URL"]).flush()  # this queue's keys only
        if self.database_url:
            self._postgres(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> Iterator[Environment]:
    environment = Environment(tmp_path_factory.mktemp("worker-process"))
    yield environment
    environment.close()


def wait_until(condition: Callable[[], Any], *, what: str, timeout: float = 180, logs: Callable[[], str] = str) -> Any:
    """Poll until `condition()` is truthy; the time limit only guards against hanging, it is not what is tested."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n{logs()}")


def stop(process: subprocess.Popen, sig: int = signal.SIGINT) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(port: int) -> tuple[int, dict[str, Any]] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
        return None


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_serves_the_app_and_a_worker_health_turns_green_and_ctrl_c_stops_both(environment):
    """What `make demo` runs, with no command typed: the worker runs every scheduled job by itself."""
    port = free_port()
    supervisor = environment.start("run_web_and_worker", f"127.0.0.1:{port}", "--noreload", log="demo.log")
    try:

        def all_green():
            answer = health(port)
            if answer is None or answer[0] != 200:
                return None
            jobs = answer[1]["scheduled_jobs"]
            return answer if jobs and all(job["result"] == "ok" for job in jobs) else None

        status, body = wait_until(all_green, what="a green /health/", logs=lambda: environment.log("demo.log"))
        assert status == 200 and body["worker"]["alive"] == 1
        assert body["queue"]["backend"] == ("redis" if environment.env.get("REDIS_URL") else "sqlite")
        assert {job["name"] for job in body["scheduled_jobs"]} == {
            "escalate_requests",
            "send_step_reminders",
            "send_bid_reminders",
            "send_rating_reminders",
            "deliver_messages",
            "take_forecast_snapshot",
            "refresh_capacity_forecast",
            "check_deal_health",
            "recover_stuck_imports",
            "retrain_win_model",
        }
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10) as page:  # noqa: S310
            assert page.status == 200 and page.headers["X-Request-ID"]
        children = children_of(supervisor.pid)
        assert len(children) == 2
    finally:
        stop(supervisor, signal.SIGINT)  # Ctrl-C
    assert supervisor.returncode == 0, environment.log("demo.log")
    assert not [pid for pid in children if is_running(pid)]
    assert health(port) is None  # nothing serves any more
    assert "Web server and worker stopped." in environment.log("demo.log")


def test_an_import_whose_worker_is_killed_is_taken_over_and_nothing_half_written_remains(environment):
    job_id = int(environment.run("tests/worker_helper.py", "prepare-import", str(IMPORT_ROWS)).split()[-1])
    progress_file = environment.base / "var" / "media" / "imports" / "progress" / f"{job_id}.json"

    def job() -> dict[str, Any]:
        status, worker, attempts, created = environment.query(
            f"SELECT status, worker, attempts, created_count FROM integration_importjob WHERE id = {job_id}"  # noqa: S608
        )[0]
        return {"status": status, "worker": worker, "attempts": attempts, "created": created}

    def imported() -> int:
        return environment.query("SELECT COUNT(*) FROM deals_opportunity WHERE external_id LIKE 'W-%'")[0][0]

    def rows_done() -> int:
        try:
            return json.loads(progress_file.read_text())["done"]
        except (OSError, ValueError, KeyError):
            return 0

    first = environment.start("run_huey", log="worker-1.log")
    try:
        wait_until(
            lambda: job()["status"] == "importing" and rows_done() >= 250,
            what="the import to be half-way",
            logs=lambda: environment.log("worker-1.log"),
        )
    finally:
        first.send_signal(signal.SIGKILL)  # kill -9: no shutdown hook, no rollback by the process itself
        first.wait()
    stuck = job()
    assert stuck["status"] == "importing" and stuck["worker"].endswith(f":{first.pid}")
    assert imported() == 0  # the half-done transaction died with the process: nothing half-written

    second = environment.start("run_huey", log="worker-2.log")
    try:
        done = wait_until(
            lambda: (state := job())["status"] in ("done", "failed") and state,
            what="the import to be taken over and finished",
            logs=lambda: environment.log("worker-2.log"),
        )
    finally:
        stop(second)
    assert done["status"] == "done", environment.log("worker-2.log")
    assert done["worker"].endswith(f":{second.pid}") and done["attempts"] == 2
    assert done["created"] == IMPORT_ROWS
    assert imported() == IMPORT_ROWS
    distinct = environment.query(
        "SELECT COUNT(DISTINCT external_id) FROM deals_opportunity WHERE external_id LIKE 'W-%'"
    )
    assert distinct[0][0] == IMPORT_ROWS  # no row twice
    assert "stopped while importing; queued again" in environment.log("worker-2.log")
