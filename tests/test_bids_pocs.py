"""POCs: library test cases, criteria and results, the customer's secret expiring revocable link; product gaps ranking."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from presales.bids import selectors, services
from presales.bids.models import Poc, ProductGap, TestCase
from presales.deals.models import Opportunity
from presales.knowledge.services import knowledge_item_create
from tests.factories import OpportunityFactory
from tests.factories.bids import make_poc


def test_create_from_library_copies_criteria(personas, login):
    case = services.test_case_create(actor=personas.engineer, title="故障切换", validation="RTO < 30s")
    response = login(personas.engineer).post(
        "/bids/pocs/new/",
        {
            "opportunity": personas.deal.pk,
            "title": "Trial",
            "start_date": "2030-01-01",
            "end_date": "2030-01-10",
            "status": "planned",
            "outcome": "pending",
            "test_cases": [case.pk],
        },
    )
    poc = Poc.objects.get(title="Trial")
    assert response.status_code == 302
    assert [(c.title, c.validation, c.test_case) for c in poc.criteria.all()] == [("故障切换", "RTO < 30s", case)]


def test_create_error_keeps_values(personas, login):
    response = login(personas.engineer).post(
        "/bids/pocs/new/",
        {"opportunity": personas.deal.pk, "title": "Kept", "start_date": "2030-01-10", "end_date": "2030-01-01"},
    )
    assert response.status_code == 200
    assert 'value="Kept"' in response.content.decode()
    assert not Poc.objects.exists()


def test_pages_404_for_outsider_403_for_teammate_login_for_anonymous(personas, login, client):
    poc = make_poc(personas)
    for url in (
        f"/bids/pocs/{poc.pk}/",
        f"/bids/pocs/{poc.pk}/edit/",
        f"/bids/pocs/new/?opportunity={personas.deal.pk}",
    ):
        assert login(personas.outsider).get(url).status_code == 404, url
        assert client.get(url).status_code == 302, url
    assert login(personas.teammate).get(f"/bids/pocs/{poc.pk}/").status_code == 200
    assert login(personas.teammate).get(f"/bids/pocs/{poc.pk}/edit/").status_code == 403
    assert login(personas.teammate).post(f"/bids/pocs/{poc.pk}/do/share/", {"days": 5}).status_code == 403
    assert "存储 POC" not in login(personas.outsider).get("/bids/pocs/").content.decode()


def test_record_result(personas, login):
    poc = make_poc(personas)
    criterion = services.poc_criterion_add(actor=personas.engineer, poc=poc, title="吞吐 ≥ 10GB/s")
    login(personas.engineer).post(
        f"/bids/pocs/{poc.pk}/do/record/",
        {"target": criterion.pk, "result": "passed", "notes": "12GB/s", "agreed": "on"},
    )
    criterion.refresh_from_db()
    assert (criterion.result, criterion.result_notes, criterion.tested_on) == ("passed", "12GB/s", timezone.localdate())


def test_customer_link_shows_agreed_criteria_only_and_dies_when_revoked_or_expired(personas, login, client):
    poc = make_poc(personas, environment="内部机房 10.0.0.0/8")
    services.poc_criterion_add(actor=personas.engineer, poc=poc, title="Agreed criterion")
    hidden = services.poc_criterion_add(actor=personas.engineer, poc=poc, title="Internal idea")
    services.poc_criterion_record(actor=personas.engineer, criterion=hidden, result="failed", agreed=False)
    engineer = login(personas.engineer)
    engineer.post(f"/bids/pocs/{poc.pk}/do/share/", {"days": 7})
    page = engineer.get(f"/bids/pocs/{poc.pk}/").content.decode()
    link = page.split('readonly value="')[1].split('"')[0]
    path = link.split("testserver", 1)[1]
    assert "/bids/pocs/shared/" in path
    # The link is shown once only; only its hash is stored.
    assert 'readonly value="' not in engineer.get(f"/bids/pocs/{poc.pk}/").content.decode()
    assert path.rstrip("/").rsplit("/", 1)[1] not in Poc.objects.get(pk=poc.pk).share_token_hash
    shared = client.get(path)
    body = shared.content.decode()
    assert shared.status_code == 200
    assert "Agreed criterion" in body
    assert "Internal idea" not in body and "内部机房" not in body and personas.deal.name not in body
    assert client.get("/bids/pocs/shared/not-a-token/").status_code == 404
    engineer.post(f"/bids/pocs/{poc.pk}/do/revoke/")
    assert client.get(path).status_code == 404
    token = services.poc_share_create(actor=personas.engineer, poc=poc, days=1)
    assert client.get(f"/bids/pocs/shared/{token}/").status_code == 200
    Poc.objects.filter(pk=poc.pk).update(share_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/bids/pocs/shared/{token}/").status_code == 404


def test_test_case_library_page(personas, login):
    assert login(personas.engineer).post("/bids/test-cases/", {"title": "", "validation": "kept"}).status_code == 400
    assert (
        login(personas.engineer).post("/bids/test-cases/", {"title": "备份恢复", "validation": "恢复成功"}).status_code
        == 302
    )
    assert login(personas.owner).post("/bids/test-cases/", {"title": "x", "validation": "y"}).status_code == 403
    assert "备份恢复" in login(personas.outsider).get("/bids/test-cases/").content.decode()
    assert TestCase.objects.count() == 1


def test_poc_list_query_count_is_bounded(personas, login, django_assert_max_num_queries):
    for number in range(30):
        make_poc(personas, title=f"POC {number}")
    client = login(personas.teammate)
    with django_assert_max_num_queries(8):
        assert client.get("/bids/pocs/").status_code == 200


def test_open_pocs_and_win_rate_selectors(personas):
    make_poc(personas)
    assert [p.title for p in selectors.open_pocs(personas.engineer)] == ["存储 POC"]
    assert selectors.open_pocs(personas.outsider) == []
    Opportunity.objects.filter(pk=personas.deal.pk).update(outcome="won", probability=100)
    other = OpportunityFactory(account=personas.account, sales_owner=personas.owner)
    Opportunity.objects.filter(pk=other.pk).update(outcome="lost", probability=0)
    rates = selectors.win_rate_with_and_without_poc(Opportunity.objects.all())
    assert rates["with_poc"] == {"won": 1, "total": 1, "rate": 100.0}
    assert rates["without_poc"] == {"won": 0, "total": 1, "rate": 0.0}


# --- Product gaps -------------------------------------------------------------------------------


def test_gap_create_from_deal_and_status(personas, login):
    client = login(personas.engineer)
    response = client.post(
        "/bids/gaps/new/", {"opportunity": personas.deal.pk, "title": "", "severity": "challenge", "product": "kept"}
    )
    assert response.status_code == 200 and 'value="kept"' in response.content.decode()
    client.post(
        "/bids/gaps/new/", {"opportunity": personas.deal.pk, "title": "国密算法支持", "severity": "deal_breaker"}
    )
    gap = ProductGap.objects.get()
    client.post(f"/bids/gaps/{gap.pk}/status/", {"status": "planned"})
    gap.refresh_from_db()
    assert gap.status == "planned"
    assert login(personas.teammate).get(f"/bids/gaps/new/?opportunity={personas.deal.pk}").status_code == 403
    assert login(personas.outsider).get(f"/bids/gaps/new/?opportunity={personas.deal.pk}").status_code == 404
    assert login(personas.outsider).post(f"/bids/gaps/{gap.pk}/status/", {"status": "closed"}).status_code == 404


def test_gaps_ranked_by_open_pipeline_and_lost_revenue(personas, login, django_assert_max_num_queries):
    owner = personas.owner
    big_lost = OpportunityFactory(account=personas.account, sales_owner=owner, amount=Decimal("9000000"))
    Opportunity.objects.filter(pk=big_lost.pk).update(outcome="lost", probability=0)
    small = OpportunityFactory(account=personas.account, sales_owner=owner, amount=Decimal("100000"))
    for deal, title in ((big_lost, "Active-active"), (personas.deal, "国密算法支持"), (small, "国密算法支持")):
        services.product_gap_create(actor=owner, opportunity=deal, title=title, severity="challenge")
    for number in range(20):
        services.product_gap_create(actor=owner, opportunity=small, title=f"Minor {number}", severity="nice_to_have")
    rows = list(selectors.gap_ranking(ProductGap.objects.all()))
    assert rows[0]["title"] == "Active-active" and rows[0]["lost_revenue"] == Decimal("9000000")
    assert rows[1]["title"] == "国密算法支持" and rows[1]["deals"] == 2
    assert rows[1]["open_pipeline"] == Decimal("1100000")
    client = login(personas.manager)
    with django_assert_max_num_queries(8):
        body = client.get("/bids/gaps/").content.decode()
    assert body.index("Active-active") < body.index("国密算法支持")
    assert "国密算法支持" not in login(personas.outsider).get("/bids/gaps/").content.decode()


@pytest.mark.parametrize("who", ["engineer", "teammate"])
def test_deal_panel_shows_suggestions_tenders_pocs_gaps(personas, login, who):

    make_poc(personas)
    services.product_gap_create(actor=personas.engineer, opportunity=personas.deal, title="缺口A", severity="challenge")
    knowledge_item_create(
        actor=personas.engineer, kind="solution", title="行业方案", industries=[personas.account.industry]
    )
    body = login(getattr(personas, who)).get(f"/bids/deal/{personas.deal.pk}/").content.decode()
    assert "行业方案" in body and "存储 POC" in body and "缺口A" in body
    assert ("Plan a POC" in body) == (who == "engineer")
    assert login(personas.outsider).get(f"/bids/deal/{personas.deal.pk}/").status_code == 404
