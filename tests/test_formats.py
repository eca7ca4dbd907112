"""Numbers and dates read the way each language's business users expect."""

import datetime
from decimal import Decimal

import pytest
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


def test_ids_in_links_and_forms_are_never_grouped():
    """A plain {{ value }} prints 1204, not 1,204: ids, versions and page numbers go into links and hidden fields."""
    from django.template import Context, Template

    from presales.core.tables import display

    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert Template("{{ pk }}").render(Context({"pk": 1204})) == "1204"
            assert display(1204) == "1,204", "a number shown in a table cell is grouped"


@pytest.mark.django_db
def test_a_deal_with_a_four_digit_id_keeps_its_links(personas, login):
    """PostgreSQL's ids pass 1000 quickly; the deal page's links and stage form carry the id as it is."""
    from django.db import connection

    from presales.deals.models import Opportunity
    from tests.factories import OpportunityFactory

    # The next deal gets id 12045 on both databases: a copy of the persona deal at 12044 moves SQLite's rowid on,
    # and PostgreSQL's sequence is set to it.
    placeholder = Opportunity.objects.get(pk=personas.deal.pk)
    placeholder.pk = placeholder.id = 12044
    placeholder.save(force_insert=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 12044)", [Opportunity._meta.db_table])
    deal = OpportunityFactory(name="大额编号", account=personas.account, sales_owner=personas.owner)
    assert deal.pk == 12045
    for language in ("zh-hans", "en"):
        personas.owner.language = language
        personas.owner.save()
        body = login(personas.owner).get(deal.get_absolute_url()).content.decode()
        assert ('lang="zh-hans"' in body) == (language == "zh-hans")
        assert "?opportunity=12045" in body and "12,045" not in body
