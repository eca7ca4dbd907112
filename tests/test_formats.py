"""Numbers and dates read the way each language's business users expect."""

import datetime
from decimal import Decimal

from django.utils import formats, translation

from presales.core.templatetags.presales import compact_money, money


def test_chinese_amounts_group_by_thousands_and_dates_are_iso():
    with translation.override("zh-hans"):
        assert money(Decimal("2942000")) == "¥2,942,000"
        assert compact_money(Decimal("2942000")) == "¥294.2万"
        assert formats.date_format(datetime.date(2026, 11, 27), "SHORT_DATE_FORMAT") == "2026-11-27"


def test_english_amounts_and_dates():
    with translation.override("en"):
        assert money(Decimal("2942000"), "USD") == "$2,942,000"
        assert compact_money(Decimal("2942000")) == "¥2.9M"
        assert formats.date_format(datetime.date(2026, 11, 27), "SHORT_DATE_FORMAT") == "11/27/2026"
