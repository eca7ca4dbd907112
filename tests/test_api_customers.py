"""API: accounts and contacts: CRUD, visibility (404), rights (403), stale versions (409), query counts."""

from __future__ import annotations

import pytest

from presales.customers.models import Account, Contact
from presales.people.models import Role
from tests.factories import AccountFactory, ContactFactory
from tests.test_api_support import TokenClient, error_code

pytestmark = pytest.mark.django_db


def test_list_accounts_shows_only_visible_ones_with_count(personas):
    AccountFactory(name="West Co", owner=personas.outsider)
    body = TokenClient(personas.owner).get("/accounts/").json()
    assert [a["name"] for a in body["items"]] == ["华东银行"]
    assert body["count"] == 1
    assert body["items"][0]["open_deal_count"] == 1
    assert TokenClient(personas.admin).get("/accounts/").json()["count"] == 2


def test_list_accounts_filters_orders_and_pages(personas):
    for n in range(5):
        AccountFactory(name=f"Bank {n}", owner=personas.owner, industry="energy")
    api = TokenClient(personas.owner)
    body = api.get("/accounts/", industry="energy", ordering="-name", limit=2, offset=1).json()
    assert body["count"] == 5
    assert [a["name"] for a in body["items"]] == ["Bank 3", "Bank 2"]
    assert api.get("/accounts/", q="华东").json()["count"] == 1


def test_list_accounts_bad_filter_is_422_with_fields(personas):
    response = TokenClient(personas.owner).get("/accounts/", ordering="nonsense")
    assert response.status_code == 422
    assert error_code(response) == "invalid"
    assert "ordering" in response.json()["error"]["fields"]
    response = TokenClient(personas.owner).get("/accounts/", industry="spaceships")
    assert response.status_code == 422
    assert "industry" in response.json()["error"]["fields"]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_accounts_query_count_does_not_grow(personas, rows, django_assert_max_num_queries):
    for n in range(rows):
        account = AccountFactory(name=f"Row {n}", owner=personas.owner)
        ContactFactory(account=account)
    api = TokenClient(personas.owner)
    with django_assert_max_num_queries(8):
        assert api.get("/accounts/", limit=100).json()["count"] == rows + 1
    with django_assert_max_num_queries(8):
        assert api.get("/contacts/", limit=100).json()["count"] == rows


def test_account_detail_outsider_404_and_create(personas):
    assert TokenClient(personas.outsider).get(f"/accounts/{personas.account.pk}").status_code == 404
    assert TokenClient(personas.owner).get("/accounts/999999").status_code == 404
    assert TokenClient(personas.owner).get(f"/accounts/{2**70}").status_code == 404
    response = TokenClient(personas.owner).post(
        "/accounts/", {"name": "新客户", "industry": "government", "region": "north", "city": "北京"}
    )
    assert response.status_code == 201, response.content
    created = Account.objects.get(name="新客户")
    assert created.owner == personas.owner and created.team == personas.owner.team
    assert response.json()["version"] == 1


def test_create_account_role_without_right_is_403(personas):
    response = TokenClient(personas.engineer).post("/accounts/", {"name": "X", "industry": "finance", "region": "east"})
    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_create_account_validation_is_422_with_field_messages(personas):
    api = TokenClient(personas.owner)
    response = api.post("/accounts/", {"industry": "finance", "region": "mars"})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["name"] == ["This field is required."]
    assert "region" in fields
    response = api.post("/accounts/", {"name": "X", "industry": "finance", "region": "east", "website": "not a url"})
    assert response.status_code == 422
    assert "website" in response.json()["error"]["fields"]


def test_error_messages_follow_accept_language(personas):
    response = TokenClient(personas.outsider, language="zh-hans").get(f"/accounts/{personas.account.pk}")
    assert response.status_code == 404
    assert response["Content-Language"] == "zh-hans"


def test_update_account_with_version(personas):
    api = TokenClient(personas.owner)
    response = api.patch(f"/accounts/{personas.account.pk}", {"version": 1, "city": "上海"})
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "上海"
    assert response.json()["version"] == 2


def test_update_account_needs_version(personas):
    response = TokenClient(personas.owner).patch(f"/accounts/{personas.account.pk}", {"city": "上海"})
    assert response.status_code == 422
    assert "version" in response.json()["error"]["fields"]


def test_stale_version_is_409_naming_what_changed_and_saves_nothing(personas):
    TokenClient(personas.manager).patch(f"/accounts/{personas.account.pk}", {"version": 1, "city": "杭州"})
    response = TokenClient(personas.owner).patch(f"/accounts/{personas.account.pk}", {"version": 1, "city": "上海"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["current_version"] == 2
    assert [c["field"] for c in error["changes"]] == ["city"]
    assert error["changes"][0]["theirs"] == "杭州"
    assert "city" in error["fields"]
    assert "Manager Ma" in error["message"]
    personas.account.refresh_from_db()
    assert personas.account.city == "杭州"


def test_teammate_sees_but_cannot_update_account(personas):
    api = TokenClient(personas.teammate)
    assert api.get(f"/accounts/{personas.account.pk}").status_code == 200
    response = api.patch(f"/accounts/{personas.account.pk}", {"version": 1, "city": "x"})
    assert response.status_code == 403


def test_outsider_update_is_404(personas):
    response = TokenClient(personas.outsider).patch(f"/accounts/{personas.account.pk}", {"version": 1, "city": "x"})
    assert response.status_code == 404


def test_accounts_cannot_be_deleted_through_the_api(personas):
    response = TokenClient(personas.admin).delete(f"/accounts/{personas.account.pk}")
    assert response.status_code == 405
    assert Account.objects.filter(pk=personas.account.pk).exists()


# --- Contacts -------------------------------------------------------------------------------------


def test_contact_crud(personas):
    api = TokenClient(personas.engineer)
    response = api.post(
        "/contacts/",
        {"account_id": personas.account.pk, "name": "张总", "title": "CIO", "level": "executive", "influence": 5},
    )
    assert response.status_code == 201, response.content
    boss = response.json()
    response = api.post("/contacts/", {"account_id": personas.account.pk, "name": "李工", "reports_to_id": boss["id"]})
    assert response.status_code == 201
    report = response.json()
    assert report["reports_to_id"] == boss["id"]
    listed = api.get("/contacts/", account=personas.account.pk, ordering="name").json()
    assert listed["count"] == 2
    response = api.patch(f"/contacts/{report['id']}", {"version": report["version"], "attitude": "champion"})
    assert response.status_code == 200
    assert response.json()["attitude"] == "champion"
    assert api.delete(f"/contacts/{boss['id']}").status_code == 204
    assert Contact.objects.get(pk=report["id"]).reports_to is None


def test_contact_at_hidden_account_is_refused(personas):
    response = TokenClient(personas.outsider).post("/contacts/", {"account_id": personas.account.pk, "name": "X"})
    assert response.status_code == 422
    assert "account_id" in response.json()["error"]["fields"]


def test_contact_outsider_404_and_role_without_right_403(personas):
    from tests.factories import UserFactory

    contact = ContactFactory(account=personas.account)
    assert TokenClient(personas.outsider).get(f"/contacts/{contact.pk}").status_code == 404
    assert TokenClient(personas.outsider).delete(f"/contacts/{contact.pk}").status_code == 404
    commercial = UserFactory(username="commercial", role=Role.COMMERCIAL, team=personas.owner.team)
    api = TokenClient(commercial)
    assert api.get(f"/contacts/{contact.pk}").status_code == 200
    assert api.patch(f"/contacts/{contact.pk}", {"version": 1, "title": "x"}).status_code == 403
    assert api.delete(f"/contacts/{contact.pk}").status_code == 403


def test_contact_reporting_loop_is_422(personas):
    a = ContactFactory(account=personas.account)
    b = ContactFactory(account=personas.account, reports_to=a)
    response = TokenClient(personas.owner).patch(f"/contacts/{a.pk}", {"version": a.version, "reports_to_id": b.pk})
    assert response.status_code == 422
    assert "reports_to" in response.json()["error"]["fields"]
