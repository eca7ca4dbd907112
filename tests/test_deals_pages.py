"""Opportunity pages: list, detail, create/edit with conflicts, board moves, close/reopen, team and competitors."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from presales.customers.models import Industry, Region
from presales.deals import services
from presales.deals.models import DealRole, DealTeamMember, Opportunity, OpportunityCompetitor, Outcome, OutcomeReason
from presales.deals.views import opportunities as opportunity_views
from presales.people.models import Role
from presales.playbook.models import Stage
from tests.factories import AccountFactory, CompetitorFactory, OpportunityFactory, UserFactory, pass_go_no_go

pytestmark = pytest.mark.django_db


def stage(number: int) -> Stage:
    return Stage.objects.get(number=number)


def form_data(deal: Opportunity, **overrides) -> dict:
    """What the edit form posts for `deal` unchanged, with `overrides` typed over it."""
    data = {
        "account": deal.account_id,
        "name": deal.name,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "expected_close_date": deal.expected_close_date.isoformat(),
        "stage": deal.stage_id,
        "probability": deal.probability,
        "sales_owner": deal.sales_owner_id,
        "presales_lead": deal.presales_lead_id or "",
        "source": deal.source,
        "description": deal.description,
        "version": deal.version,
    }
    data.update(overrides)
    return data


# --- anonymous, outsider, teammate -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [("deals:list", []), ("deals:board", []), ("deals:create", []), ("deals:competitor_list", [])],
)
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert reverse("people:login") in response["Location"]


def test_anonymous_detail_redirects(client, personas):
    response = client.get(reverse("deals:detail", args=[personas.deal.pk]))
    assert response.status_code == 302
    assert reverse("people:login") in response["Location"]


@pytest.mark.parametrize("name", ["deals:detail", "deals:edit"])
def test_outsider_gets_404_on_pages(personas, login, name):
    response = login(personas.outsider).get(reverse(name, args=[personas.deal.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["deals:move_stage", "deals:close", "deals:reopen", "deals:member_add", "deals:competitor_add"]
)
def test_outsider_gets_404_on_actions(personas, login, name):
    response = login(personas.outsider).post(
        reverse(name, args=[personas.deal.pk]), {"stage": stage(3).pk, "version": personas.deal.version}
    )
    assert response.status_code == 404
    personas.deal.refresh_from_db()
    assert personas.deal.stage.number == 2


def test_teammate_sees_but_cannot_edit(personas, login):
    client = login(personas.teammate)
    detail = client.get(reverse("deals:detail", args=[personas.deal.pk]))
    assert detail.status_code == 200
    assert reverse("deals:edit", args=[personas.deal.pk]) not in detail.content.decode()
    assert client.get(reverse("deals:edit", args=[personas.deal.pk])).status_code == 403
    move = client.post(
        reverse("deals:move_stage", args=[personas.deal.pk]), {"stage": stage(3).pk, "version": personas.deal.version}
    )
    assert move.status_code == 403
    personas.deal.refresh_from_db()
    assert personas.deal.stage.number == 2


# --- list ------------------------------------------------------------------------------------------


def test_list_shows_visible_deals_with_count_and_totals(personas, login):
    OpportunityFactory(
        name="Core banking", account=personas.account, sales_owner=personas.owner, amount=Decimal("500000")
    )
    response = login(personas.owner).get(reverse("deals:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "数据中心升级" in html and "Core banking" in html
    assert "2 opportunities" in html
    # 1,000,000 at 10% + 500,000 at 10%, summed in SQL.
    totals = response.context["totals"]
    assert totals == [
        {
            "currency": "CNY",
            "count": 2,
            "amount_sum": Decimal("1500000"),
            "weighted_sum": Decimal("150000"),
            # No win model scored these deals: weighted by the model is the same, and not shown.
            "model_weighted_sum": Decimal("150000"),
            "scored": 0,
        }
    ]
    assert "¥1,500,000" in html and "¥150,000" in html


def test_list_hides_deals_of_other_teams(personas, login):
    response = login(personas.outsider).get(reverse("deals:list"))
    assert "数据中心升级" not in response.content.decode()
    assert "No open opportunities yet" in response.content.decode()


def test_list_search_by_deal_or_account_name(personas, login):
    other_account = AccountFactory(name="Shenzhen Metro", owner=personas.owner, industry=Industry.TRANSPORT)
    OpportunityFactory(name="Ticketing", account=other_account, sales_owner=personas.owner)
    client = login(personas.owner)
    by_account = list(client.get(reverse("deals:list"), {"q": "metro"}).context["deals"])
    assert [deal.name for deal in by_account] == ["Ticketing"]
    by_name = list(client.get(reverse("deals:list"), {"q": "数据"}).context["deals"])
    assert [deal.name for deal in by_name] == ["数据中心升级"]


def test_list_no_match_shows_empty_state(personas, login):
    response = login(personas.owner).get(reverse("deals:list"), {"q": "nothing like this"})
    assert "No opportunities match these filters" in response.content.decode()


def test_list_filters(personas, login):
    owner = personas.owner
    metro = AccountFactory(name="Metro", owner=owner, industry=Industry.TRANSPORT, region=Region.SOUTH)
    today = timezone.localdate()
    OpportunityFactory(
        name="Big",
        account=metro,
        sales_owner=owner,
        amount=Decimal("9000000"),
        stage=stage(4),
        expected_close_date=today + datetime.timedelta(days=200),
    )
    lost = OpportunityFactory(name="Lost one", account=metro, sales_owner=personas.manager)
    services.opportunity_close(
        actor=personas.manager, opportunity=lost, outcome=Outcome.LOST, reason="Price", expected_version=lost.version
    )
    teammates_deal = OpportunityFactory(name="Teammate's", account=personas.account, sales_owner=personas.teammate)
    client = login(owner)

    def names(**params):
        return sorted(deal.name for deal in client.get(reverse("deals:list"), params).context["deals"])

    assert names() == sorted(["数据中心升级", "Big", teammates_deal.name])  # open only by default
    assert names(outcome="lost") == ["Lost one"]
    assert names(outcome="any") == sorted(["数据中心升级", "Big", "Lost one", teammates_deal.name])
    assert names(stage=stage(4).pk) == ["Big"]
    assert names(industry=Industry.TRANSPORT) == ["Big"]
    assert names(region=Region.SOUTH) == ["Big"]
    assert names(sales_owner=personas.teammate.pk) == [teammates_deal.name]
    assert names(presales_lead=personas.engineer.pk) == ["数据中心升级"]
    assert names(team=personas.owner.team_id) == sorted(["数据中心升级", "Big", teammates_deal.name])
    assert names(amount_min="5000000") == ["Big"]
    assert names(amount_max="5000000") == sorted(["数据中心升级", teammates_deal.name])
    assert names(close_from=(today + datetime.timedelta(days=100)).isoformat()) == ["Big"]
    assert names(close_to=(today + datetime.timedelta(days=100)).isoformat()) == sorted(
        ["数据中心升级", teammates_deal.name]
    )
    assert names(mine="1") == sorted(["数据中心升级", "Big"])


def test_mine_includes_deals_where_i_am_a_member(personas, login):
    other = OpportunityFactory(name="Helping out", account=personas.account, sales_owner=personas.teammate)
    services.deal_member_add(
        actor=personas.teammate, opportunity=other, user=personas.engineer, role=DealRole.PRESALES_MEMBER
    )
    deals = login(personas.engineer).get(reverse("deals:list"), {"mine": "1"}).context["deals"]
    assert sorted(deal.name for deal in deals) == sorted(["数据中心升级", "Helping out"])


def test_list_sorting(personas, login):
    OpportunityFactory(name="Aardvark", account=personas.account, sales_owner=personas.owner, amount=Decimal("5"))
    OpportunityFactory(name="Zebra", account=personas.account, sales_owner=personas.owner, amount=Decimal("7000000"))
    client = login(personas.owner)

    def names(ordering):
        return [deal.name for deal in client.get(reverse("deals:list"), {"ordering": ordering}).context["deals"]]

    assert names("name") == ["Aardvark", "Zebra", "数据中心升级"]
    assert names("-amount") == ["Zebra", "数据中心升级", "Aardvark"]
    assert names("amount") == ["Aardvark", "数据中心升级", "Zebra"]
    html = client.get(reverse("deals:list"), {"ordering": "amount"}).content.decode()
    assert "ordering=-amount" in html  # the header toggles the direction


def test_list_paginates(personas, login, settings):
    settings.PRESALES_PAGE_SIZE = 2
    for index in range(3):
        OpportunityFactory(name=f"Deal {index}", account=personas.account, sales_owner=personas.owner)
    client = login(personas.owner)
    first = client.get(reverse("deals:list"), {"ordering": "name"})
    assert first.context["page_obj"].paginator.num_pages == 2
    second = client.get(reverse("deals:list"), {"ordering": "name", "page": 2})
    assert [deal.name for deal in second.context["deals"]] == ["Deal 2", "数据中心升级"]
    # Totals cover every filtered row, not just the page.
    assert second.context["totals"][0]["count"] == 4


def _make_deals(personas, count: int) -> None:
    engineer2 = UserFactory(role=Role.PRESALES, team=personas.engineer.team)
    for index in range(count):
        deal = OpportunityFactory(
            name=f"Bulk {index}",
            account=AccountFactory(owner=personas.owner),
            sales_owner=personas.owner,
            presales_lead=engineer2,
            stage=stage(2 + index % 4),
        )
        services.deal_member_add(actor=personas.owner, opportunity=deal, user=personas.teammate, role="commercial")


def _count_queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url_name", ["deals:list", "deals:board"])
def test_query_count_does_not_grow_with_rows(personas, login, url_name, django_assert_max_num_queries):
    client = login(personas.manager)
    url = reverse(url_name)
    _make_deals(personas, 2)
    few = _count_queries(client, url, {"mine": "1"})
    _make_deals(personas, 27)
    many = _count_queries(client, url, {"mine": "1"})
    assert many == few
    with django_assert_max_num_queries(15):  # issue 17's budget for a page
        client.get(url)


def test_list_counts_its_rows_once_and_pages_by_that_count(personas, login, settings):
    """The totals' query counts the rows; the pages use that number instead of counting again."""
    settings.PRESALES_PAGE_SIZE = 10
    _make_deals(personas, 27)
    client = login(personas.manager)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("deals:list"), {"page": "3"})
    counts = [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"] and "deals_opportunity" in q["sql"]]
    assert len(counts) == 1, counts
    page = response.context["page_obj"]
    total = response.context["totals"][0]["count"]
    assert page.paginator.count == total == Opportunity.objects.visible_to(personas.manager).open().count()
    assert page.number == page.paginator.num_pages == -(-total // 10)
    assert len(page.object_list) == total - 20


# --- detail ----------------------------------------------------------------------------------------


def test_detail_for_owner(personas, login):
    deal = personas.deal
    response = login(personas.owner).get(reverse("deals:detail", args=[deal.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert deal.name in html
    assert reverse("customers:account_detail", args=[personas.account.pk]) in html
    assert 'class="stage-pair"' in html and 'class="stage-track"' in html
    assert deal.stage.vendor in html and deal.stage.customer in html
    assert html.count('<span class="current"') == 1
    assert "¥1,000,000" in html and "¥100,000" in html  # amount and weighted amount
    assert 'id="deal-extensions"' in html
    assert reverse("deals:edit", args=[deal.pk]) in html
    assert str(personas.engineer) in html  # presales lead on the deal team
    assert reverse("deals:close", args=[deal.pk]) in html


def test_history_shows_a_stage_move_with_before_and_after(personas, login):
    deal = personas.deal
    pass_go_no_go(deal)
    client = login(personas.owner)
    client.post(
        reverse("deals:move_stage", args=[deal.pk]),
        {"stage": stage(4).pk, "version": deal.version, "reason": "Customer asked to move on"},
    )
    response = client.get(reverse("deals:detail", args=[deal.pk]))
    entries = response.context["history"]
    stage_change = next(change for entry in entries for change in entry.changes if change.label == "stage")
    assert stage_change.old == str(stage(2))
    assert stage_change.new == str(stage(4))
    html = response.content.decode()
    assert escape(str(stage(2))) in html and escape(str(stage(4))) in html


# --- create and edit -------------------------------------------------------------------------------


def test_create_preselects_the_account(personas, login):
    response = login(personas.owner).get(reverse("deals:create"), {"account": personas.account.pk})
    assert response.status_code == 200
    assert response.context["form"]["account"].value() == personas.account.pk
    assert f'<option value="{personas.account.pk}" selected>' in response.content.decode()


def test_create_does_not_preselect_an_account_you_cannot_see(personas, login):
    response = login(personas.outsider).get(reverse("deals:create"), {"account": personas.account.pk})
    assert response.context["form"]["account"].value() is None
    assert personas.account.name not in response.content.decode()


def test_create_opportunity(personas, login):
    rival = CompetitorFactory(name="Rival")
    client = login(personas.owner)
    response = client.post(
        reverse("deals:create") + f"?account={personas.account.pk}",
        {
            "account": personas.account.pk,
            "name": "Disaster recovery",
            "amount": "2500000",
            "currency": "CNY",
            "expected_close_date": "2031-06-30",
            "stage": stage(3).pk,
            "probability": "",
            "sales_owner": personas.owner.pk,
            "presales_lead": personas.engineer.pk,
            "source": "Referral",
            "description": "",
            "competitors": [rival.pk],
        },
    )
    deal = Opportunity.objects.get(name="Disaster recovery")
    assert response.status_code == 302
    assert response["Location"] == deal.get_absolute_url()
    assert deal.probability == stage(3).default_probability
    assert deal.presales_lead == personas.engineer
    assert list(deal.competitors.all()) == [rival]


def test_create_error_keeps_typed_values(personas, login):
    response = login(personas.owner).post(
        reverse("deals:create"),
        {"account": personas.account.pk, "name": "", "amount": "123456", "currency": "CNY", "stage": stage(3).pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["form"].errors["expected_close_date"]
    assert 'value="123456"' in response.content.decode()
    assert not Opportunity.objects.filter(amount=Decimal("123456")).exists()


def test_presales_engineer_cannot_create(personas, login):
    assert login(personas.engineer).get(reverse("deals:create")).status_code == 403


def test_edit_opportunity(personas, login):
    deal = personas.deal
    response = login(personas.owner).post(
        reverse("deals:edit", args=[deal.pk]), form_data(deal, name="Data centre upgrade", amount="1200000")
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.name == "Data centre upgrade"
    assert deal.amount == Decimal("1200000")


def test_edit_can_move_the_stage_through_the_stage_service(personas, login):
    deal = personas.deal
    pass_go_no_go(deal)
    login(personas.engineer).post(
        reverse("deals:edit", args=[deal.pk]), form_data(deal, stage=stage(4).pk, stage_reason="Customer asked")
    )
    deal.refresh_from_db()
    assert deal.stage.number == 4
    # The probability was the old stage's default, so it followed the stage.
    assert deal.probability == stage(4).default_probability


def test_edit_refuses_an_after_sale_stage_for_an_open_deal(personas, login):
    deal = personas.deal
    response = login(personas.owner).post(
        reverse("deals:edit", args=[deal.pk]), form_data(deal, stage=stage(7).pk, name="Typed")
    )
    assert response.status_code == 200
    assert "Only a won deal moves on" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage.number == 2 and deal.name == "数据中心升级"  # nothing half-saved


def test_edit_conflict_keeps_first_change_and_typed_values(personas, login):
    deal = personas.deal
    client = login(personas.owner)
    started_from = client.get(reverse("deals:edit", args=[deal.pk])).context["form"]["version"].value()
    # Meanwhile the manager changes the amount.
    services.opportunity_update(
        actor=personas.manager, opportunity=deal, expected_version=deal.version, amount=Decimal("3000000")
    )
    response = client.post(
        reverse("deals:edit", args=[deal.pk]), form_data(deal, name="My typed name", version=started_from)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "changed this record while you were editing it" in html
    assert response.context["conflict"] is not None
    assert 'value="My typed name"' in html
    assert any(change.field == "amount" for change in response.context["conflict"].changes)
    deal.refresh_from_db()
    assert deal.amount == Decimal("3000000")
    assert deal.name == "数据中心升级"
    # Having seen the change, saving again goes through.
    again = client.post(
        reverse("deals:edit", args=[deal.pk]),
        form_data(deal, name="My typed name", version=response.context["form"]["version"].value()),
    )
    assert again.status_code == 302
    deal.refresh_from_db()
    assert deal.name == "My typed name" and deal.amount == Decimal("3000000")


# --- board -----------------------------------------------------------------------------------------


def test_board_columns_and_cards(personas, login):
    response = login(personas.owner).get(reverse("deals:board"))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["columns"]) == Stage.objects.count()
    column = response.context["columns"][1]
    assert column["stage"].number == 2 and column["count"] == 1
    assert f'id="deal-{personas.deal.pk}" draggable="true"' in html
    assert 'class="move-form"' in html and 'hx-select="#board"' in html
    assert stage(2).customer in html


def test_board_card_is_not_draggable_for_a_teammate(personas, login):
    html = login(personas.teammate).get(reverse("deals:board")).content.decode()
    assert f'id="deal-{personas.deal.pk}"' in html
    assert 'draggable="true"' not in html
    assert 'class="move-form"' not in html


def test_board_limits_cards_per_column(personas, login, monkeypatch):
    monkeypatch.setattr(opportunity_views, "BOARD_COLUMN_LIMIT", 2)
    for index in range(3):
        OpportunityFactory(name=f"Extra {index}", account=personas.account, sales_owner=personas.owner)
    response = login(personas.owner).get(reverse("deals:board"))
    column = response.context["columns"][1]
    assert column["count"] == 4 and len(column["deals"]) == 2 and column["hidden"] == 2
    assert "2 more — show all in the list" in response.content.decode()


def test_board_shows_only_open_deals(personas, login):
    deal = personas.deal
    services.opportunity_close(
        actor=personas.owner,
        opportunity=deal,
        outcome=Outcome.ABANDONED,
        reason="Budget cut",
        expected_version=deal.version,
    )
    response = login(personas.owner).get(reverse("deals:board"))
    assert all(column["count"] == 0 for column in response.context["columns"])


def test_move_on_the_board(personas, login):
    deal = personas.deal
    pass_go_no_go(deal)
    response = login(personas.owner).post(
        reverse("deals:move_stage", args=[deal.pk]),
        {
            "stage": stage(3).pk,
            "version": deal.version,
            "next": reverse("deals:board") + "?mine=1",
            "reason": "Customer asked to move on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("deals:board") + "?mine=1"
    deal.refresh_from_db()
    assert deal.stage.number == 3


def test_move_with_htmx_rerenders_the_board(personas, login):
    deal = personas.deal
    pass_go_no_go(deal)
    response = login(personas.owner).post(
        reverse("deals:move_stage", args=[deal.pk]) + "?mine=1",
        {"stage": stage(4).pk, "version": deal.version, "reason": "Customer asked to move on"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="board"' in html and "<html" not in html
    assert "moved to" in html
    assert response.context["columns"][3]["deals"][0].pk == deal.pk
    deal.refresh_from_db()
    assert deal.stage.number == 4


def test_move_with_a_stale_version_changes_nothing(personas, login):
    deal = personas.deal
    pass_go_no_go(deal)
    stale = deal.version
    services.opportunity_change_stage(
        actor=personas.engineer, opportunity=deal, stage=stage(3), expected_version=stale, reason="Customer asked"
    )
    response = login(personas.owner).post(
        reverse("deals:move_stage", args=[deal.pk]),
        {"stage": stage(5).pk, "version": stale, "reason": "Customer asked to move on"},
        headers={"HX-Request": "true"},
    )
    assert "changed this record while you were editing it" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage.number == 3


def test_move_an_open_deal_to_an_after_sale_stage_is_refused(personas, login):
    deal = personas.deal
    response = login(personas.owner).post(
        reverse("deals:move_stage", args=[deal.pk]), {"stage": stage(8).pk, "version": deal.version}, follow=True
    )
    assert "Only a won deal moves on" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage.number == 2


# --- close and reopen ------------------------------------------------------------------------------


def test_close_lost_without_reason_is_rejected(personas, login):
    deal = personas.deal
    response = login(personas.owner).post(
        reverse("deals:close", args=[deal.pk]),
        {"outcome": "lost", "reason": "", "details": "  ", "version": deal.version},
    )
    assert response.status_code == 200
    assert response.context["close_form"].errors["reason"]
    assert "Say why the deal was lost or abandoned." in response.content.decode()
    deal.refresh_from_db()
    assert deal.outcome == Outcome.OPEN


def test_close_and_reopen(personas, login):
    deal = personas.deal
    price = OutcomeReason.objects.get(key="price_lost")
    client = login(personas.owner)
    response = client.post(
        reverse("deals:close", args=[deal.pk]),
        {"outcome": "lost", "reason": price.pk, "details": "Lost on price", "version": deal.version},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.outcome == Outcome.LOST and deal.outcome_reason == "Lost on price" and deal.probability == 0
    assert deal.win_loss_reason == price
    detail = client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    assert "Price too high" in detail and "Lost on price" in detail
    assert reverse("deals:reopen", args=[deal.pk]) in detail
    client.post(reverse("deals:reopen", args=[deal.pk]), {"version": deal.version})
    deal.refresh_from_db()
    assert deal.outcome == Outcome.OPEN and deal.outcome_reason == "" and deal.win_loss_reason is None


def test_close_with_a_stale_version_is_refused(personas, login):
    deal = personas.deal
    stale = deal.version
    services.opportunity_update(actor=personas.manager, opportunity=deal, expected_version=stale, name="Renamed")
    response = login(personas.owner).post(
        reverse("deals:close", args=[deal.pk]),
        {
            "outcome": "abandoned",
            "reason": OutcomeReason.objects.get(key="budget_cancelled").pk,
            "details": "No budget",
            "version": stale,
        },
    )
    assert "changed this record while you were editing it" in response.content.decode()
    assert "No budget" in response.content.decode()
    deal.refresh_from_db()
    assert deal.outcome == Outcome.OPEN


def test_teammate_cannot_close(personas, login):
    deal = personas.deal
    response = login(personas.teammate).post(
        reverse("deals:close", args=[deal.pk]),
        {"outcome": "lost", "reason": OutcomeReason.objects.get(key="other").pk, "version": deal.version},
    )
    assert response.status_code == 403


# --- deal team and competitors ---------------------------------------------------------------------


def test_member_add_and_remove(personas, login):
    deal = personas.deal
    client = login(personas.owner)
    response = client.post(
        reverse("deals:member_add", args=[deal.pk]), {"user": personas.teammate.pk, "role": DealRole.COMMERCIAL}
    )
    assert response.status_code == 302
    member = DealTeamMember.objects.get(opportunity=deal, user=personas.teammate)
    detail = client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    assert "Teammate Li" in detail and "Commercial" in detail
    # The same person in the same role twice is refused on the form.
    again = client.post(
        reverse("deals:member_add", args=[deal.pk]), {"user": personas.teammate.pk, "role": DealRole.COMMERCIAL}
    )
    assert "already on the deal team" in again.content.decode()
    client.post(reverse("deals:member_remove", args=[deal.pk, member.pk]))
    assert not DealTeamMember.objects.filter(pk=member.pk).exists()


def test_teammate_cannot_add_members(personas, login):
    response = login(personas.teammate).post(
        reverse("deals:member_add", args=[personas.deal.pk]), {"user": personas.teammate.pk, "role": "commercial"}
    )
    assert response.status_code == 403


def test_competitor_add_and_remove(personas, login):
    deal = personas.deal
    rival = CompetitorFactory(name="Rival Corp", threat_level="high")
    client = login(personas.engineer)
    response = client.post(
        reverse("deals:competitor_add", args=[deal.pk]),
        {"competitor": rival.pk, "notes": "Cheaper hardware", "is_ahead": "on"},
    )
    assert response.status_code == 302
    link = OpportunityCompetitor.objects.get(opportunity=deal, competitor=rival)
    assert link.is_ahead and link.notes == "Cheaper hardware"
    detail = client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    assert "Rival Corp" in detail and "Ahead of us" in detail and "badge-high" in detail
    client.post(reverse("deals:competitor_remove", args=[deal.pk, link.pk]))
    assert not OpportunityCompetitor.objects.filter(pk=link.pk).exists()


def test_competitor_remove_of_another_deal_is_404(personas, login):
    other = OpportunityFactory(account=personas.account, sales_owner=personas.owner)
    link = services.deal_competitor_add(actor=personas.owner, opportunity=other, competitor=CompetitorFactory())
    response = login(personas.owner).post(reverse("deals:competitor_remove", args=[personas.deal.pk, link.pk]))
    assert response.status_code == 404


def test_the_list_shows_after_sales_people_won_deals_until_they_pick_another_outcome(personas, login):
    """After-sales work starts when a deal is won: their list opens on won deals (others' on open ones)."""
    support = UserFactory(username="after-sales", role=Role.AFTER_SALES)
    won = OpportunityFactory(name="Delivered deal", account=personas.account, sales_owner=personas.owner)
    Opportunity.objects.filter(pk=won.pk).update(outcome=Outcome.WON, closed_on=timezone.localdate())
    DealTeamMember.objects.create(opportunity=won, user=support, role=DealRole.AFTER_SALES)
    client = login(support)
    page = client.get(reverse("deals:list"))
    assert [deal.pk for deal in page.context["deals"]] == [won.pk]
    assert page.context["filter"].form["outcome"].value() == Outcome.WON
    assert list(client.get(reverse("deals:list"), {"outcome": Outcome.OPEN}).context["deals"]) == []
    owner_page = login(personas.owner).get(reverse("deals:list"))
    assert won.pk not in [deal.pk for deal in owner_page.context["deals"]]
