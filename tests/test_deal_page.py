"""The deal page (issue 14, item 4): stage, next step, owner and deal team at the top, quick actions for what people
come to do (each only for whoever may do it), secondary sections folded; in both languages, with bounded queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from presales.deals import services
from presales.deals.models import DealStep, StepStatus
from tests.factories import CompetitorFactory, UserFactory
from tests.test_playbook_services import step

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _page(login, user, deal, language="en") -> str:
    user.language = language
    user.save(update_fields=["language"])
    response = login(user).get(deal.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, element_id: str) -> str:
    """The opening tag and body of the element with this id (up to the next element with an id of the same kind)."""
    start = html.index(f'id="{element_id}"')
    return html[html.rindex("<", 0, start) : start + 4000]


def _opening_tag(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[html.rindex("<", 0, start) : html.index(">", start) + 1]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_top_shows_both_stages_the_next_step_owner_and_team(personas, login, language):
    deal = personas.deal
    services.deal_member_add(actor=personas.owner, opportunity=deal, user=personas.teammate, role="commercial")
    html = _page(login, personas.owner, deal, language)
    summary = html[html.index('id="deal-summary"') : html.index('class="stats"')]
    with translation.override(language):
        assert deal.stage.vendor in summary and deal.stage.customer in summary, "our stage and the customer's"
        first = step(deal, 1)
        assert str(first.definition) in summary and first.get_absolute_url() in summary, "the next open step"
        assert str(personas.owner) in summary, "its owner (and the deal's sales owner)"
        assert f'datetime="{first.due_date.isoformat()}"' in summary and "UTC+8" in summary, "due, with the zone"
        assert str(personas.engineer) in summary, "the presales lead"
        assert str(personas.teammate) in summary, "the deal team"
    # The summary comes before everything else of the deal: the stats, the extensions and the folded sections.
    assert html.index('id="deal-summary"') < html.index('id="deal-extensions"') < html.index('id="outcome"')


def test_the_next_step_is_the_earliest_due_and_moves_on_when_done(personas, login):
    deal = personas.deal
    first, second = step(deal, 1), step(deal, 2)
    services.deal_step_complete(actor=personas.owner, step=first, answer={"fit": "good"}, expected_version=None)
    html = _page(login, personas.owner, deal)
    summary = html[html.index('id="next-step"') : html.index('id="owner"')]
    assert str(second.definition) in summary and str(first.definition) not in summary


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_quick_actions_follow_what_the_viewer_may_do(personas, login, language):
    deal = personas.deal
    mine = step(deal, 1)  # the sales owner's analysis step, actionable at stage 2
    owner = _page(login, personas.owner, deal, language)
    actions = owner[owner.index('id="deal-quick-actions"') : owner.index('class="stats"')]
    assert 'id="quick-request-support"' in actions and f"?opportunity={deal.pk}" in actions
    assert 'id="quick-add-competitor"' in actions and 'data-open-details="add-competitor"' in actions
    assert reverse("deals:step_complete", args=[mine.pk]) in actions, "complete my step, inline through htmx"
    with translation.override(language):
        assert str(mine.definition) in actions
    assert 'id="quick-log-activity"' not in owner, "presales work is logged by presales people"

    # The presales lead logs work and may edit the deal, but owns no actionable step and does not ask presales.
    lead = _page(login, personas.engineer, deal, language)
    assert 'id="quick-log-activity"' in lead and f"?opportunity={deal.pk}" in lead
    assert 'id="quick-add-competitor"' in lead
    assert 'id="complete-my-step"' not in lead and 'id="quick-request-support"' not in lead

    # A teammate sees the deal but may not change it: may ask presales, no competitor, no step of theirs.
    teammate = _page(login, personas.teammate, deal, language)
    assert 'id="quick-request-support"' in teammate
    assert 'id="quick-add-competitor"' not in teammate and 'id="complete-my-step"' not in teammate

    # The manager owns the go/no-go step: their quick action completes that one.
    manager = _page(login, personas.manager, deal, language)
    assert reverse("deals:step_complete", args=[step(deal, 5).pk]) in manager

    # Somebody on the team who neither logs presales work nor asks for it sees no quick action at all.
    after_sales = UserFactory(username="aftersales", role="after_sales", team=personas.owner.team)
    services.deal_member_add(actor=personas.owner, opportunity=deal, user=after_sales, role="after_sales")
    page = _page(login, after_sales, deal, language)
    assert 'id="deal-quick-actions"' not in page


def test_a_closed_deal_offers_no_support_request_and_no_step(personas, login):
    deal = personas.deal
    services.opportunity_close(
        actor=personas.owner, opportunity=deal, outcome="lost", reason="价格", closed_on=None, expected_version=None
    )
    html = _page(login, personas.owner, deal)
    assert 'id="quick-request-support"' not in html and 'id="complete-my-step"' not in html
    assert _opening_tag(html, "outcome").endswith(" open>"), "a closed deal's result is shown unfolded"


def test_complete_my_step_works_in_place(personas, login):
    deal = personas.deal
    mine = step(deal, 1)
    client = login(personas.owner)
    form = client.get(reverse("deals:step_complete", args=[mine.pk]), **HTMX)
    assert form.status_code == 200 and 'hx-post="' in form.content.decode()
    done = client.post(
        reverse("deals:step_complete", args=[mine.pk]),
        {f"s{mine.pk}-fit": "good", f"s{mine.pk}-version": mine.version},
        **HTMX,
    )
    assert done.status_code == 200 and 'class="step-done"' in done.content.decode()
    assert DealStep.objects.get(pk=mine.pk).status == StepStatus.DONE
    # Somebody else's step stays theirs: the same permission as "my next steps".
    theirs = step(deal, 5)  # the manager's go/no-go
    assert login(personas.teammate).get(reverse("deals:step_complete", args=[theirs.pk]), **HTMX).status_code == 403


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_secondary_sections_fold_and_the_close_form_is_folded(personas, login, language):
    deal = personas.deal
    html = _page(login, personas.owner, deal, language)
    for element_id in ("outcome", "history", "team", "competitors"):
        tag = _opening_tag(html, element_id)
        assert tag.startswith("<details"), element_id
    assert " open" not in _opening_tag(html, "outcome"), "the close form is folded by default"
    assert " open" not in _opening_tag(html, "history")
    assert " open" not in _opening_tag(html, "competitors"), "nothing recorded: folded"
    assert reverse("deals:close", args=[deal.pk]) in _section(html, "outcome")

    # A competitor recorded: the section opens; a close form with errors opens too and keeps what was typed.
    link = CompetitorFactory(name="友商甲")
    services.deal_competitor_add(actor=personas.owner, opportunity=deal, competitor=link, notes="", is_ahead=False)
    response = login(personas.owner).post(
        reverse("deals:close", args=[deal.pk]), {"outcome": "lost", "reason": "", "version": deal.version}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert " open" in _opening_tag(html, "outcome")
    assert " open" in _opening_tag(html, "competitors")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_query_count_is_bounded_and_does_not_grow_with_the_team_and_competitors(
    personas, login, django_assert_max_num_queries
):
    deal = personas.deal
    client = login(personas.owner)
    few = _count(client, deal.get_absolute_url())
    for index in range(6):
        person = UserFactory(username=f"member{index}", role="presales", team=personas.engineer.team)
        services.deal_member_add(actor=personas.owner, opportunity=deal, user=person, role="presales_member")
        competitor = CompetitorFactory(name=f"友商{index}")
        services.deal_competitor_add(
            actor=personas.owner, opportunity=deal, competitor=competitor, notes="", is_ahead=False
        )
    many = _count(client, deal.get_absolute_url())
    assert many == few
    # Issue 17's budget: at most 15 queries a page, for each role that opens the deal.
    for persona in ("owner", "manager", "engineer", "presales_manager", "admin"):
        person_client = login(getattr(personas, persona))
        person_client.get(deal.get_absolute_url())
        with django_assert_max_num_queries(15):
            assert person_client.get(deal.get_absolute_url()).status_code == 200
