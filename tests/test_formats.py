"""Numbers and dates read the way each language's business users expect."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from openpyxl import load_workbook

from presales.core import exports
from presales.core.tables import MoneyColumn, Table
from presales.core.templatetags.presales import compact_money, deadline, list_money, money
from tests.factories.work import make_support_request


def test_chinese_amounts_group_by_thousands_and_dates_are_iso():
    with translation.override("zh-hans"):
        assert money(Decimal("2942000")) == "¥2,942,000"
        assert compact_money(Decimal("2942000")) == "¥294.2万"
        assert formats.date_format(datetime.date(2026, 11, 27), "SHORT_DATE_FORMAT") == "2026-11-27"


def test_english_amounts_and_dates():
    with translation.override("en"):
        assert money(Decimal("2942000"), "USD") == "$2,942,000"
        assert compact_money(Decimal("2942000")) == "¥2.9M"
        # Unambiguous: never 11/27/2026, which half the world reads as day 11 of month 27.
        assert formats.date_format(datetime.date(2026, 12, 5), "SHORT_DATE_FORMAT") == "2026-12-05"
        assert formats.date_format(datetime.date(2026, 12, 5), "DATE_FORMAT") == "5 Dec 2026"
        moment = datetime.datetime(2026, 12, 5, 17, 30, tzinfo=datetime.UTC)
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-12-05 17:30"


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


# --- issue 14, item 6: formats from one place ----------------------------------------------------------------------


class _AmountTable(Table):
    amount = MoneyColumn("Amount")


def test_list_cells_show_wan_in_chinese_with_the_full_figure_on_hover():
    row = {"amount": Decimal("14431000"), "currency": "CNY"}
    with translation.override("zh-hans"):
        cell = _AmountTable([row]).cell(_AmountTable.columns[0], row)
        assert cell == '<span class="money" title="¥14,431,000">¥1443.1万</span>', "as the cards show it"
        assert str(list_money(Decimal("250000000"), "CNY")) == '<span class="money" title="¥250,000,000">¥2.50亿</span>'
        assert str(list_money(Decimal("9800"), "CNY")) == '<span class="money" title="¥9,800">¥9,800</span>'
    with translation.override("en"):
        cell = _AmountTable([row]).cell(_AmountTable.columns[0], row)
        assert cell == "¥14,431,000", "English lists show the full figure"
    # The download keeps the full figure, as a number with a number format.
    column = _AmountTable.export_columns()[0]
    assert column.get(row) == Decimal("14431000") and column.format_for(row["amount"]) == "#,##0.00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"),
    [("zh-hans", '<span class="money" title="¥1,000,000">¥100.0万</span>'), ("en", '<td class="num">¥1,000,000</td>')],
)
def test_the_deal_list_and_its_totals_show_amounts_as_the_cards_do(personas, login, language, shown):
    personas.owner.language = language
    personas.owner.save(update_fields=["language"])
    html = login(personas.owner).get(reverse("deals:list")).content.decode()
    table = html[html.index('id="deal-table"') :]
    assert shown in table[: table.index("</tbody>")], "the deal's row"
    totals = table[table.index("<tfoot>") : table.index("</tfoot>")]
    assert shown.removeprefix('<td class="num">').removesuffix("</td>") in totals, "the totals"


def test_deadline_carries_the_readers_time_zone():
    day = datetime.date(2026, 12, 15)
    moment = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            with timezone.override(zoneinfo.ZoneInfo("Asia/Shanghai")):
                assert str(deadline(day)) == (
                    '<time class="deadline" datetime="2026-12-15">2026-12-15 '
                    '<abbr class="tz" title="Asia/Shanghai">UTC+8</abbr></time>'
                )
                assert "2026-07-01 17:00 <abbr" in str(deadline(moment)), "a moment is shown in the reader's zone"
            with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
                assert ">UTC-5</abbr>" in str(deadline(day)), "winter"
                assert "2026-07-01 05:00 <abbr" in str(deadline(moment))
                assert ">UTC-4</abbr>" in str(deadline(moment)), "summer time"
            with timezone.override(zoneinfo.ZoneInfo("Asia/Kolkata")):
                assert ">UTC+5:30</abbr>" in str(deadline(day))
            with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
                assert ">UTC</abbr>" in str(deadline(day))
            assert deadline(None) == "—"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_deadline_on_the_pages_shows_the_zone(personas, login, language):
    from presales.bids import services as bids
    from presales.deals.models import DealStep

    personas.owner.language = language
    personas.owner.timezone = "Europe/Berlin"
    personas.owner.save(update_fields=["language", "timezone"])
    deal = personas.deal
    step = DealStep.objects.filter(opportunity=deal, responsible=personas.owner).actionable().first()
    tender = bids.tender_create(
        actor=personas.engineer,
        opportunity=deal,
        title="数据中心招标",
        submission_deadline=datetime.datetime(2026, 12, 20, 9, 0, tzinfo=datetime.UTC),
    )
    support = make_support_request(personas, opportunity=deal)
    client = login(personas.owner)
    zone = '<abbr class="tz" title="Europe/Berlin">UTC+1</abbr>'
    pages = {
        "my steps": reverse("deals:my_steps"),
        "step": step.get_absolute_url(),
        "checklist": reverse("deals:checklist", args=[deal.pk]),
        "deal": deal.get_absolute_url(),
        "tender": reverse("bids:tender_detail", args=[tender.pk]),
        "tender list": reverse("bids:tender_list"),
        "request": support.get_absolute_url(),
        "request list": reverse("work:request_list"),
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert zone in html, name
    tender_page = client.get(pages["tender"]).content.decode()
    assert f"2026-12-20 10:00 {zone}" in tender_page, "09:00 UTC is 10:00 in Berlin"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_home_names_the_currency_once(personas, login, language):
    personas.owner.language = language
    personas.owner.save(update_fields=["language"])
    html = login(personas.owner).get(reverse("web:home")).content.decode()
    stats = html[html.index('class="stats"') : html.index("</div>\n<div", html.index('class="stats"'))]
    assert "¥" in stats
    assert "CNY" not in stats, "the symbol says it: no '¥… (CNY)'"
    assert 'title="¥1,000,000"' in stats, "the full figure on hover"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_xlsx_downloads_write_real_dates_and_numbers_with_number_formats(personas, login, language):
    personas.owner.language = language
    personas.owner.save(update_fields=["language"])
    response = login(personas.owner).get(reverse("deals:list") + "?export=xlsx")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body)).active
    header = [cell.value for cell in sheet[1]]
    with translation.override(language):
        from django.utils.translation import gettext

        amount, close = sheet[2][header.index(gettext("Amount"))], sheet[2][header.index(gettext("Close date"))]
    assert amount.value == 1000000 and amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert isinstance(close.value, datetime.datetime) and close.number_format == "yyyy-mm-dd"


def test_export_columns_format_decimals_and_dates_by_default():
    column = exports.Column("x", "x")
    assert column.format_for(Decimal("3.5")) == exports.DECIMAL_NUMBER_FORMAT
    assert column.format_for(datetime.date(2026, 12, 1)) == exports.DATE_NUMBER_FORMAT
    assert (
        column.format_for(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)) == exports.DATETIME_NUMBER_FORMAT
    )
    assert column.format_for(12045) is None, "a count or an id is not grouped"
