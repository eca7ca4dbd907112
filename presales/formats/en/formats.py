"""English dates nobody can misread: 2026-12-15 in tables and forms, 15 Dec 2026 in sentences (never 12/15/2026,
which a reader outside the US takes for the 12th of month 15)."""

from django.conf.locale.en.formats import *  # noqa: F403

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
