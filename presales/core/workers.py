"""Which worker processes are alive: each one writes a heartbeat to the task queue's storage every few seconds.

The heartbeat lives in the queue's storage (the SQLite queue file, or Redis), not in the app's database, on
purpose: on SQLite a running import holds the database's write lock for minutes, and a worker busy importing must
still be seen alive. A job records the id of the worker that claimed it (`worker_id()`); when that worker's heartbeat
is older than ALIVE_SECONDS, or the process is gone from this machine, the job's worker is dead and the job can be
taken over (see integration.runner.recover_stuck_jobs). `/health/` reads the same heartbeats.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from huey.contrib.djhuey import HUEY

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
# A worker silent for longer than this is taken for dead: several missed beats, well under a minute.
ALIVE_SECONDS = 45
# Heartbeats of workers gone for longer than this are deleted (they only clutter /health/).
FORGET_AFTER = datetime.timedelta(days=1)
KEY_PREFIX = "presales.heartbeat."


def worker_id() -> str:
    """This process, as other processes (on this or another machine) name it: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Heartbeat:
    """The last sign of life of one worker process."""

    worker: str
    kind: str  # "worker" (the queue consumer) or "command" (a management command running jobs now)
    started_at: datetime.datetime
    seen_at: datetime.datetime

    def seconds_ago(self, now: datetime.datetime | None = None) -> float:
        return ((now or timezone.now()) - self.seen_at).total_seconds()


def beat(*, kind: str, started_at: datetime.datetime, worker: str | None = None) -> None:
    """Record that this process is alive now."""
    worker = worker or worker_id()
    HUEY.put(KEY_PREFIX + worker, {"kind": kind, "started_at": started_at, "seen_at": timezone.now()})


def forget(worker: str) -> None:
    HUEY.delete(KEY_PREFIX + worker)


def heartbeat_of(worker: str) -> Heartbeat | None:
    value = HUEY.get(KEY_PREFIX + worker, peek=True)
    return _heartbeat(worker, value)


def heartbeats() -> list[Heartbeat]:
    """Every recorded worker, the most recently seen first."""
    found = []
    for key, raw in HUEY.all_results().items():
        name = key.decode() if isinstance(key, bytes) else str(key)
        if not name.startswith(KEY_PREFIX):
            continue
        try:
            value = HUEY.serializer.deserialize(raw)
        except Exception:  # a value written by another version: ignore it rather than fail /health/
            logger.warning("unreadable heartbeat %s", name)
            continue
        heartbeat = _heartbeat(name.removeprefix(KEY_PREFIX), value)
        if heartbeat is not None:
            found.append(heartbeat)
    return sorted(found, key=lambda heartbeat: heartbeat.seen_at, reverse=True)


def _heartbeat(worker: str, value: Any) -> Heartbeat | None:
    if not isinstance(value, dict):
        return None
    return Heartbeat(worker, value.get("kind", "worker"), value["started_at"], value["seen_at"])


def _process_is_gone(worker: str) -> bool:
    """True only when the worker ran on this machine and its process no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, owned by somebody else
        return False
    return False


def is_alive(worker: str, now: datetime.datetime | None = None) -> bool:
    """Whether the worker that claimed a job can still be working on it."""
    if not worker or _process_is_gone(worker):
        return False
    heartbeat = heartbeat_of(worker)
    return heartbeat is not None and heartbeat.seconds_ago(now) < ALIVE_SECONDS


def forget_departed(now: datetime.datetime | None = None) -> int:
    """Delete the heartbeats of workers gone for a day."""
    now = now or timezone.now()
    departed = [heartbeat.worker for heartbeat in heartbeats() if now - heartbeat.seen_at > FORGET_AFTER]
    for worker in departed:
        forget(worker)
    return len(departed)


class HeartbeatThread(threading.Thread):
    """Beats every HEARTBEAT_SECONDS until stopped; a daemon, so it never keeps a process alive."""

    def __init__(self, *, kind: str):
        super().__init__(name="presales-heartbeat", daemon=True)
        self.kind = kind
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                beat(kind=self.kind, started_at=self.started_at)
            except Exception:  # the queue storage is down for a moment: try again at the next beat
                logger.exception("could not write the worker heartbeat")
            self.stopped.wait(HEARTBEAT_SECONDS)

    def stop(self) -> None:
        self.stopped.set()


_process_heartbeat: HeartbeatThread | None = None
_process_lock = threading.Lock()


def start_process_heartbeat(*, kind: str = "worker") -> bool:
    """Start this process's heartbeat once (worker threads each call this at start); True the first time."""
    global _process_heartbeat
    with _process_lock:
        if _process_heartbeat is not None and _process_heartbeat.is_alive():
            return False
        _process_heartbeat = HeartbeatThread(kind=kind)
        _process_heartbeat.start()
        return True


def stop_process_heartbeat() -> None:
    """Stop beating and say so at once, so /health/ and the job sweeper need not wait for the heartbeat to age."""
    global _process_heartbeat
    with _process_lock:
        if _process_heartbeat is None:
            return
        _process_heartbeat.stop()
        _process_heartbeat = None
    try:
        forget(worker_id())
    except Exception:
        logger.exception("could not remove the worker heartbeat")


@contextmanager
def heartbeat_while(kind: str = "command") -> Iterator[None]:
    """Be seen alive while a block runs jobs outside the worker (e.g. `manage.py run_imports`)."""
    thread = HeartbeatThread(kind=kind)
    beat(kind=kind, started_at=thread.started_at)
    thread.start()
    try:
        yield
    finally:
        thread.stop()
        forget(worker_id())
