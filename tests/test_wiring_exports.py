"""Exports on the remaining lists: the rows the person sees with the current filters, nothing of other people's."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from presales.bids import services as bids_services
from presales.deals.models import DealStep
from presales.knowledge import services as knowledge_services
from presales.work import services as work_services
from tests.factories import AccountFactory, OpportunityFactory
from tests.test_exports import read_csv, read_xlsx

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def other_deal(personas):
    """A deal of the outsider's, which the owner and the engineer cannot see."""
    account = AccountFactory(name="西部电力", owner=personas.outsider)
    return OpportunityFactory(name="西部项目", account=account, sales_owner=personas.outsider, presales_lead=None)


def column(rows, name):
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def test_activity_export_follows_filters_and_visibility(personas, login, other_deal):
    for kind, outcome in (("demo", "演示 ok"), ("poc", "POC started"), ("demo", "=cmd|' /C calc'!A0")):
        work_services.activity_create(
            actor=personas.engineer,
            kind=kind,
            date=TODAY,
            hours=Decimal("2"),
            opportunity=personas.deal,
            outcome=outcome,
        )
    work_services.activity_create(
        actor=personas.admin, kind="demo", date=TODAY, hours=Decimal("1"), opportunity=other_deal, outcome="west demo"
    )
    response = login(personas.engineer).get("/work/activities/?export=csv&kind=demo")
    assert response.status_code == 200 and 'filename="activities-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert sorted(column(rows, "Outcome")) == sorted(["演示 ok", "'=cmd|' /C calc'!A0"])
    assert set(column(rows, "Type")) == {"Demo / presentation"}
    assert column(read_csv(login(personas.outsider).get("/work/activities/?export=csv")), "Outcome") == ["west demo"]
    page = login(personas.engineer).get("/work/activities/?kind=demo").content.decode()
    assert "export=csv" in page and "kind=demo" in page


def test_request_export_follows_filters_and_visibility(personas, login, other_deal):
    common = {
        "needed_by": TODAY + datetime.timedelta(days=7),
        "estimate_hours": Decimal("8"),
        "win_rate_answer": "Needed to win",
        "expected_uplift": Decimal("5"),
    }
    work_services.request_create(
        actor=personas.owner, opportunity=personas.deal, kind="demo", description="东区演示", **common
    )
    work_services.request_create(
        actor=personas.owner, opportunity=personas.deal, kind="poc", description="east poc", **common
    )
    work_services.request_create(
        actor=personas.outsider, opportunity=other_deal, kind="demo", description="west demo", **common
    )
    rows = read_xlsx(login(personas.owner).get("/work/requests/?export=xlsx&kind=demo"))
    assert column(rows, "What is needed") == ["东区演示"]
    assert column(rows, "Effort estimate (hours)") == [8]
    outsider_rows = read_csv(login(personas.outsider).get("/work/requests/?export=csv"))
    assert column(outsider_rows, "What is needed") == ["west demo"]
    assert "export=csv" in login(personas.owner).get("/work/requests/").content.decode()


def test_my_steps_export_is_the_persons_open_steps(personas, login):
    # The download is the list on the page: the steps to act on now, or the upcoming ones (their own tab).
    client = login(personas.engineer)
    now = read_csv(client.get("/deals/my-steps/?export=csv"))
    assert len(now) - 1 == DealStep.objects.actionable().filter(responsible=personas.engineer).count()
    rows = read_csv(client.get("/deals/my-steps/?show=upcoming&export=csv"))
    expected = DealStep.objects.upcoming().filter(responsible=personas.engineer).count()
    assert expected and len(rows) - 1 == expected
    assert set(column(rows, "Opportunity")) == {personas.deal.name}
    assert len(read_csv(login(personas.outsider).get("/deals/my-steps/?export=csv"))) == 1
    assert "export=xlsx" in login(personas.engineer).get("/deals/my-steps/").content.decode()


def test_knowledge_export_follows_search_and_hides_restricted_items(personas, login):
    knowledge_services.knowledge_item_create(actor=personas.engineer, kind="solution", title="灾备方案 reference")
    knowledge_services.knowledge_item_create(actor=personas.engineer, kind="solution", title="Office tips")
    knowledge_services.knowledge_item_create(
        actor=personas.engineer, kind="battlecard", title="灾备 battlecard (restricted)", restricted=True
    )
    titles = column(read_csv(login(personas.engineer).get("/knowledge/?export=csv&q=灾备")), "Title")
    assert sorted(titles) == sorted(["灾备方案 reference", "灾备 battlecard (restricted)"])
    outsider_titles = column(read_csv(login(personas.outsider).get("/knowledge/?export=csv")), "Title")
    assert sorted(outsider_titles) == sorted(["灾备方案 reference", "Office tips"])
    assert "export=csv" in login(personas.outsider).get("/knowledge/").content.decode()


def test_tender_poc_and_gap_exports_follow_filters_and_visibility(personas, login, other_deal):
    deadline = timezone.now() + datetime.timedelta(days=10)
    bids_services.tender_create(
        actor=personas.engineer, opportunity=personas.deal, title="东区招标", submission_deadline=deadline
    )
    bids_services.tender_create(
        actor=personas.outsider, opportunity=other_deal, title="西区招标", submission_deadline=deadline
    )
    bids_services.poc_create(
        actor=personas.engineer,
        opportunity=personas.deal,
        title="东区 POC",
        start_date=TODAY,
        end_date=TODAY + datetime.timedelta(days=5),
    )
    bids_services.product_gap_create(
        actor=personas.engineer, opportunity=personas.deal, title="国密算法", severity="deal_breaker"
    )
    bids_services.product_gap_create(
        actor=personas.engineer, opportunity=personas.deal, title="Minor", severity="nice_to_have"
    )
    bids_services.product_gap_create(
        actor=personas.outsider, opportunity=other_deal, title="西区缺口", severity="challenge"
    )
    engineer = login(personas.engineer)
    assert column(read_csv(engineer.get("/bids/?export=csv")), "Title") == ["东区招标"]
    assert column(read_csv(engineer.get("/bids/?export=csv&q=nothing-like-it")), "Title") == []
    assert column(read_csv(login(personas.outsider).get("/bids/?export=csv")), "Title") == ["西区招标"]
    assert column(read_xlsx(engineer.get("/bids/pocs/?export=xlsx")), "Title") == ["东区 POC"]
    assert column(read_csv(login(personas.outsider).get("/bids/pocs/?export=csv")), "Title") == []
    gaps = read_csv(engineer.get("/bids/gaps/?export=csv&severity=deal_breaker"))
    assert column(gaps, "Gap") == ["国密算法"] and column(gaps, "Deal-breakers") == ["1"]
    assert column(read_csv(login(personas.outsider).get("/bids/gaps/?export=csv")), "Gap") == ["西区缺口"]
    for url in ("/bids/", "/bids/pocs/", "/bids/gaps/"):
        assert "export=xlsx" in engineer.get(url).content.decode(), url
