"""Knowledge pages: list, detail, create/edit with conflicts, restricted items, recording use on a deal."""

from __future__ import annotations

import pytest

from presales.deals.models import Opportunity
from presales.knowledge import services
from presales.knowledge.models import KnowledgeItem, KnowledgeKind, KnowledgeUse


def make_item(actor, **fields):
    fields.setdefault("kind", KnowledgeKind.SOLUTION)
    fields.setdefault("title", "Item")
    return services.knowledge_item_create(actor=actor, **fields)


def test_anonymous_is_sent_to_login(client, personas):
    item = make_item(personas.engineer)
    for url in ("/knowledge/", "/knowledge/new/", f"/knowledge/{item.pk}/", f"/knowledge/{item.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_every_signed_in_person_reads_unrestricted_items(personas, login):
    item = make_item(personas.engineer, title="Open to all", industries=["finance"])
    response = login(personas.outsider).get(f"/knowledge/{item.pk}/")
    assert response.status_code == 200
    assert "Open to all" in response.content.decode()


def test_restricted_item_is_404_for_outsider_but_seen_by_team_and_manager(personas, login):
    item = make_item(personas.engineer, title="Secret pricing", restricted=True)
    assert login(personas.outsider).get(f"/knowledge/{item.pk}/").status_code == 404
    assert "Secret pricing" not in login(personas.outsider).get("/knowledge/").content.decode()
    assert login(personas.presales_manager).get(f"/knowledge/{item.pk}/").status_code == 200
    assert login(personas.admin).get(f"/knowledge/{item.pk}/").status_code == 200


def test_create_happy_path(personas, login):
    response = login(personas.engineer).post(
        "/knowledge/new/",
        {
            "kind": "battlecard",
            "title": "对手A 打法",
            "industry_codes": ["finance", "government"],
            "tags": "银行, 政务",
        },
    )
    item = KnowledgeItem.objects.get(title="对手A 打法")
    assert response.status_code == 302
    assert item.industry_list == ["finance", "government"]
    assert item.owner == personas.engineer
    assert "银行" in item.search_text


def test_create_error_keeps_typed_values(personas, login):
    response = login(personas.engineer).post("/knowledge/new/", {"kind": "", "title": "Kept title", "body": "kept"})
    assert response.status_code == 200
    assert 'value="Kept title"' in response.content.decode()
    assert not KnowledgeItem.objects.exists()


def test_sales_rep_cannot_create_or_edit_others(personas, login):
    item = make_item(personas.engineer)
    assert login(personas.owner).get("/knowledge/new/").status_code == 403
    assert login(personas.owner).get(f"/knowledge/{item.pk}/edit/").status_code == 403
    assert login(personas.owner).post(f"/knowledge/{item.pk}/delete/").status_code == 403


def test_edit_with_stale_version_keeps_both(personas, login):
    item = make_item(personas.engineer, title="Original")
    services.knowledge_item_update(actor=personas.engineer, item=item, expected_version=item.version, title="Theirs")
    response = login(personas.engineer).post(
        f"/knowledge/{item.pk}/edit/", {"kind": "solution", "title": "Mine", "version": item.version}
    )
    assert response.status_code == 200
    assert 'value="Mine"' in response.content.decode()
    assert KnowledgeItem.objects.get(pk=item.pk).title == "Theirs"


def test_recording_use_on_a_deal_ranks_won_items_first(personas, login):
    plain = make_item(personas.engineer, title="Plain")
    helpful = make_item(personas.engineer, title="Helpful")
    response = login(personas.engineer).post(f"/knowledge/{helpful.pk}/use/", {"opportunity": personas.deal.pk})
    assert response.status_code == 302
    use = KnowledgeUse.objects.get()
    assert (use.item, use.opportunity, use.used_by) == (helpful, personas.deal, personas.engineer)
    # Closing a deal as won needs the whole playbook; the ranking only reads the outcome.
    Opportunity.objects.filter(pk=personas.deal.pk).update(outcome="won", probability=100)
    body = login(personas.teammate).get("/knowledge/").content.decode()
    assert body.index("Helpful") < body.index("Plain")
    assert plain.pk


def test_outsider_cannot_record_use_on_a_deal_they_cannot_see(personas, login):
    item = make_item(personas.engineer)
    login(personas.outsider).post(f"/knowledge/{item.pk}/use/", {"opportunity": personas.deal.pk})
    assert not KnowledgeUse.objects.exists()


def test_list_query_count_is_bounded(personas, login, django_assert_max_num_queries):
    from tests.factories import CompetitorFactory

    rival = CompetitorFactory()
    for number in range(30):
        item = make_item(personas.engineer, title=f"Item {number}", competitors=[rival], industries=["finance"])
        KnowledgeUse.objects.create(item=item, opportunity=personas.deal, used_by=personas.engineer)
    client = login(personas.teammate)
    with django_assert_max_num_queries(12):
        response = client.get("/knowledge/")
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        client.get("/knowledge/", {"q": "item", "industry": "finance", "competitor": rival.pk})


@pytest.mark.parametrize("kind", ["industry_analysis", "answer"])
def test_filter_by_kind(personas, login, kind):
    make_item(personas.engineer, title="Wanted", kind=kind)
    make_item(personas.engineer, title="Unwanted proposal", kind="proposal")
    body = login(personas.owner).get("/knowledge/", {"kind": kind}).content.decode()
    assert "Wanted" in body and "Unwanted proposal" not in body
