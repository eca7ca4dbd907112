"""Merging two accounts (客户合并): administrators only, everything pointing at the merged account moves, history on
both, one AccountMerge record, one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from presales.customers import services
from presales.customers.models import Account, AccountMerge, Contact
from presales.deals.models import Opportunity
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(personas):
    kept = personas.account  # 华东银行, owned by personas.owner
    copy = AccountFactory(
        name="华东银行股份有限公司",
        name_en="East China Bank",
        city="上海",
        owner=personas.teammate,
        is_key_account=True,
    )
    ContactFactory(account=copy, name="张三", actor=personas.teammate)
    ContactFactory(account=copy, name="李四", actor=personas.teammate)
    deal = OpportunityFactory(name="核心网络", account=copy, sales_owner=personas.teammate)
    return kept, copy, deal


def test_merge_moves_everything_with_history_and_a_record(personas, twins):
    kept, copy, deal = twins
    copy_pk = copy.pk
    record = services.account_merge(actor=personas.admin, survivor=kept, merged=copy, reason="Entered twice")
    assert not Account.objects.filter(pk=copy_pk).exists()
    assert set(Contact.objects.filter(account=kept).values_list("name", flat=True)) == {"张三", "李四"}
    deal.refresh_from_db()
    assert deal.account_id == kept.pk
    assert record.moved["customers.contact"] == 2 and record.moved["deals.opportunity"] >= 1
    assert record.merged_name == "华东银行股份有限公司" and record.merged_by == personas.admin
    assert record.reason == "Entered twice" and AccountMerge.objects.get(survivor=kept) == record
    kept.refresh_from_db()
    # The merged account's names are now aliases (searchable), empty details filled, the key-account flag kept.
    assert "华东银行股份有限公司" in kept.aliases and "East China Bank" in kept.aliases
    assert kept.name_en == "East China Bank" and kept.city == "上海" and kept.is_key_account
    assert "|eastchinabank|" in kept.name_keys
    # History on both accounts and on every moved row, with who and why.
    latest = kept.history.latest()
    assert latest.history_user == personas.admin and latest.history_change_reason == "Entered twice"
    gone = Account.history.filter(id=copy_pk).latest()
    assert gone.history_type == "-" and gone.history_user == personas.admin
    moved_deal = deal.history.latest()
    assert moved_deal.account_id == kept.pk and moved_deal.history_user == personas.admin
    assert Contact.history.filter(account_id=kept.pk, history_type="~").count() == 2


def test_only_administrators_merge_and_never_an_account_with_itself(personas, twins):
    kept, copy, _deal = twins
    with pytest.raises(PermissionDenied):
        services.account_merge(actor=personas.manager, survivor=kept, merged=copy)
    with pytest.raises(ValidationError):
        services.account_merge(actor=personas.admin, survivor=kept, merged=kept)
    assert Account.objects.filter(pk=copy.pk).exists()


def test_merge_is_one_transaction(personas, twins, monkeypatch):
    kept, copy, deal = twins

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "save_with_version_check", broken)
    with pytest.raises(RuntimeError):
        services.account_merge(actor=personas.admin, survivor=kept, merged=copy)
    deal.refresh_from_db()
    assert deal.account_id == copy.pk and Contact.objects.filter(account=copy).count() == 2
    assert not AccountMerge.objects.exists()


def test_merge_pages(personas, twins, login, django_assert_max_num_queries):
    kept, copy, deal = twins
    assert login(personas.manager).get(reverse("customers:account_merge", args=[kept.pk])).status_code == 403
    client = login(personas.admin)
    assert reverse("customers:account_merge", args=[kept.pk]) in client.get(kept.get_absolute_url()).content.decode()
    page = client.get(reverse("customers:account_merge", args=[kept.pk])).content.decode()
    preview_url = reverse("customers:account_merge_preview", args=[kept.pk, copy.pk])
    assert preview_url in page  # offered as a likely duplicate
    page = client.get(reverse("customers:account_merge", args=[kept.pk]), {"q": "east china"}).content.decode()
    assert preview_url in page  # and found by its English name
    with django_assert_max_num_queries(15):
        page = client.get(preview_url).content.decode()
    assert 'id="merge-preview"' in page and "华东银行股份有限公司" in page
    response = client.post(preview_url, {"keep": copy.pk, "reason": ""})
    assert response.status_code == 200 and Account.objects.filter(pk=kept.pk).exists()  # a reason is required
    response = client.post(preview_url, {"keep": copy.pk, "reason": "同一客户录入两次"})
    assert response.status_code == 302 and response["Location"] == copy.get_absolute_url()
    assert not Account.objects.filter(pk=kept.pk).exists()
    assert Opportunity.objects.filter(account=copy).count() == 2
    assert AccountMerge.objects.get().reason == "同一客户录入两次"
