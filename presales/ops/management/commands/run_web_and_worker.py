"""Serve the app and run the task worker side by side, and stop both on Ctrl-C: what `make demo` runs.

Each child runs in its own session, so the terminal's Ctrl-C reaches only this supervisor, which then stops both
children in order (the worker first: an import it was running is rolled back and taken over at the next start).
If either child exits on its own, the other is stopped too and this command exits with the child's status.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_TIMEOUT_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server (runserver) and the task worker (run_huey) together; Ctrl-C stops both."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Where to serve (host:port).")
        parser.add_argument("--noreload", action="store_true", help="Do not restart the web server on code changes.")

    def handle(self, *args: Any, addrport: str, noreload: bool, **options: Any) -> None:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        web_command = [sys.executable, manage, "runserver", addrport, *(["--noreload"] if noreload else [])]
        children = {
            "worker": subprocess.Popen([sys.executable, manage, "run_huey"], start_new_session=True),  # noqa: S603
            "web": subprocess.Popen(web_command, start_new_session=True),  # noqa: S603
        }
        self.stdout.write(f"Web server and worker started; open http://{addrport}/ . Ctrl-C stops both.")
        stop_requested = False

        def request_stop(signum: int, frame: Any) -> None:
            nonlocal stop_requested
            stop_requested = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        exit_code = 0
        try:
            while not stop_requested:
                ended = {name: child.returncode for name, child in children.items() if child.poll() is not None}
                if ended:
                    name, exit_code = next(iter(ended.items()))
                    self.stderr.write(f"The {name} stopped (exit status {exit_code}); stopping the other one.")
                    break
                time.sleep(0.5)
        finally:
            for name in ("worker", "web"):
                _stop(children[name])
        self.stdout.write("Web server and worker stopped.")
        if exit_code:
            sys.exit(exit_code)


def _stop(child: subprocess.Popen) -> None:
    """SIGTERM to the child's whole process group (runserver's reloader has a child of its own), then SIGKILL."""
    if child.poll() is not None:
        return
    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    except ProcessLookupError:
        pass
