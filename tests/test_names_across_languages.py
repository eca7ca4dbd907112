"""Names in both languages and aliases: likely duplicate accounts (客户查重) and search that crosses languages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from presales.customers import selectors
from presales.customers.models import Account
from presales.customers.names import name_keys, split_aliases
from presales.deals import services as deal_services
from presales.deals.models import Competitor
from presales.knowledge import selectors as knowledge_selectors
from presales.knowledge import services as knowledge_services
from presales.knowledge.models import KnowledgeItem, KnowledgeKind
from tests.factories import AccountFactory
from tests.test_customers_pages import account_post_data

pytestmark = pytest.mark.django_db


def test_name_keys_and_aliases():
    assert split_aliases("华为技术，Huawei; HW、 \n") == ["华为技术", "Huawei", "HW"]
    assert name_keys("上海浦东银行股份有限公司", "Shanghai Pudong Bank Co., Ltd.", "", "ＳＰＤＢ") == (
        "|上海浦东银行|shanghaipudongbank|spdb|"
    )
    assert name_keys("", "有限公司") == "|有限公司|"
    assert name_keys() == ""


def test_keys_follow_every_write(personas):
    account = AccountFactory(
        name="华东银行北京分公司", name_en="East China Bank", aliases="EBank, 东行", owner=personas.owner
    )
    assert account.name_keys == "|华东银行北京|eastchinabank|ebank|东行|"
    from presales.customers import services

    services.account_update(actor=personas.owner, account=account, expected_version=account.version, aliases="")
    assert Account.objects.get(pk=account.pk).name_keys == "|华东银行北京|eastchinabank|"


def test_duplicates_match_legal_form_width_case_and_other_language(personas):
    bank = AccountFactory(name="浦东发展银行股份有限公司", name_en="SPD Bank", owner=personas.owner)
    found = selectors.duplicate_accounts(personas.owner, ["浦东发展银行有限公司"])
    assert found.visible == [bank] and found.hidden_count == 0
    assert selectors.duplicate_accounts(personas.owner, ["ＳＰＤ　ＢＡＮＫ Co., Ltd."]).visible == [bank]
    assert selectors.duplicate_accounts(personas.owner, ["Other", "", "", "spd-bank"]).visible == [bank]
    assert not selectors.duplicate_accounts(personas.owner, ["浦东"])
    assert not selectors.duplicate_accounts(personas.owner, ["浦东发展银行"], exclude_pk=bank.pk)


def test_names_of_accounts_the_reader_cannot_open_are_only_counted(personas, login):
    AccountFactory(name="西部电力有限公司", owner=personas.outsider)
    found = selectors.duplicate_accounts(personas.owner, ["西部电力"])
    assert found.visible == [] and found.hidden_count == 1
    response = login(personas.owner).post(
        reverse("customers:account_create"),
        account_post_data(Account(name="西部电力", industry="energy", region="east", owner=personas.owner)),
    )
    assert response.status_code == 200
    assert Account.objects.filter(name="西部电力").count() == 0
    page = response.content.decode()
    assert "西部电力有限公司" not in page
    assert "An account you cannot open has a name like this" in page


def test_create_form_warns_then_saves_once_confirmed(personas, login, django_assert_max_num_queries):
    existing = AccountFactory(name="江南银行股份有限公司", owner=personas.owner)
    client = login(personas.owner)
    data = account_post_data(
        Account(name="江南银行", name_en="", industry="finance", region="east", city="杭州", owner=personas.owner)
    )
    del data["version"]
    with django_assert_max_num_queries(12):
        response = client.post(reverse("customers:account_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert existing.get_absolute_url() in page and "江南银行股份有限公司" in page
    assert 'value="杭州"' in page  # what was typed is kept
    assert 'name="confirm_duplicate"' in page and 'type="checkbox"' in page
    assert Account.objects.filter(name="江南银行").count() == 0
    response = client.post(reverse("customers:account_create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Account.objects.filter(name="江南银行").count() == 1


def test_renaming_into_a_duplicate_warns_but_other_changes_do_not(personas, login):
    AccountFactory(name="Acme Corporation", owner=personas.owner)
    other = AccountFactory(name="Beta Ltd", owner=personas.owner)
    client = login(personas.owner)
    url = reverse("customers:account_edit", args=[other.pk])
    response = client.post(url, account_post_data(other, city="Ningbo"))
    assert response.status_code == 302
    other.refresh_from_db()
    response = client.post(url, account_post_data(other, name_en="ACME Inc."))
    assert response.status_code == 200 and "Acme Corporation" in response.content.decode()
    other.refresh_from_db()
    assert other.name_en == ""


def test_account_list_finds_by_the_name_in_the_other_language_or_an_alias(personas, login):
    AccountFactory(name="招商银行", name_en="China Merchants Bank", aliases="CMB, 招行", owner=personas.owner)
    client = login(personas.owner)
    for query in ("merchants", "CMB", "招行", "招商"):
        response = client.get(reverse("customers:account_list"), {"q": query})
        assert "招商银行" in response.content.decode(), query
    assert "招商银行" not in client.get(reverse("customers:account_list"), {"q": "Huawei"}).content.decode()


def test_competitor_list_and_knowledge_search_cross_languages(personas, login):
    huawei = deal_services.competitor_create(
        actor=personas.admin, name="华为", name_en="Huawei", aliases="华为技术, HW", threat_level="high"
    )
    deal_services.competitor_create(actor=personas.admin, name="Cisco", name_en="思科")
    card = knowledge_services.knowledge_item_create(
        actor=personas.engineer, kind=KnowledgeKind.BATTLECARD, title="Battlecard: 华为", competitors=[huawei]
    )
    knowledge_services.knowledge_item_create(actor=personas.engineer, kind=KnowledgeKind.SOLUTION, title="Other")
    assert list(knowledge_selectors.search(KnowledgeItem.objects.all(), "Huawei")) == [card]
    assert list(knowledge_selectors.search(KnowledgeItem.objects.all(), "huawei battlecard")) == [card]
    assert list(knowledge_selectors.search(KnowledgeItem.objects.all(), "思科")) == []
    client = login(personas.owner)
    page = client.get(reverse("knowledge:list"), {"q": "Huawei"}).content.decode()
    assert "Battlecard" in page
    page = client.get(reverse("deals:competitor_list"), {"q": "huawei"}).content.decode()
    assert "华为" in page and "Cisco" not in page
    # A renamed competitor is found by its new alias at once (nothing to re-index).
    deal_services.competitor_update(actor=personas.admin, competitor=huawei, expected_version=None, aliases="海思")
    assert Competitor.objects.get(pk=huawei.pk).name_keys == "|华为|huawei|海思|"
    assert list(knowledge_selectors.search(KnowledgeItem.objects.all(), "海思")) == [card]


def test_pickers_find_accounts_and_competitors_by_either_language(personas, login):
    AccountFactory(name="招商银行", name_en="China Merchants Bank", aliases="CMB", owner=personas.owner)
    AccountFactory(name="西部电力", name_en="Western Power", owner=personas.outsider)
    deal_services.competitor_create(actor=personas.admin, name="华为", name_en="Huawei", aliases="HW")
    client = login(personas.owner)

    def texts(url, q):
        return [row["text"] for row in client.get(url, {"q": q}).json()["results"]]

    assert texts(reverse("customers:account_pick"), "merchants") == ["招商银行"]
    assert texts(reverse("customers:account_pick"), "western") == []  # not visible to this rep
    rows = client.get(reverse("deals:competitor_pick"), {"q": "huawei"}).json()["results"]
    assert [(r["text"], r["hint"]) for r in rows] == [("华为", "Huawei")]
