"""Account and contact pages: lists, details, forms, conflicts, permissions, query counts, org chart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from presales.customers import services
from presales.customers.models import Account, Attitude, Contact, DecisionRole, Industry, Level, Region
from presales.customers.views import build_org_tree
from presales.deals import services as deal_services
from presales.deals.models import Outcome
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def account_post_data(account: Account, **overrides):
    data = {
        "name": account.name,
        "short_name": account.short_name,
        "industry": account.industry,
        "region": account.region,
        "city": account.city,
        "owner": account.owner_id,
        "website": account.website,
        "address": account.address,
        "notes": account.notes,
        "version": account.version,
    }
    if account.is_key_account:
        data["is_key_account"] = "on"
    data.update(overrides)
    return data


def contact_post_data(contact: Contact | None = None, **overrides):
    data = {
        "name": "",
        "title": "",
        "department": "",
        "level": Level.STAFF,
        "decision_role": DecisionRole.USER,
        "attitude": Attitude.UNKNOWN,
        "influence": 3,
        "reports_to": "",
        "phone": "",
        "email": "",
        "notes": "",
    }
    if contact is not None:
        data.update(
            name=contact.name,
            title=contact.title,
            department=contact.department,
            level=contact.level,
            decision_role=contact.decision_role,
            attitude=contact.attitude,
            influence=contact.influence,
            reports_to=contact.reports_to_id or "",
            phone=contact.phone,
            email=contact.email,
            notes=contact.notes,
            version=contact.version,
        )
    data.update(overrides)
    return data


# --- Account list --------------------------------------------------------------------------------


def test_account_list_shows_visible_accounts_with_open_deals(personas, login):
    hidden = AccountFactory(name="西部电力", owner=personas.outsider)
    OpportunityFactory(account=personas.account, sales_owner=personas.owner, amount=Decimal("2000000"))
    response = login(personas.owner).get(reverse("customers:account_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert personas.account.name in content
    assert hidden.name not in content
    row = next(a for a in response.context["accounts"] if a.pk == personas.account.pk)
    # The persona deal (1,000,000) plus the new one.
    assert row.open_deal_count == 2
    assert row.open_pipeline == Decimal("3000000")
    assert "1 account" in content


def test_account_list_totals_ignore_deals_the_person_cannot_see(personas, login):
    """An outsider's deal at the owner's account must not leak into the owner's totals."""
    OpportunityFactory(
        account=personas.account, sales_owner=personas.outsider, amount=Decimal("5000000"), actor=personas.admin
    )
    response = login(personas.owner).get(reverse("customers:account_list"))
    row = response.context["accounts"][0]
    assert row.open_deal_count == 1
    assert row.open_pipeline == Decimal("1000000")


def test_account_list_search_matches_name_short_name_and_city(personas, login):
    AccountFactory(name="Shanghai Metro", short_name="SHM", city="上海", owner=personas.owner)
    AccountFactory(name="Nanjing Water", city="南京", owner=personas.owner)
    client = login(personas.owner)
    for query in ("metro", "SHM", "上海"):
        names = [a.name for a in client.get(reverse("customers:account_list"), {"q": query}).context["accounts"]]
        assert names == ["Shanghai Metro"], query


def test_account_list_filters(personas, login):
    key = AccountFactory(
        name="Key Bank", owner=personas.teammate, is_key_account=True, industry=Industry.FINANCE, region=Region.EAST
    )
    AccountFactory(name="Power Grid", owner=personas.owner, industry=Industry.ENERGY, region=Region.NORTH)
    client = login(personas.owner)
    url = reverse("customers:account_list")

    def names(params):
        return sorted(a.name for a in client.get(url, params).context["accounts"])

    assert names({"industry": "energy"}) == ["Power Grid"]
    assert names({"region": "north"}) == ["Power Grid"]
    assert names({"is_key_account": "true"}) == [key.name]
    assert names({"owner": personas.teammate.pk}) == [key.name]
    assert names({"mine": "on"}) == sorted([personas.account.name, "Power Grid"])
    assert names({"industry": "telecom"}) == []


def test_account_list_empty_state_offers_create(personas, login):
    response = login(personas.owner).get(reverse("customers:account_list"), {"q": "nothing like this"})
    content = response.content.decode()
    assert "No accounts match these filters" in content
    assert reverse("customers:account_create") in content


def test_account_list_empty_state_for_a_new_person(db, login):
    newcomer = UserFactory(role="sales")
    response = login(newcomer).get(reverse("customers:account_list"))
    assert response.status_code == 200
    assert "No accounts yet" in response.content.decode()


def test_account_list_sorting(personas, login):
    busy = AccountFactory(name="Zeta Corp", owner=personas.owner)
    OpportunityFactory(account=busy, sales_owner=personas.owner, amount=Decimal("9000000"))
    OpportunityFactory(account=busy, sales_owner=personas.owner, amount=Decimal("1"))
    AccountFactory(name="Alpha Ltd", owner=personas.owner)
    client = login(personas.owner)
    url = reverse("customers:account_list")

    def order(ordering):
        return [a.name for a in client.get(url, {"ordering": ordering}).context["accounts"]]

    assert order("name") == ["Alpha Ltd", "Zeta Corp", personas.account.name]
    assert order("-name") == [personas.account.name, "Zeta Corp", "Alpha Ltd"]
    assert order("-open_deals")[0] == "Zeta Corp"
    assert order("-open_pipeline")[0] == "Zeta Corp"
    assert order("open_pipeline")[0] == "Alpha Ltd"
    # The header links toggle the direction.
    content = client.get(url, {"ordering": "name"}).content.decode()
    assert "ordering=-name" in content


def test_account_list_paginates(personas, login, settings):
    settings.PRESALES_PAGE_SIZE = 5
    for n in range(7):
        AccountFactory(name=f"Paged {n}", owner=personas.owner)
    client = login(personas.owner)
    first = client.get(reverse("customers:account_list"))
    assert len(first.context["accounts"]) == 5
    assert first.context["page_obj"].paginator.count == 8
    second = client.get(reverse("customers:account_list"), {"page": 2})
    assert len(second.context["accounts"]) == 3


def _make_accounts(owner, count):
    for n in range(count):
        account = AccountFactory(name=f"Bulk {n}", owner=owner, city=f"City {n}")
        OpportunityFactory(account=account, sales_owner=owner)


@pytest.mark.parametrize("rows", [3, 30])
def test_account_list_query_count_does_not_grow(personas, login, django_assert_max_num_queries, rows):
    _make_accounts(personas.owner, rows)
    client = login(personas.owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("customers:account_list"), {"ordering": "-open_pipeline"})
    assert response.status_code == 200
    assert len(response.context["accounts"]) == min(rows + 1, 25)


def test_anonymous_is_sent_to_login(personas, client):
    account = personas.account
    contact = ContactFactory(account=account)
    for url in (
        reverse("customers:account_list"),
        reverse("customers:account_create"),
        reverse("customers:account_detail", args=[account.pk]),
        reverse("customers:account_edit", args=[account.pk]),
        reverse("customers:account_org_chart", args=[account.pk]),
        reverse("customers:contact_list"),
        reverse("customers:contact_create", args=[account.pk]),
        reverse("customers:contact_detail", args=[contact.pk]),
        reverse("customers:contact_edit", args=[contact.pk]),
        reverse("customers:contact_delete", args=[contact.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("people:login")), url


# --- Account detail --------------------------------------------------------------------------------


def test_account_detail_shows_properties_contacts_deals_and_history(personas, login):
    account = personas.account
    services.account_update(
        actor=personas.owner, account=account, expected_version=account.version, is_key_account=True, city="杭州"
    )
    boss = ContactFactory(account=account, name="Director Sun", level=Level.EXECUTIVE)
    ContactFactory(
        account=account,
        name="Engineer Qian",
        decision_role=DecisionRole.EVALUATOR,
        attitude=Attitude.CHAMPION,
        influence=4,
        reports_to=boss,
    )
    lost = OpportunityFactory(account=account, sales_owner=personas.owner, name="Old tender")
    deal_services.opportunity_close(
        actor=personas.owner, opportunity=lost, outcome=Outcome.LOST, reason="Price", expected_version=lost.version
    )
    hidden_deal = OpportunityFactory(
        account=account, sales_owner=personas.outsider, name="Hidden deal", actor=personas.admin
    )
    response = login(personas.owner).get(reverse("customers:account_detail", args=[account.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Key account" in content
    assert "杭州" in content
    assert "Director Sun" in content and "Engineer Qian" in content
    assert "Evaluator" in content and "Champion" in content
    assert "●●●●○" in content
    assert personas.deal.name in content
    assert reverse("deals:detail", args=[personas.deal.pk]) in content
    assert hidden_deal.name not in content
    assert personas.deal.stage.label in content
    assert f"{reverse('deals:create')}?account={account.pk}" in content
    assert reverse("customers:account_edit", args=[account.pk]) in content
    assert 'id="history"' in content
    assert "changed" in content
    assert "badge-lost" in content and "Old tender" in content


def test_account_detail_for_teammate_has_no_edit_button(personas, login):
    response = login(personas.teammate).get(reverse("customers:account_detail", args=[personas.account.pk]))
    assert response.status_code == 200
    assert reverse("customers:account_edit", args=[personas.account.pk]) not in response.content.decode()


def test_account_detail_hides_new_opportunity_from_presales(personas, login):
    response = login(personas.engineer).get(reverse("customers:account_detail", args=[personas.account.pk]))
    assert response.status_code == 200
    assert f"?account={personas.account.pk}" not in response.content.decode()


def test_outsider_gets_404_on_account_pages(personas, login):
    client = login(personas.outsider)
    pk = personas.account.pk
    for name in ("account_detail", "account_edit", "account_org_chart", "contact_create"):
        assert client.get(reverse(f"customers:{name}", args=[pk])).status_code == 404, name
    assert client.post(reverse("customers:account_edit", args=[pk]), {"name": "x"}).status_code == 404


# --- Account create / edit --------------------------------------------------------------------------


def test_account_create(personas, login):
    client = login(personas.owner)
    form_page = client.get(reverse("customers:account_create"))
    assert form_page.status_code == 200
    assert form_page.context["form"]["owner"].value() == personas.owner.pk
    response = client.post(
        reverse("customers:account_create"),
        {
            "name": "北方航空",
            "short_name": "北航",
            "industry": Industry.TRANSPORT,
            "region": Region.NORTH,
            "city": "北京",
            "is_key_account": "on",
            "owner": personas.owner.pk,
            "website": "https://example.com",
            "address": "",
            "notes": "",
        },
    )
    account = Account.objects.get(name="北方航空")
    assert response.status_code == 302
    assert response["Location"] == account.get_absolute_url()
    assert account.is_key_account and account.team_id == personas.owner.team_id
    assert account.history.first().history_user == personas.owner


def test_account_create_form_errors_keep_typed_values(personas, login):
    response = login(personas.owner).post(
        reverse("customers:account_create"),
        {"name": "", "short_name": "Typed short", "industry": "finance", "region": "", "city": "Typed city"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors and "region" in form.errors
    content = response.content.decode()
    assert 'value="Typed short"' in content and 'value="Typed city"' in content
    assert not Account.objects.filter(short_name="Typed short").exists()


@pytest.mark.parametrize("role", ["presales", "commercial", "after_sales"])
def test_account_create_forbidden_for_roles_without_the_right(db, login, role):
    person = UserFactory(role=role)
    client = login(person)
    assert client.get(reverse("customers:account_create")).status_code == 403
    assert client.post(reverse("customers:account_create"), {"name": "X"}).status_code == 403
    assert not Account.objects.filter(name="X").exists()


def test_account_edit(personas, login):
    account = personas.account
    client = login(personas.owner)
    page = client.get(reverse("customers:account_edit", args=[account.pk]))
    assert page.status_code == 200
    assert f'name="version" value="{account.version}"' in page.content.decode()
    response = client.post(
        reverse("customers:account_edit", args=[account.pk]), account_post_data(account, city="苏州")
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.city == "苏州"
    assert account.version == 2


def test_manager_can_edit_teams_account(personas, login):
    account = personas.account
    response = login(personas.manager).post(
        reverse("customers:account_edit", args=[account.pk]), account_post_data(account, notes="Manager note")
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.notes == "Manager note"


def test_teammate_gets_403_on_account_edit(personas, login):
    account = personas.account
    client = login(personas.teammate)
    assert client.get(reverse("customers:account_edit", args=[account.pk])).status_code == 403
    response = client.post(
        reverse("customers:account_edit", args=[account.pk]),
        account_post_data(account, owner=personas.teammate.pk, name="Hijacked"),
    )
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.name != "Hijacked" and account.owner == personas.owner


def test_account_edit_errors_keep_typed_values(personas, login):
    account = personas.account
    response = login(personas.owner).post(
        reverse("customers:account_edit", args=[account.pk]),
        account_post_data(account, name="", city="Typed city", website="not a url"),
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors and "website" in response.context["form"].errors
    assert 'value="Typed city"' in response.content.decode()
    account.refresh_from_db()
    assert account.city != "Typed city"


def test_two_people_edit_the_same_account(personas, login):
    """The second save is refused, explained, keeps what they typed, and the first change stays."""
    account = personas.account
    owner_client = login(personas.owner)
    manager_client = login(personas.manager)
    # Both open the form at version 1.
    stale = account_post_data(account)
    assert owner_client.get(reverse("customers:account_edit", args=[account.pk])).status_code == 200
    assert manager_client.get(reverse("customers:account_edit", args=[account.pk])).status_code == 200

    first = owner_client.post(reverse("customers:account_edit", args=[account.pk]), {**stale, "city": "宁波"})
    assert first.status_code == 302

    second = manager_client.post(
        reverse("customers:account_edit", args=[account.pk]), {**stale, "city": "温州", "notes": "Manager typed"}
    )
    assert second.status_code == 200
    content = second.content.decode()
    assert "changed this record while you were editing it" in content
    assert "Owner Wang" in content
    assert second.context["conflict"] is not None
    assert [c.field for c in second.context["conflict"].changes] == ["city"]
    assert 'value="温州"' in content and "Manager typed" in content
    account.refresh_from_db()
    assert account.city == "宁波" and account.notes == ""
    # The form now carries the saved version, so a deliberate second save goes through.
    assert second.context["form"]["version"].value() == str(account.version)
    third = manager_client.post(
        reverse("customers:account_edit", args=[account.pk]),
        {**stale, "city": "温州", "notes": "Manager typed", "version": account.version},
    )
    assert third.status_code == 302
    account.refresh_from_db()
    assert account.city == "温州"


def test_account_edit_without_version_is_rejected(personas, login):
    account = personas.account
    data = account_post_data(account, city="Somewhere")
    del data["version"]
    response = login(personas.owner).post(reverse("customers:account_edit", args=[account.pk]), data)
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    account.refresh_from_db()
    assert account.city != "Somewhere"


# --- Contacts ---------------------------------------------------------------------------------------


def test_contact_list_search_and_filters(personas, login):
    account = personas.account
    ContactFactory(
        account=account, name="Zhang Wei", title="CIO", department="信息中心", level=Level.EXECUTIVE,
        decision_role=DecisionRole.DECISION_MAKER, attitude=Attitude.POSITIVE,
    )  # fmt: skip
    ContactFactory(account=account, name="Li Na", title="Engineer", department="运维", attitude=Attitude.NEGATIVE)
    other = AccountFactory(name="Other Bank", owner=personas.owner)
    ContactFactory(account=other, name="Wang Fang", title="Buyer")
    ContactFactory(account=AccountFactory(name="Hidden", owner=personas.outsider), name="Secret Person")
    client = login(personas.owner)
    url = reverse("customers:contact_list")

    def names(params):
        return sorted(c.name for c in client.get(url, params).context["contacts"])

    assert names({}) == ["Li Na", "Wang Fang", "Zhang Wei"]
    assert names({"q": "cio"}) == ["Zhang Wei"]
    assert names({"q": "运维"}) == ["Li Na"]
    assert names({"q": "other bank"}) == ["Wang Fang"]
    assert names({"level": "executive"}) == ["Zhang Wei"]
    assert names({"decision_role": "decision_maker"}) == ["Zhang Wei"]
    assert names({"attitude": "negative"}) == ["Li Na"]
    assert names({"account": other.pk}) == ["Wang Fang"]
    assert "Secret Person" not in client.get(url).content.decode()
    # An account the person cannot see is not a valid filter value: it is ignored, nothing leaks.
    assert "Secret Person" not in client.get(url, {"q": "Secret"}).content.decode()


def test_contact_list_sorting(personas, login):
    ContactFactory(account=personas.account, name="Aaron", influence=1)
    ContactFactory(account=personas.account, name="Bella", influence=5)
    client = login(personas.owner)
    url = reverse("customers:contact_list")
    assert [c.name for c in client.get(url, {"ordering": "-influence"}).context["contacts"]] == ["Bella", "Aaron"]
    assert [c.name for c in client.get(url, {"ordering": "-name"}).context["contacts"]] == ["Bella", "Aaron"]
    assert [c.name for c in client.get(url, {"ordering": "name"}).context["contacts"]] == ["Aaron", "Bella"]


def test_contact_list_empty_state(db, login):
    response = login(UserFactory(role="sales")).get(reverse("customers:contact_list"))
    assert response.status_code == 200
    assert "No contacts yet" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_contact_list_query_count_does_not_grow(personas, login, django_assert_max_num_queries, rows):
    boss = ContactFactory(account=personas.account, name="Boss")
    for n in range(rows):
        account = AccountFactory(name=f"Contacts {n}", owner=personas.owner)
        ContactFactory(account=account, name=f"Person {n}", reports_to=None)
        ContactFactory(account=personas.account, name=f"Report {n}", reports_to=boss)
    client = login(personas.owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("customers:contact_list"))
    assert response.status_code == 200
    assert len(response.context["contacts"]) == min(2 * rows + 1, 25)


def test_contact_detail_shows_person_reports_and_history(personas, login):
    boss = ContactFactory(account=personas.account, name="Boss Hu", title="CTO")
    contact = ContactFactory(account=personas.account, name="Report Ma", reports_to=boss, phone="13800000000")
    response = login(personas.teammate).get(reverse("customers:contact_detail", args=[boss.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Boss Hu" in content and "CTO" in content
    assert contact.get_absolute_url() in content
    assert 'id="history"' in content
    assert reverse("customers:contact_edit", args=[boss.pk]) in content


def test_outsider_gets_404_on_contact_pages(personas, login):
    contact = ContactFactory(account=personas.account)
    client = login(personas.outsider)
    for name in ("contact_detail", "contact_edit", "contact_delete"):
        assert client.get(reverse(f"customers:{name}", args=[contact.pk])).status_code == 404, name
    assert client.post(reverse("customers:contact_delete", args=[contact.pk])).status_code == 404
    assert (
        client.post(reverse("customers:contact_create", args=[personas.account.pk]), {"name": "x"}).status_code == 404
    )
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_create_from_account(personas, login):
    boss = ContactFactory(account=personas.account, name="Boss")
    client = login(personas.engineer)
    url = reverse("customers:contact_create", args=[personas.account.pk])
    page = client.get(url, {"reports_to": boss.pk})
    assert page.status_code == 200
    assert page.context["form"]["reports_to"].value() == boss.pk
    response = client.post(
        url,
        contact_post_data(
            name="New Person", title="Architect", level=Level.MANAGER, decision_role=DecisionRole.INFLUENCER,
            attitude=Attitude.POSITIVE, influence=4, reports_to=boss.pk,
        ),
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == personas.account.get_absolute_url()
    contact = Contact.objects.get(name="New Person")
    assert contact.account == personas.account and contact.reports_to == boss
    assert contact.history.first().history_user == personas.engineer


def test_contact_form_offers_only_the_same_accounts_people(personas, login):
    mine = ContactFactory(account=personas.account, name="Same Account")
    other_account = AccountFactory(name="Elsewhere", owner=personas.owner)
    stranger = ContactFactory(account=other_account, name="Other Account Person")
    client = login(personas.owner)
    url = reverse("customers:contact_create", args=[personas.account.pk])
    choices = list(client.get(url).context["form"].fields["reports_to"].queryset)
    assert choices == [mine]
    response = client.post(url, contact_post_data(name="Sneaky", reports_to=stranger.pk))
    assert response.status_code == 200
    assert "reports_to" in response.context["form"].errors
    assert not Contact.objects.filter(name="Sneaky").exists()


def test_contact_create_errors_keep_typed_values(personas, login):
    response = login(personas.owner).post(
        reverse("customers:contact_create", args=[personas.account.pk]),
        contact_post_data(name="", title="Typed title", email="broken", influence=9),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "email", "influence"} <= set(errors)
    assert 'value="Typed title"' in response.content.decode()


@pytest.mark.parametrize("role", ["commercial", "after_sales"])
def test_contact_create_forbidden_for_roles_without_the_right(personas, login, role):
    person = UserFactory(role=role, team=personas.owner.team)
    client = login(person)
    url = reverse("customers:contact_create", args=[personas.account.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, contact_post_data(name="Nope")).status_code == 403
    assert not Contact.objects.filter(name="Nope").exists()


def test_contact_edit_and_delete_forbidden_for_roles_without_the_right(personas, login):
    contact = ContactFactory(account=personas.account)
    person = UserFactory(role="commercial", team=personas.owner.team)
    client = login(person)
    assert client.get(reverse("customers:contact_detail", args=[contact.pk])).status_code == 200
    assert client.get(reverse("customers:contact_edit", args=[contact.pk])).status_code == 403
    assert client.post(reverse("customers:contact_delete", args=[contact.pk])).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_edit(personas, login):
    contact = ContactFactory(account=personas.account, name="Before")
    response = login(personas.teammate).post(
        reverse("customers:contact_edit", args=[contact.pk]),
        contact_post_data(contact, name="After", attitude=Attitude.CHAMPION),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "After" and contact.attitude == Attitude.CHAMPION and contact.version == 2


def test_contact_edit_conflict(personas, login):
    contact = ContactFactory(account=personas.account, name="Shared")
    stale = contact_post_data(contact)
    services.contact_update(actor=personas.owner, contact=contact, expected_version=1, title="Changed first")
    response = login(personas.engineer).post(
        reverse("customers:contact_edit", args=[contact.pk]), {**stale, "department": "Typed dept"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "changed this record while you were editing it" in content
    assert 'value="Typed dept"' in content
    contact.refresh_from_db()
    assert contact.title == "Changed first" and contact.department == ""


def test_reporting_loop_is_rejected(personas, login):
    top = ContactFactory(account=personas.account, name="Top")
    middle = ContactFactory(account=personas.account, name="Middle", reports_to=top)
    bottom = ContactFactory(account=personas.account, name="Bottom", reports_to=middle)
    response = login(personas.owner).post(
        reverse("customers:contact_edit", args=[top.pk]), contact_post_data(top, reports_to=bottom.pk)
    )
    assert response.status_code == 200
    assert "reporting loop" in str(response.context["form"].errors["reports_to"])
    top.refresh_from_db()
    assert top.reports_to is None


def test_contact_delete_confirms_then_moves_reports_up(personas, login):
    top = ContactFactory(account=personas.account, name="Top")
    middle = ContactFactory(account=personas.account, name="Middle", reports_to=top)
    bottom = ContactFactory(account=personas.account, name="Bottom", reports_to=middle)
    client = login(personas.owner)
    confirm = client.get(reverse("customers:contact_delete", args=[middle.pk]))
    assert confirm.status_code == 200
    assert "will report to Top instead" in confirm.content.decode()
    assert Contact.objects.filter(pk=middle.pk).exists()
    response = client.post(reverse("customers:contact_delete", args=[middle.pk]))
    assert response.status_code == 302
    assert response["Location"] == personas.account.get_absolute_url()
    assert not Contact.objects.filter(pk=middle.pk).exists()
    bottom.refresh_from_db()
    assert bottom.reports_to == top


# --- Org chart --------------------------------------------------------------------------------------


def test_org_chart_renders_nested_people(personas, login, django_assert_max_num_queries):
    account = personas.account
    ceo = ContactFactory(account=account, name="CEO Liu", level=Level.EXECUTIVE, influence=5)
    cio = ContactFactory(
        account=account, name="CIO Xu", level=Level.EXECUTIVE, reports_to=ceo,
        decision_role=DecisionRole.DECISION_MAKER, attitude=Attitude.CHAMPION, influence=3,
    )  # fmt: skip
    ContactFactory(account=account, name="Engineer Gao", reports_to=cio, attitude=Attitude.NEGATIVE)
    ContactFactory(account=account, name="Lonely Buyer")
    client = login(personas.teammate)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("customers:account_org_chart", args=[account.pk]))
    assert response.status_code == 200
    roots = response.context["roots"]
    assert [node.contact.name for node in roots] == ["CEO Liu", "Lonely Buyer"]
    assert roots[0].children[0].contact.name == "CIO Xu"
    assert roots[0].children[0].children[0].contact.name == "Engineer Gao"
    content = response.content.decode()
    assert 'class="orgchart"' in content
    # Engineer Gao sits two lists deep below the CEO.
    ceo_at = content.index("CEO Liu")
    assert content.count("<ul>", ceo_at, content.index("Engineer Gao")) == 2
    assert "person-attitude-champion" in content and "person-attitude-negative" in content
    assert "Decision maker" in content
    assert "●●●○○" in content and "●●●●●" in content


def test_org_chart_query_count_does_not_grow(personas, login, django_assert_max_num_queries):
    previous = None
    for n in range(30):
        previous = ContactFactory(account=personas.account, name=f"Level {n}", reports_to=previous)
    client = login(personas.owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("customers:account_org_chart", args=[personas.account.pk]))
    assert response.status_code == 200
    assert "Level 29" in response.content.decode()


def test_org_chart_empty_state(personas, login):
    response = login(personas.owner).get(reverse("customers:account_org_chart", args=[personas.account.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "No stakeholders recorded" in content
    assert reverse("customers:contact_create", args=[personas.account.pk]) in content


def test_build_org_tree_survives_a_stored_loop(personas):
    """A loop that bypassed validation (bulk import) still shows everybody once."""
    a = ContactFactory(account=personas.account, name="A")
    b = ContactFactory(account=personas.account, name="B", reports_to=a)
    Contact.objects.filter(pk=a.pk).update(reports_to=b)
    contacts = list(Contact.objects.filter(account=personas.account))
    roots = build_org_tree(contacts)

    def walk(nodes):
        for node in nodes:
            yield node.contact.name
            yield from walk(node.children)

    assert sorted(walk(roots)) == ["A", "B"]
