"""Type-ahead pickers: endpoints return only what the person may see, their own and recent first, in a bounded
number of queries; the forms and the deal filter send only the chosen options, not thousands."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from presales.deals.models import Competitor
from presales.knowledge import services as knowledge_services
from presales.knowledge.models import KnowledgeKind
from presales.people.models import Role, Skill
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory, TeamFactory, UserFactory


def _results(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.json()["results"]


def _texts(results):
    return [row["text"] for row in results]


def test_deal_picker_shows_only_visible_deals_own_first(personas, login):
    others = AccountFactory(name="西部电力", owner=personas.outsider)
    OpportunityFactory(name="西部电力扩容", account=others, sales_owner=personas.outsider)
    teammates = OpportunityFactory(name="数据中心备份", account=personas.account, sales_owner=personas.teammate)
    url = reverse("deals:pick")
    owner = login(personas.owner)
    assert _texts(_results(owner, url)) == ["数据中心升级", "数据中心备份"]
    assert _texts(_results(owner, url, q="备份")) == ["数据中心备份"]
    # A word of the account's name finds the deal too, with the account as the hint.
    assert _results(owner, url, q="华东 备份") == [
        {"value": str(teammates.pk), "text": "数据中心备份", "hint": "华东银行"}
    ]
    assert _texts(_results(login(personas.teammate), url))[0] == "数据中心备份"
    assert "西部电力扩容" not in _texts(_results(owner, url, q="西部"))
    assert _texts(_results(login(personas.outsider), url, q="数据中心")) == []
    assert login(personas.outsider).get(url).status_code == 200


def test_account_contact_knowledge_and_competitor_pickers_follow_visibility(personas, login):
    ContactFactory(name="张总", title="CIO", account=personas.account)
    hidden = knowledge_services.knowledge_item_create(
        actor=personas.engineer, kind=KnowledgeKind.SOLUTION, title="内部方案", restricted=True
    )
    shown = knowledge_services.knowledge_item_create(
        actor=personas.engineer, kind=KnowledgeKind.SOLUTION, title="双活方案"
    )
    Competitor.objects.create(name="华为")
    owner, outsider = login(personas.owner), login(personas.outsider)
    assert _texts(_results(owner, reverse("customers:account_pick"), q="华东")) == ["华东银行"]
    assert _texts(_results(outsider, reverse("customers:account_pick"), q="华东")) == []
    assert _results(owner, reverse("customers:contact_pick"), q="张")[0]["hint"] == "CIO · 华东银行"
    assert _results(outsider, reverse("customers:contact_pick"), q="张") == []
    titles = _texts(_results(owner, reverse("knowledge:pick"), q="方案"))
    assert shown.title in titles and hidden.title not in titles
    assert _texts(_results(owner, reverse("deals:competitor_pick"), q="华")) == ["华为"]


def test_people_team_and_skill_pickers(personas, login):
    gone = UserFactory(username="gone", display_name="Gone Away", role=Role.SALES)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    Skill.objects.create(name="数据库", name_en="Databases")
    owner = login(personas.owner)
    people = _texts(_results(owner, reverse("people:person_pick")))
    # The person, then their own team, then everybody else; nobody deactivated.
    assert set(people[:3]) == {"Manager Ma", "Owner Wang", "Teammate Li"}
    assert "Gone Away" not in people and "Engineer Zhao" in people
    presales = _texts(_results(owner, reverse("people:person_pick"), role="presales"))
    assert set(presales) == {"Engineer Zhao", "Presales Manager Pan"}
    assert _texts(_results(owner, reverse("people:team_pick")))[0] == "East sales"
    assert _results(owner, reverse("people:skill_pick"), q="data")[0]["text"] in {"数据库", "Databases"}


def test_pickers_need_a_signed_in_person(client, personas):
    for name in ("deals:pick", "customers:account_pick", "people:person_pick", "knowledge:pick"):
        assert client.get(reverse(name)).status_code == 302


def test_picker_query_count_does_not_grow(personas, login, django_assert_max_num_queries):
    for index in range(40):
        OpportunityFactory(name=f"商机 {index}", account=personas.account, sales_owner=personas.owner)
        UserFactory(username=f"rep{index}", team=personas.owner.team)
    owner = login(personas.owner)
    with django_assert_max_num_queries(6):
        assert len(_results(owner, reverse("deals:pick"), q="商机")) == 20
    with django_assert_max_num_queries(6):
        assert len(_results(owner, reverse("people:person_pick"))) == 20


def test_deal_list_filter_sends_the_chosen_person_not_everybody(personas, login):
    big = TeamFactory(name="Big team")
    for index in range(60):
        UserFactory(username=f"person{index}", display_name=f"Person {index}", team=big)
    page = login(personas.admin).get(reverse("deals:list"), {"sales_owner": personas.owner.pk}).content.decode()
    owner_select = re.search(r'<select name="sales_owner".*?</select>', page, re.S).group(0)
    assert f'data-picker-url="{reverse("people:person_pick")}"' in owner_select
    assert re.findall(r"<option[^>]*>([^<]*)</option>", owner_select) == ["Anybody", "Owner Wang"]
    assert "Person 59" not in page
    assert "数据中心升级" in page


def test_forms_use_pickers_and_still_refuse_what_the_person_cannot_see(personas, login):
    hidden_account = AccountFactory(name="西部电力", owner=personas.outsider)
    hidden = OpportunityFactory(name="西部电力扩容", account=hidden_account, sales_owner=personas.outsider)
    item = knowledge_services.knowledge_item_create(actor=personas.engineer, kind=KnowledgeKind.SOLUTION, title="x")
    engineer = login(personas.engineer)
    page = engineer.get(reverse("knowledge:detail", args=[item.pk])).content.decode()
    assert 'data-picker-url="/deals/pick/"' in page and "数据中心升级" not in page
    response = engineer.post(reverse("knowledge:use", args=[item.pk]), {"opportunity": hidden.pk}, follow=True)
    assert "Choose an opportunity you can see." in response.content.decode() and not item.uses.exists()

    form_page = engineer.get(reverse("work:activity_create")).content.decode()
    assert 'data-picker-url="/deals/pick/?open=1"' in form_page
    assert f'data-picker-url="{reverse("people:person_pick")}?role=presales"' in form_page
    request_page = login(personas.owner).get(reverse("work:request_create")).content.decode()
    assert f'data-picker-url="{reverse("people:skill_pick")}"' in request_page


@pytest.mark.parametrize("script", ["django_tomselect/js/django-tomselect.min.js", "presales/pickers.js"])
def test_picker_scripts_are_files_not_inline(personas, login, script):
    page = login(personas.owner).get(reverse("deals:list")).content.decode()
    assert f'src="/static/{script}"' in page
    assert "new TomSelect" not in page


def test_deal_form_picks_the_account_and_refuses_one_the_person_cannot_see(personas, login):
    hidden = AccountFactory(name="西部电力", owner=personas.outsider)
    owner = login(personas.owner)
    page = owner.get(reverse("deals:create")).content.decode()
    account_select = re.search(r'<select name="account".*?</select>', page, re.S).group(0)
    assert f'data-picker-url="{reverse("customers:account_pick")}"' in account_select
    assert "华东银行" not in account_select and "西部电力" not in account_select
    response = owner.post(reverse("deals:create"), {"account": hidden.pk, "name": "越权商机", "amount": "1"})
    assert response.status_code in (200, 400)
    assert "越权商机" in response.content.decode() and not hidden.opportunities.exists()
