"""The personal calendar feed: RFC 5545 text that parses back, only the person's own items, secret and revocable."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from presales.bids import services as bids_services
from presales.bids.models import SubmissionItem, TenderSection
from presales.deals import services as deal_services
from presales.deals.models import DealStep, Opportunity
from presales.deals.services import deal_member_add
from presales.integration import calendar
from presales.integration.models import CalendarFeed
from presales.playbook.models import Stage
from presales.work import services as work_services
from presales.work.models import WorkType
from tests.factories import pass_go_no_go

pytestmark = pytest.mark.django_db


def parse_ics(text: str) -> list[dict[str, str]]:
    """A small strict parser: CRLF only, lines of at most 75 octets, unfolding, one dict per VEVENT."""
    assert text.endswith("\r\n")
    raw_lines = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in raw_lines), "bare line breaks"
    assert all(len(line.encode()) <= 75 for line in raw_lines), "lines are folded at 75 octets"
    lines: list[str] = []
    for line in raw_lines:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            for required in ("UID", "DTSTAMP", "DTSTART"):
                assert required in current
            assert re.fullmatch(r"\d{8}T\d{6}Z", current["DTSTAMP"])
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name.split(";")[0]] = value
    assert current is None
    return events


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


@pytest.fixture
def items(personas):
    today = timezone.localdate()
    visit = work_services.activity_create(
        actor=personas.engineer,
        kind=WorkType.ON_SITE_VISIT,
        date=today + datetime.timedelta(days=3),
        hours=3,
        opportunity=personas.deal,
        outcome="Agenda: demo; pricing, next steps\\notes — 讨论方案与报价，确认下一步的测试计划和时间安排" * 2,
    )
    work_services.activity_create(
        actor=personas.engineer, kind=WorkType.DEMO, date=today, hours=2, opportunity=personas.deal
    )
    return visit


def test_feed_has_the_persons_visits_and_steps_and_parses(personas, items):
    # The deal reaches stage 3: the engineer's presales steps there are due from today (before, they are upcoming,
    # without a due date, and not in the calendar).
    pass_go_no_go(personas.deal)
    deal_services.opportunity_change_stage(
        actor=personas.owner,
        opportunity=Opportunity.objects.get(pk=personas.deal.pk),
        stage=Stage.objects.get(number=3),
        expected_version=None,
        reason="The customer set up the project early",
    )
    events = parse_ics(calendar.feed_text(personas.engineer))
    uids = {event["UID"] for event in events}
    assert f"activity-{items.pk}@presales-hub" in uids
    assert all("demo" not in uid for uid in uids)
    visit = next(e for e in events if e["UID"] == f"activity-{items.pk}@presales-hub")
    assert visit["DTSTART"] == items.date.strftime("%Y%m%d")
    assert "讨论方案与报价" in unescape(visit["DESCRIPTION"])
    assert "pricing, next steps\\notes" in unescape(visit["DESCRIPTION"])
    my_steps = DealStep.objects.open().filter(responsible=personas.engineer, due_date__isnull=False)
    assert my_steps.exists()
    assert {f"deal-step-{s.pk}@presales-hub" for s in my_steps} <= uids
    # Stable UIDs: the same items give the same calendar again.
    assert uids == {event["UID"] for event in parse_ics(calendar.feed_text(personas.engineer))}


def test_feed_has_only_the_persons_own_items(personas, items):
    owner_events = parse_ics(calendar.feed_text(personas.owner))
    owner_uids = {event["UID"] for event in owner_events}
    assert f"activity-{items.pk}@presales-hub" not in owner_uids
    engineer_steps = DealStep.objects.filter(responsible=personas.engineer).values_list("pk", flat=True)
    assert not owner_uids & {f"deal-step-{pk}@presales-hub" for pk in engineer_steps}
    assert all(
        DealStep.objects.get(pk=int(uid.split("-")[2].split("@")[0])).responsible == personas.owner
        for uid in owner_uids
    )
    assert parse_ics(calendar.feed_text(personas.outsider)) == []


def test_escaping_and_folding():
    assert calendar.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = calendar.fold("DESCRIPTION:" + "客" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "客" * 60


def test_secret_url_regenerate_and_revoke(personas, items, login, client):
    engineer = login(personas.engineer)
    response = engineer.post("/integration/calendar/", {"action": "create"})
    url = response.context["new_url"]
    assert url.startswith("http://testserver/integration/calendar/") and url.endswith(".ics")
    secret = url.rsplit("/", 1)[1][: -len(".ics")]
    assert len(secret) >= 40
    assert CalendarFeed.objects.get(user=personas.engineer).token_hash != secret, "only a hash is stored"

    feed = client.get(url)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert f"activity-{items.pk}@presales-hub" in feed.content.decode()

    new_url = engineer.post("/integration/calendar/", {"action": "regenerate"}, HTTP_HX_REQUEST="true").context[
        "new_url"
    ]
    assert client.get(url).status_code == 404, "the old address stops working"
    assert client.get(new_url).status_code == 200
    assert engineer.post("/integration/calendar/", {"action": "revoke"}).status_code == 302
    assert client.get(new_url).status_code == 404
    assert client.get("/integration/calendar/not-a-real-token.ics").status_code == 404


def test_profile_shows_the_calendar_section(personas, login):
    page = login(personas.owner).get("/me/").content.decode()
    assert 'id="calendar-feed"' in page and "/integration/calendar/" in page
    assert login(personas.owner).post("/integration/calendar/", {"action": "nonsense"}).status_code == 404


def test_calendar_management_needs_sign_in(client):
    response = client.post("/integration/calendar/", {"action": "create"})
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- bid deadlines and POC end dates ---------------------------------------------------------------------------


@pytest.fixture
def bids(personas):
    from tests.factories import AccountFactory, OpportunityFactory

    now = timezone.now().replace(microsecond=0)
    tender = bids_services.tender_create(
        actor=personas.engineer,
        opportunity=personas.deal,
        title="数据中心招标, phase 1; 第二包",
        reference="ZB-2024-001",
        question_deadline=now + datetime.timedelta(days=3),
        submission_deadline=now + datetime.timedelta(days=10),
        opening_at=now + datetime.timedelta(days=10, hours=1),
        with_default_checklist=False,
    )
    # The outsider's own tender: nobody on the deal above sees it.
    other_deal = OpportunityFactory(
        name="西部项目", account=AccountFactory(owner=personas.outsider), sales_owner=personas.outsider
    )
    other = bids_services.tender_create(
        actor=personas.outsider,
        opportunity=other_deal,
        title="西部招标",
        submission_deadline=now + datetime.timedelta(days=5),
        with_default_checklist=False,
    )
    poc = bids_services.poc_create(
        actor=personas.engineer,
        opportunity=personas.deal,
        title="存储 POC",
        lead=personas.engineer,
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=12),
    )
    return {"tender": tender, "other": other, "poc": poc, "section": TenderSection, "item": SubmissionItem}


def test_feed_has_bid_deadlines_and_poc_ends_of_the_persons_tenders(personas, bids):
    tender, poc = bids["tender"], bids["poc"]
    events = {e["UID"]: e for e in parse_ics(calendar.feed_text(personas.engineer))}
    for kind, moment in (
        ("question", tender.question_deadline),
        ("submission", tender.submission_deadline),
        ("opening", tender.opening_at),
    ):
        event = events[f"tender-{tender.pk}-{kind}@presales-hub"]
        assert event["DTSTART"] == moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        assert "DTEND" not in event, "a deadline is a moment"
        assert unescape(event["SUMMARY"]).endswith("数据中心招标, phase 1; 第二包")
        assert event["URL"].endswith(f"/bids/{tender.pk}/")
    assert "ZB-2024-001" in unescape(events[f"tender-{tender.pk}-submission@presales-hub"]["DESCRIPTION"])
    end = events[f"poc-{poc.pk}-end@presales-hub"]
    assert end["DTSTART"] == poc.end_date.strftime("%Y%m%d")
    assert end["DTEND"] == (poc.end_date + datetime.timedelta(days=1)).strftime("%Y%m%d")
    assert f"tender-{bids['other'].pk}-submission@presales-hub" not in events
    # The sales owner is on the deal; the POC is not theirs.
    owner_uids = {e["UID"] for e in parse_ics(calendar.feed_text(personas.owner))}
    assert f"tender-{tender.pk}-submission@presales-hub" in owner_uids
    assert f"poc-{poc.pk}-end@presales-hub" not in owner_uids
    outsider_uids = {e["UID"] for e in parse_ics(calendar.feed_text(personas.outsider))}
    assert {uid for uid in outsider_uids if not uid.startswith("deal-step-")} == {
        f"tender-{bids['other'].pk}-submission@presales-hub"
    }


def test_section_or_checklist_owner_gets_the_tender_and_cancelled_tenders_drop_out(personas, bids):

    tender = bids["tender"]
    uid = f"tender-{tender.pk}-submission@presales-hub"
    teammate = personas.teammate
    assert uid not in {e["UID"] for e in parse_ics(calendar.feed_text(teammate))}
    bids["section"].objects.create(tender=tender, name="技术方案", owner=teammate)
    assert uid in {e["UID"] for e in parse_ics(calendar.feed_text(teammate))}
    bids["section"].objects.all().delete()
    bids["item"].objects.create(tender=tender, name="营业执照", owner=teammate)
    assert uid in {e["UID"] for e in parse_ics(calendar.feed_text(teammate))}
    bids["item"].objects.all().delete()
    assert uid not in {e["UID"] for e in parse_ics(calendar.feed_text(teammate))}
    deal_member_add(actor=personas.owner, opportunity=personas.deal, user=teammate, role="commercial")
    assert uid in {e["UID"] for e in parse_ics(calendar.feed_text(teammate))}
    tender.status = "cancelled"
    tender.save(update_fields=["status"])
    assert not any(
        u.startswith(f"tender-{tender.pk}-")
        for u in (e["UID"] for e in parse_ics(calendar.feed_text(personas.engineer)))
    )
