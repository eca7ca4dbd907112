"""The one search rule of lists and pickers (presales.core.search): every word of the text is part of one of the
fields, case-insensitive, Chinese and English alike; checked against the rule written out in Python."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presales.core import search
from presales.customers.models import Account
from presales.people.models import Role
from tests.factories import AccountFactory, UserFactory

NAMES = ["华东银行", "华北电力", "East China Bank", "Northern Power Grid", "东方航空 Eastern"]
CITIES = ["上海", "北京", "Shanghai", "beijing", ""]
WORDS = ["华东", "银行", "bank", "BANK", "east", "电力", "power", "上海", "shang", "北京", "航空", "zzz", "华东 银行"]


@pytest.fixture
def accounts(db):
    owner = UserFactory(role=Role.SALES)
    return [AccountFactory(name=name, city=city, owner=owner) for name, city in zip(NAMES, CITIES, strict=True)]


def _expected(accounts, text):
    words = text.split()[: search.MAX_WORDS]
    return {
        account.pk
        for account in accounts
        if all(any(word.casefold() in value.casefold() for value in (account.name, account.city)) for word in words)
    }


# The accounts are only read: one set serves every example.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join))
def test_matching_keeps_the_rows_holding_every_word(accounts, text):
    found = set(search.matching(Account.objects.all(), ("name", "city"), text).values_list("pk", flat=True))
    assert found == _expected(accounts, text)


def test_two_words_narrow_and_an_empty_text_keeps_everything(accounts):
    rows = Account.objects.all()
    assert [a.name for a in search.matching(rows, ("name",), "华东 银行")] == ["华东银行"]
    assert search.matching(rows, ("name",), "银行").count() == 1
    assert search.matching(rows, ("name",), "   ").count() == len(NAMES)


def test_also_widens_each_word(accounts):
    from django.db.models import Q

    rows = search.matching(Account.objects.all(), ("name",), "上海", also=lambda word: Q(city__icontains=word))
    assert {a.name for a in rows} == {"华东银行"}
