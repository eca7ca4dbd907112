"""Access follows the work (issue 13, item 1): whoever is given work on a deal can open it and log activity on it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.bids import services as bids
from presales.deals import services as deals
from presales.deals.models import DealRole, DealStep
from presales.people.models import Role, TeamKind
from presales.work.models import Activity
from tests.factories import OpportunityFactory, TeamFactory, UserFactory
from tests.factories.work import make_accepted_request
from tests.test_api_support import TokenClient

pytestmark = pytest.mark.django_db


def _give_request(personas, deal, newcomer):
    make_accepted_request(personas, assignee=newcomer, opportunity=deal)


def _give_step(personas, deal, newcomer):
    step = DealStep.objects.filter(opportunity=deal).order_by("definition__order").first()
    deals.deal_step_reassign(actor=personas.owner, step=step, user=newcomer)


def _give_tender_section(personas, deal, newcomer):
    tender = bids.tender_create(
        actor=personas.owner,
        opportunity=deal,
        title="招标",
        submission_deadline=timezone.now() + datetime.timedelta(days=10),
        with_default_checklist=False,
    )
    bids.tender_section_add(actor=personas.owner, tender=tender, name="技术部分", kind="technical", owner=newcomer)


def _give_poc(personas, deal, newcomer):
    today = timezone.localdate()
    bids.poc_create(
        actor=personas.owner,
        opportunity=deal,
        title="POC",
        lead=newcomer,
        start_date=today,
        end_date=today + datetime.timedelta(days=5),
    )


def _give_membership(personas, deal, newcomer):
    deals.deal_member_add(actor=personas.owner, opportunity=deal, user=newcomer, role=DealRole.PRESALES_MEMBER)


WAYS = {
    "request assignee": _give_request,
    "step owner": _give_step,
    "tender section owner": _give_tender_section,
    "POC lead": _give_poc,
    "deal-team member": _give_membership,
}


@pytest.mark.parametrize("way", list(WAYS))
def test_work_given_opens_the_deal_and_its_activity_log(personas, login, way):
    # A deal the sales rep opened today, and an engineer of another presales team with no link to it.
    deal = OpportunityFactory(name="今天的商机", account=personas.account, sales_owner=personas.owner)
    other_team = TeamFactory(name="Presales North", kind=TeamKind.PRESALES)
    newcomer = UserFactory(username="newcomer", display_name="Newcomer Sun", role=Role.PRESALES, team=other_team)
    client = login(newcomer)
    assert client.get(deal.get_absolute_url()).status_code == 404

    WAYS[way](personas, deal, newcomer)

    assert client.get(deal.get_absolute_url()).status_code == 200
    assert client.get(reverse("deals:checklist", args=[deal.pk])).status_code == 200
    form = client.get(reverse("work:activity_create")).context["form"]
    assert deal in form.fields["opportunity"].queryset
    page = client.post(
        reverse("work:activity_create"),
        {
            "kind": "demo",
            "opportunity": deal.pk,
            "date": timezone.localdate().isoformat(),
            "hours": "2",
            "status": "done",
        },
    )
    assert page.status_code == 302, page.context["form"].errors
    api = TokenClient(newcomer)
    assert api.get(f"/opportunities/{deal.pk}").status_code == 200
    created = api.post(
        "/activities/",
        {"kind": "demo", "date": timezone.localdate().isoformat(), "hours": "1.5", "opportunity_id": deal.pk},
    )
    assert created.status_code == 201, created.content
    assert Activity.objects.filter(owner=newcomer, opportunity=deal).count() == 2


def test_nobody_else_gains_access(personas, login):
    deal = OpportunityFactory(name="今天的商机", account=personas.account, sales_owner=personas.owner)
    _give_poc(personas, deal, personas.engineer)
    assert login(personas.outsider).get(deal.get_absolute_url()).status_code == 404
    assert TokenClient(personas.outsider).get(f"/opportunities/{deal.pk}").status_code == 404
