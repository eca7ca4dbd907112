"""Chinese business software groups amounts by thousands with commas and writes short dates as 2026-11-27."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
