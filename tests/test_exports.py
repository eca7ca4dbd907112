"""List exports: the same rows as the list (filters and visibility), both formats readable, Chinese intact."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from presales.core import exports
from presales.customers.models import Industry
from presales.deals.models import Competitor
from tests.factories import AccountFactory, CompetitorFactory, ContactFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read_csv(response) -> list[list[str]]:
    body = _body(response)
    assert body.startswith("\ufeff".encode()), "CSV must start with a UTF-8 byte order mark for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(_body(response)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_csv_export_of_accounts_follows_filters_and_visibility(personas, login):
    other = AccountFactory(name="西部电力", owner=personas.outsider, industry=Industry.ENERGY)
    AccountFactory(name="华东制造", owner=personas.owner, industry=Industry.MANUFACTURING)

    response = login(personas.owner).get("/accounts/?export=csv&industry=finance")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="accounts-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["Name", "Short name", "Industry"]
    names = [row[0] for row in rows[1:]]
    assert names == ["华东银行"], "only the finance account the owner can see"
    assert rows[1][2] == "Finance", "choices are exported as labels"

    outsider_names = [row[0] for row in read_csv(login(personas.outsider).get("/accounts/?export=csv"))[1:]]
    assert outsider_names == [other.name]


def test_xlsx_export_of_opportunities_has_numbers_dates_and_chinese(personas, login):
    response = login(personas.owner).get("/deals/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    rows = read_xlsx(response)
    header, first = rows[0], rows[1]
    assert header[0] == "Opportunity"
    record = dict(zip(header, first, strict=True))
    assert record["Opportunity"] == "数据中心升级"
    assert record["Account"] == "华东银行"
    assert record["Amount"] == 1000000, "amounts are numbers, not text"
    close_date = datetime.datetime.combine(personas.deal.expected_close_date, datetime.time())
    assert record["Close date"] == close_date, "dates are dates a spreadsheet can sort and compute with"
    assert record["Outcome"] == "Open"

    assert read_xlsx(login(personas.outsider).get("/deals/?export=xlsx")) == [header], "outsider sees no rows"


def test_export_uses_the_persons_language(personas, login):
    client = login(personas.owner)
    response = client.get("/accounts/?export=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    language = response.get("Content-Language") or "zh-hans"
    rows = read_csv(response)
    with translation.override(language):
        expected = [gettext("Name"), gettext("Industry")]
    # Headers are the translated labels of the person's language; Chinese data is decoded intact.
    assert [rows[0][0], rows[0][2]] == expected
    assert rows[1][0] == "华东银行"


def test_contact_and_competitor_exports(personas, login):
    ContactFactory(account=personas.account, name="张总", title="CIO", email="zhang@example.com")
    CompetitorFactory(name='=HYPERLINK("http://evil")', strengths="+cheap")
    contacts = read_csv(login(personas.owner).get("/accounts/contacts/?export=csv"))
    assert [row[0] for row in contacts[1:]] == ["张总"]
    assert read_csv(login(personas.outsider).get("/accounts/contacts/?export=csv"))[1:] == []

    competitors = read_xlsx(login(personas.owner).get("/deals/competitors/?export=xlsx"))
    evil = next(row for row in competitors if "HYPERLINK" in str(row[0]))
    assert evil[0].startswith("'="), "a formula-like name is exported as text"
    assert evil[2] == "'+cheap"


def test_formula_injection_is_neutralised():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1"):
        assert exports.cell_value(dangerous).startswith("'")
    assert exports.cell_value("plain") == "plain"
    assert exports.cell_value(Decimal("-5")) == Decimal("-5"), "negative numbers stay numbers"
    assert exports.cell_value(None) == ""


def test_unknown_export_format_renders_the_page(personas, login):
    response = login(personas.owner).get("/accounts/?export=pdf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"export=csv" in response.content, "the page offers the download buttons"


def test_export_query_count_does_not_grow_with_rows(personas, login, django_assert_max_num_queries):
    for index in range(30):
        account = AccountFactory(name=f"客户 {index}", owner=personas.owner)
        OpportunityFactory(name=f"项目 {index}", account=account, sales_owner=personas.owner)
        ContactFactory(account=account, name=f"联系人 {index}")
    client = login(personas.owner)
    for url in ("/deals/?export=csv", "/accounts/?export=csv", "/accounts/contacts/?export=xlsx"):
        with django_assert_max_num_queries(12):
            response = client.get(url)
            body = _body(response)
        assert len(body) > 100


def test_anonymous_export_redirects_to_login(client):
    response = client.get("/accounts/?export=csv")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_competitor_export_lists_everyone(personas, login):
    CompetitorFactory(name="华为")
    rows = read_csv(login(personas.outsider).get("/deals/competitors/?export=csv&q=华为"))
    assert [row[0] for row in rows[1:]] == ["华为"]
    assert Competitor.objects.count() == 1
