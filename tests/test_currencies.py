"""One company currency: dated exchange rates (rule, page, rights, history) and every total converting with them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presales.bids import selectors as bid_selectors
from presales.bids.models import ProductGap
from presales.currencies import services
from presales.currencies.models import ExchangeRate
from presales.currencies.rates import RateTable, in_company_currency, missing_rates
from presales.deals.models import Opportunity
from presales.insights import selectors as insight_selectors
from presales.insights.forms import InsightFilters, default_period
from tests.factories import AccountFactory, OpportunityFactory

TODAY = timezone.localdate()
D = Decimal
JAN = datetime.date(2025, 1, 1)
APR = datetime.date(2025, 4, 1)


def rate(currency: str, value: str, valid_from: datetime.date) -> ExchangeRate:
    return ExchangeRate.objects.create(currency=currency, rate=D(value), valid_from=valid_from)


def close(deal: Opportunity, outcome: str, on: datetime.date) -> None:
    Opportunity.objects.filter(pk=deal.pk).update(outcome=outcome, closed_on=on, probability=100, outcome_reason="t")


# --- the rule ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rate_in_force_is_the_latest_on_or_before_the_day_and_the_first_one_before_any():
    rate("USD", "7.0", JAN)
    rate("USD", "7.2", APR)
    table = RateTable.load()
    assert table.convert(D("100"), "USD", datetime.date(2025, 3, 31)) == D("700.00")
    assert table.convert(D("100"), "USD", APR) == D("720.00")
    assert table.convert(D("100"), "USD", datetime.date(2026, 1, 1)) == D("720.00")
    assert table.convert(D("100"), "USD", datetime.date(2024, 6, 1)) == D("700.00")  # before the first rate
    assert table.convert(D("100"), "CNY", JAN) == D("100")  # the company currency
    assert table.convert(D("100"), "EUR", JAN) is None  # no rate at all
    assert missing_rates(["CNY", "USD", "EUR", "HKD"]) == ["EUR", "HKD"]


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rates=st.lists(
        st.tuples(
            st.sampled_from(["USD", "EUR"]),
            st.decimals(min_value=D("0.1"), max_value=D("20"), places=4),
            st.integers(min_value=0, max_value=720),
        ),
        max_size=6,
        unique_by=lambda row: (row[0], row[2]),
    ),
    deals=st.lists(
        st.tuples(
            st.sampled_from(["CNY", "USD", "EUR", "HKD"]),
            st.decimals(min_value=D("0"), max_value=D("9999999.99"), places=2),
            st.integers(min_value=0, max_value=720),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_the_sql_conversion_and_the_python_conversion_agree(rates, deals, personas):
    """Totals (SQL) and per-deal figures such as scorecards (Python) convert by the same rule, to the cent."""
    with transaction.atomic():
        start = datetime.date(2024, 1, 1)
        for currency, value, offset in rates:
            ExchangeRate.objects.create(
                currency=currency, rate=value, valid_from=start + datetime.timedelta(days=offset)
            )
        ids = []
        for currency, amount, offset in deals:
            deal = Opportunity.objects.create(
                name="x",
                account=personas.account,
                sales_owner=personas.owner,
                amount=amount,
                currency=currency,
                stage=personas.deal.stage,
                expected_close_date=start,
            )
            Opportunity.objects.filter(pk=deal.pk).update(closed_on=start + datetime.timedelta(days=offset))
            ids.append(deal.pk)
        table = RateTable.load()
        expected = {}
        for deal in Opportunity.objects.filter(pk__in=ids):
            expected[deal.pk] = table.convert(deal.amount, deal.currency, deal.closed_on)
        in_sql = dict(
            Opportunity.objects.filter(pk__in=ids)
            .annotate(converted=in_company_currency("amount", on="closed_on"))
            .values_list("pk", "converted")
        )
        assert {pk: (value.quantize(D("0.01")) if value is not None else None) for pk, value in in_sql.items()} == (
            expected
        )
        transaction.set_rollback(True)


# --- keeping the rates ---------------------------------------------------------------------------------------------


def test_only_an_administrator_keeps_rates_and_each_change_is_recorded(personas):
    with pytest.raises(PermissionDenied):
        services.rate_create(actor=personas.manager, currency="USD", rate=D("7.1"), valid_from=JAN)
    created = services.rate_create(actor=personas.admin, currency="USD", rate=D("7.1"), valid_from=JAN, note="Q1")
    record = created.history.get()
    assert (record.history_type, record.history_user) == ("+", personas.admin)
    with pytest.raises(PermissionDenied):
        services.rate_delete(actor=personas.engineer, exchange_rate=created)
    services.rate_delete(actor=personas.admin, exchange_rate=created, reason="typo")
    deleted = ExchangeRate.history.filter(history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason, deleted.rate) == (personas.admin, "typo", D("7.1"))


def test_bad_rates_are_refused_with_a_clear_message(personas):
    with pytest.raises(ValidationError) as error:
        services.rate_create(actor=personas.admin, currency="CNY", rate=D("1"), valid_from=JAN)
    assert "company currency" in str(error.value)
    services.rate_create(actor=personas.admin, currency="USD", rate=D("7.1"), valid_from=JAN)
    with pytest.raises(ValidationError) as error:
        services.rate_create(actor=personas.admin, currency="USD", rate=D("7.3"), valid_from=JAN)
    assert "already has a rate" in str(error.value)
    with pytest.raises(ValidationError):
        services.rate_create(actor=personas.admin, currency="USD", rate=D("0"), valid_from=APR)


def test_the_rates_page_adds_and_deletes_and_shows_the_history(personas, login):
    assert login(personas.manager).get(reverse("currencies:rates")).status_code == 403
    client = login(personas.admin)
    page = client.get(reverse("currencies:rates"))
    assert page.status_code == 200
    assert "CNY" in page.content.decode()
    response = client.post(reverse("currencies:rates"), {"currency": "USD", "rate": "7.15", "valid_from": "2025-01-01"})
    assert response.status_code == 302
    saved = ExchangeRate.objects.get()
    assert (saved.currency, saved.rate, saved.valid_from) == ("USD", D("7.15"), JAN)
    again = client.post(reverse("currencies:rates"), {"currency": "USD", "rate": "abc", "valid_from": "2025-01-01"})
    assert again.status_code == 200 and again.context["form"].errors["rate"]
    client.post(reverse("currencies:rate_delete", args=[saved.pk]))
    assert not ExchangeRate.objects.exists()
    page = client.get(reverse("currencies:rates"))
    assert [entry.history_type for entry in page.context["changes"]] == ["-", "+"]


def test_the_rates_page_speaks_chinese(personas, login):
    client = login(personas.admin)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("currencies:rates"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "汇率" in page.content.decode()


# --- every total converts --------------------------------------------------------------------------------------


def test_overseas_usd_deals_count_in_won_revenue(personas):
    overseas = AccountFactory(name="Overseas Ltd", owner=personas.owner, region="overseas")
    closed_on = TODAY - datetime.timedelta(days=10)
    for amount in ("100000", "50000"):
        deal = OpportunityFactory(account=overseas, sales_owner=personas.owner, amount=D(amount), currency="USD")
        close(deal, "won", closed_on)
    start, end = default_period(TODAY)
    f = InsightFilters(start=start, end=end, today=TODAY)
    rate("USD", "7.0", closed_on - datetime.timedelta(days=100))
    rate("USD", "7.5", closed_on + datetime.timedelta(days=1))  # after the close: not the deals' rate
    regions = {row["key"]: row for row in insight_selectors.win_rate_by(personas.admin, f, "region")}
    assert regions["overseas"]["won"] == 2
    assert regions["overseas"]["won_amount"] == D("150000") * 7


def test_a_gap_met_in_two_currencies_is_one_row_in_the_company_currency(personas):
    rate("USD", "7", JAN)
    usd = OpportunityFactory(account=personas.account, sales_owner=personas.owner, amount=D("1000"), currency="USD")
    for deal in (usd, personas.deal):
        ProductGap.objects.create(
            opportunity=deal,
            title="No SSO",
            key="no sso",
            product="Core",
            severity="challenge",
            created_by=personas.admin,
        )
    rows = list(bid_selectors.gap_ranking(ProductGap.objects.all(), today=TODAY))
    assert len(rows) == 1
    assert rows[0]["open_pipeline"] == personas.deal.amount + D("7000")


def test_deal_list_total_is_in_the_company_currency(personas, login):
    rate("USD", "7", JAN)
    OpportunityFactory(account=personas.account, sales_owner=personas.owner, amount=D("1000"), currency="USD")
    response = login(personas.owner).get(reverse("deals:list"))
    (total,) = response.context["totals"]
    assert total["currency"] == "CNY"
    assert total["count"] == 2
    assert total["amount_sum"] == personas.deal.amount + D("7000")
    total_in_rows = Opportunity.objects.filter(currency="CNY").aggregate(total=Sum("amount"))["total"]
    assert total["amount_sum"] - total_in_rows == D("7000")


@pytest.mark.parametrize("count", [2, 20])
def test_pages_with_converted_totals_keep_their_query_count(personas, login, django_assert_max_num_queries, count):
    """The rates page, the deal list's converted total and the step list cost the same whatever the number of rows."""
    for index in range(count):
        rate("USD", "7", JAN + datetime.timedelta(days=index))
        OpportunityFactory(account=personas.account, sales_owner=personas.owner, amount=D("10"), currency="USD")
    admin = login(personas.admin)
    with django_assert_max_num_queries(12):
        assert admin.get(reverse("currencies:rates")).status_code == 200
    owner = login(personas.owner)
    with django_assert_max_num_queries(16):
        assert owner.get(reverse("deals:list")).status_code == 200
    manager = login(personas.manager)
    with django_assert_max_num_queries(14):
        assert manager.get(reverse("deals:step_list") + "?state=open").status_code == 200
