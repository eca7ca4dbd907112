"""Settings for the test run: development defaults, fast password hashing, in-memory mail, tasks run in-process."""

import os

os.environ["PRESALES_TESTING"] = "1"

from config.settings import *  # noqa: E402, F403
from config.settings import HUEY, REDIS_URL  # noqa: E402

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tasks run inside the test, at the moment they are sent (tests/test_worker_process.py starts real workers).
# Each pytest-xdist process has its own queue name, so parallel tests never see each other's heartbeats or tasks.
# With REDIS_URL (the Redis CI run) the queue's storage is that Redis database even in this in-process mode: its
# keys all start with the queue name, and nothing in the suite flushes a whole Redis database.
HUEY = {
    **HUEY,
    "name": f"presales-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
    "immediate": True,
    "immediate_use_memory": not REDIS_URL,
}

# The chat-robot tests post to a receiver on this machine (tests/test_notification_channels.py).
PRESALES_CHAT_ROBOT_HOSTS = [*PRESALES_CHAT_ROBOT_HOSTS, "127.0.0.1"]  # noqa: F405
PRESALES_BASE_URL = "https://presales.example.com"
