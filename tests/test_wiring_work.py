"""Wiring of the work app to the others: knowledge in the three-looks plan, notifications, the deal page panel."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from presales.knowledge import services as knowledge_services
from presales.notifications.models import Notification
from presales.people.models import Role
from presales.work import services
from presales.work.models import RequestStatus
from tests.factories import AccountFactory, OpportunityFactory, TeamFactory, UserFactory
from tests.factories.work import make_support_request

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def make_request(personas, **overrides):
    return make_support_request(
        personas,
        **{
            "kind": "bid_document",
            "description": "Answer the tender's disaster recovery chapter (灾备方案)",
            "estimate_hours": Decimal("200"),
            "win_rate_answer": "Without it we cannot bid.",
            **overrides,
        },
    )


def plan_page(personas, login):
    """A request the engineer cannot fit in time on a key account: the looks say "accept with a plan"."""
    personas.account.is_key_account = True
    personas.account.save()
    support = make_request(personas)
    page = login(personas.presales_manager).get(support.get_absolute_url() + f"?engineer={personas.engineer.pk}")
    assert page.context["verdict"].recommendation == "accept_with_plan"
    return support, page


# --- 1. knowledge items in the three-looks plan -------------------------------------------------


def test_plan_lists_matching_knowledge_items_linked_and_hides_restricted_ones(personas, login):
    helpful = knowledge_services.knowledge_item_create(
        actor=personas.engineer, kind="solution", title="Disaster recovery reference design", summary="灾备方案 模板"
    )
    # The sales manager's restricted battlecard: outside the presales manager's teams.
    hidden = knowledge_services.knowledge_item_create(
        actor=personas.manager, kind="solution", title="Secret disaster recovery pricing", restricted=True
    )
    knowledge_services.knowledge_item_create(actor=personas.engineer, kind="solution", title="Unrelated office tips")
    support, page = plan_page(personas, login)
    body = page.content.decode()
    assert "Knowledge items are not listed yet" not in body
    items = page.context["plan_knowledge"]
    assert helpful in items and hidden not in items
    assert all(item.title != "Unrelated office tips" for item in items)
    assert f'href="{helpful.get_absolute_url()}"' in body
    assert "Secret disaster recovery pricing" not in body
    # The suggested plan text names the item too, so the decision keeps it.
    assert "Disaster recovery reference design" in page.context["decision_form"].initial["plan"]


def test_plan_says_so_when_no_item_matches(personas, login):
    _, page = plan_page(personas, login)
    assert page.context["plan_knowledge"] == []
    assert "No knowledge item matches this request yet." in page.content.decode()


# --- 2. notifications ---------------------------------------------------------------------------


def test_escalation_tells_every_presales_manager_once_when_the_deal_has_no_presales_team(
    personas, django_capture_on_commit_callbacks
):
    other_manager = UserFactory(username="psm2", role=Role.PRESALES_MANAGER, email="psm2@example.com")
    personas.presales_manager.email = "psm@example.com"
    personas.presales_manager.save()
    personas.deal.presales_team = None
    personas.deal.save(update_fields=["presales_team"])
    support = make_request(personas)
    later = timezone.now() + datetime.timedelta(hours=100)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_requests", now=later.isoformat())
    support.refresh_from_db()
    assert support.escalated_at is not None
    notes = Notification.objects.filter(kind="request_escalated")
    assert {n.recipient for n in notes} == {personas.presales_manager, other_manager}
    assert {tuple(m.to) for m in mail.outbox} == {("psm@example.com",), ("psm2@example.com",)}
    assert "Nobody picked up in time" in mail.outbox[0].subject
    # Running again (and the service directly) sends nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_requests", now=(later + datetime.timedelta(hours=1)).isoformat())
        services.requests_escalate_forgotten(now=later + datetime.timedelta(hours=2))
    assert notes.count() == 2 and len(mail.outbox) == 2


def test_escalation_goes_to_the_managers_of_the_deals_presales_team_only(personas):
    team_manager = UserFactory(username="psm-east", role=Role.PRESALES_MANAGER)
    team = TeamFactory(name="East presales", kind="presales", manager=team_manager)
    personas.deal.presales_team = team
    personas.deal.save(update_fields=["presales_team"])
    make_request(personas)
    UserFactory(username="psm-other", role=Role.PRESALES_MANAGER)
    services.requests_escalate_forgotten(now=timezone.now() + datetime.timedelta(hours=100))
    assert [n.recipient for n in Notification.objects.filter(kind="request_escalated")] == [team_manager]


def test_assignee_is_told_on_assignment_and_acceptance_and_requester_when_done(
    personas, django_capture_on_commit_callbacks
):
    personas.engineer.email = "engineer@example.com"
    personas.engineer.save()
    personas.owner.email = "owner@example.com"
    personas.owner.save()
    support = make_request(personas, estimate_hours=Decimal("4"))
    with django_capture_on_commit_callbacks(execute=True):
        support = services.request_triage(actor=personas.presales_manager, request=support, assignee=personas.engineer)
        support = services.request_decide(
            actor=personas.presales_manager, request=support, decision=RequestStatus.ACCEPTED, reason="Fits"
        )
    to_engineer = Notification.objects.filter(recipient=personas.engineer, dedupe_key__startswith="request-").order_by(
        "pk"
    )
    assert [n.text.split(":")[0] for n in to_engineer] == [
        "Support request for you to look at",
        "Accepted and yours",
    ]
    assert all((n.target_type, n.target_id) == ("opportunity", personas.deal.pk) for n in to_engineer)
    assert {n.kind for n in to_engineer} == {"request_assigned"}
    assert [m.to for m in mail.outbox] == [["engineer@example.com"], ["engineer@example.com"]]
    assert "Bid document" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        support = services.request_start(actor=personas.engineer, request=support)
        support = services.request_complete(actor=personas.engineer, request=support)
    done = Notification.objects.get(recipient=personas.owner)
    assert done.text.startswith("Done:") and str(personas.engineer) in done.text
    assert done.kind == "request_done"
    assert mail.outbox[-1].to == ["owner@example.com"]


def test_nobody_is_told_about_what_they_did_themselves(personas):
    support = make_request(personas, estimate_hours=Decimal("4"))
    manager = personas.presales_manager
    support = services.request_triage(actor=manager, request=support, assignee=manager)
    services.request_decide(actor=manager, request=support, decision=RequestStatus.ACCEPTED, reason="Mine")
    assert not Notification.objects.filter(recipient=manager, dedupe_key__startswith="request-").exists()


# --- 5. the deal page's presales work panel -----------------------------------------------------


def test_deal_page_shows_the_presales_work_panel_by_role(personas, login, django_assert_max_num_queries):
    for day in range(7):
        services.activity_create(
            actor=personas.engineer,
            kind="demo",
            date=TODAY - datetime.timedelta(days=day),
            hours=Decimal("1"),
            opportunity=personas.deal,
            outcome=f"demo number {day}",
        )
    support = make_request(personas)
    closed = make_request(personas, description="withdrawn one")
    services.request_cancel(actor=personas.owner, request=closed, reason="Not needed")
    url = personas.deal.get_absolute_url()

    owner_page = login(personas.owner).get(url)
    body = owner_page.content.decode()
    assert 'id="deal-work"' in body
    assert f"{reverse('work:request_create')}?opportunity={personas.deal.pk}" in body
    assert 'id="deal-log-activity"' not in body, "sales does not log presales activities"
    assert body.count("demo number") == 5 and "demo number 0" in body and "demo number 6" not in body
    assert support.get_absolute_url() in body and closed.get_absolute_url() not in body
    assert "playbook-embed" in body and "bids-embed" in body, "the existing panels stay"

    engineer_body = login(personas.engineer).get(url).content.decode()
    assert f"{reverse('work:activity_create')}?opportunity={personas.deal.pk}" in engineer_body
    assert 'id="deal-ask-presales"' not in engineer_body

    # Two more activities or requests do not add queries to the page.
    client = login(personas.owner)
    client.get(url)
    make_request(personas, description="another")
    with django_assert_max_num_queries(40):
        client.get(url)
    assert login(personas.outsider).get(url).status_code == 404


def test_deal_panel_shows_only_what_the_viewer_can_see(personas, login):
    other_account = AccountFactory(name="西部电力", owner=personas.outsider)
    other_deal = OpportunityFactory(name="西部项目", account=other_account, sales_owner=personas.outsider)
    services.activity_create(
        actor=personas.admin, kind="demo", date=TODAY, hours=Decimal("1"), opportunity=other_deal, outcome="admin demo"
    )
    body = login(personas.outsider).get(other_deal.get_absolute_url()).content.decode()
    assert "admin demo" in body and 'id="deal-ask-presales"' in body
    assert login(personas.owner).get(other_deal.get_absolute_url()).status_code == 404
