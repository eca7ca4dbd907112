"""Settings for the test run: development defaults, fast password hashing, in-memory mail."""

import os

os.environ["PRESALES_TESTING"] = "1"

from config.settings import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
