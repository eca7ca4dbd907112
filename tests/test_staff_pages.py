"""People and teams in the app: invite (e-mail with a set-password link), change, skills, hand-over, deactivate,
the team tree; administrators for everybody, managers for their own teams, nobody else."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from presales.deals.models import Opportunity
from presales.people.models import Role, Skill, Team, TeamKind, User, UserSkill
from presales.staff import selectors, services
from tests.factories import OpportunityFactory, TeamFactory, UserFactory

NEW_PASSWORD = "A-long-new-passw0rd!"  # noqa: S105


@pytest.fixture
def skills(db):
    return [
        Skill.objects.create(name="网络", name_en="Networking"),
        Skill.objects.create(name="数据库", name_en="Databases"),
    ]


def _person_data(team, **extra):
    data = {
        "username": "newbie",
        "display_name": "New Person",
        "email": "newbie@example.com",
        "role": Role.SALES,
        "team": team.pk,
        "title": "",
        "phone": "",
        "weekly_capacity_hours": "32",
        "weekly_visit_quota": "4",
        "revenue_target": "5000000",
    }
    data.update(extra)
    return data


def _link_from_mail(message) -> str:
    match = re.search(r"http://testserver(/welcome/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def send_mail_now(django_capture_on_commit_callbacks):
    """The invitation goes out after the transaction commits: `with send_mail_now():` runs those callbacks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_admin_invites_a_person_who_sets_a_password_and_signs_in(personas, login, skills, send_mail_now):
    east = personas.owner.team
    client = login(personas.admin)
    with_skills = {f"skill_{skills[0].pk}": "4", f"skill_{skills[1].pk}": ""}
    with send_mail_now():
        response = client.post(reverse("staff:person_create"), _person_data(east, **with_skills))
    person = User.objects.get(username="newbie")
    assert response.status_code == 302 and response["Location"] == reverse("staff:person_detail", args=[person.pk])
    assert not person.has_usable_password()
    assert (person.team, person.weekly_capacity_hours, person.weekly_visit_quota) == (east, Decimal("32"), 4)
    assert person.revenue_target == Decimal("5000000")
    assert list(person.skills.values_list("skill__name", "level")) == [("网络", 4)]
    assert person.history.get().history_user == personas.admin
    assert UserSkill.history.get().history_user == personas.admin

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newbie@example.com"]
    link = _link_from_mail(mail.outbox[0])
    visitor = Client()
    form_page = visitor.get(link, follow=True)
    assert "newbie" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = visitor.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("people:login")
    assert visitor.post(reverse("people:login"), {"login": "newbie", "password": NEW_PASSWORD}).status_code == 302
    # The link works once.
    assert "already been used" in Client().get(link, follow=True).content.decode()


def test_invitation_is_written_in_the_invitees_language(personas, login, send_mail_now):
    with send_mail_now():
        login(personas.admin).post(reverse("staff:person_create"), _person_data(personas.owner.team))
    # The form has no language field: the invitation follows the inviting page's language, here English.
    assert "Choose your password with this link" in mail.outbox[0].body
    person = User.objects.get(username="newbie")
    person.language = "zh-hans"
    person.save(update_fields=["language"])
    with send_mail_now():
        services.person_invitation_resend(actor=personas.admin, person=person, base_url="http://testserver/")
    assert "设置密码" in mail.outbox[1].body


def test_bad_input_keeps_what_was_typed_and_says_why(personas, login, send_mail_now):
    client = login(personas.admin)
    UserFactory(username="taken", email="taken@example.com")
    response = client.post(
        reverse("staff:person_create"),
        _person_data(personas.owner.team, username="taken", email="", weekly_capacity_hours="500"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "New Person" in page
    assert not User.objects.filter(display_name="New Person").exists()
    assert not mail.outbox
    response = client.post(reverse("staff:person_create"), _person_data(personas.owner.team, username="taken"))
    assert "This user name is taken." in response.content.decode()
    response = client.post(reverse("staff:person_create"), _person_data(personas.owner.team, email="taken@example.com"))
    assert "Somebody active already uses this e-mail address." in response.content.decode()


def test_manager_adds_people_to_their_own_teams_only(personas, login):
    client = login(personas.manager)
    west = personas.outsider.team
    response = client.post(reverse("staff:person_create"), _person_data(west))
    assert response.status_code == 200 and not User.objects.filter(username="newbie").exists()
    response = client.post(reverse("staff:person_create"), _person_data(personas.owner.team, role=Role.ADMIN))
    assert response.status_code == 200 and not User.objects.filter(username="newbie").exists()
    assert 'value="admin"' not in client.get(reverse("staff:person_create")).content.decode()
    response = client.post(reverse("staff:person_create"), _person_data(personas.owner.team))
    assert response.status_code == 302
    assert User.objects.get(username="newbie").history.get().history_user == personas.manager


def test_who_sees_the_people_pages(personas, login):
    list_url = reverse("staff:person_list")
    owner_page = reverse("staff:person_detail", args=[personas.owner.pk])
    outsider_page = reverse("staff:person_detail", args=[personas.outsider.pk])
    assert login(personas.outsider).get(list_url).status_code == 403
    assert login(personas.outsider).get(owner_page).status_code == 404
    assert login(personas.outsider).get(reverse("staff:team_list")).status_code == 403
    assert login(personas.outsider).get(reverse("staff:person_create")).status_code == 403
    assert Client().get(list_url).status_code == 302
    manager = login(personas.manager)
    page = manager.get(list_url).content.decode()
    assert "Owner Wang" in page and "Teammate Li" in page and "Outsider Chen" not in page
    assert manager.get(owner_page).status_code == 200
    assert manager.get(outsider_page).status_code == 404
    # A manager does not edit their own account here, nor an administrator's.
    assert manager.get(reverse("staff:person_edit", args=[personas.manager.pk])).status_code == 403
    assert login(personas.admin).get(outsider_page).status_code == 200


def test_edit_changes_role_targets_and_skill_levels_with_history(personas, login, skills):
    UserSkill.objects.create(user=personas.owner, skill=skills[1], level=2)
    client = login(personas.manager)
    data = _person_data(personas.owner.team, display_name="Owner Wang", email="owner@example.com")
    data.pop("username")
    data.update({"weekly_visit_quota": "6", f"skill_{skills[0].pk}": "5", f"skill_{skills[1].pk}": ""})
    response = client.post(reverse("staff:person_edit", args=[personas.owner.pk]), data)
    assert response.status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.weekly_visit_quota == 6
    assert list(personas.owner.skills.values_list("skill__name", "level")) == [("网络", 5)]
    assert personas.owner.history.first().history_user == personas.manager
    assert {record.history_type for record in UserSkill.history.all()} == {"+", "-"}
    page = login(personas.admin).get(reverse("staff:person_detail", args=[personas.owner.pk])).content.decode()
    assert "网络 · 5/5" in page or "Networking · 5/5" in page


def test_open_work_is_listed_handed_over_and_the_person_deactivated(personas, login):
    other = OpportunityFactory(name="第二个商机", account=personas.account, sales_owner=personas.owner)
    work = selectors.open_work(personas.owner)
    assert {deal.pk for deal in work.owned_deals} == {personas.deal.pk, other.pk}
    client = login(personas.manager)
    detail = reverse("staff:person_detail", args=[personas.owner.pk])
    page = client.get(detail).content.decode()
    assert "数据中心升级" in page and "第二个商机" in page

    response = client.post(
        reverse("staff:person_hand_over", args=[personas.owner.pk]), {"sales_owner": personas.engineer.pk}
    )
    assert response.status_code == 400 and "Choose an active sales rep" not in response.content.decode()
    response = client.post(
        reverse("staff:person_hand_over", args=[personas.owner.pk]), {"sales_owner": personas.teammate.pk}
    )
    assert response.status_code == 302
    assert set(Opportunity.objects.values_list("sales_owner", flat=True)) == {personas.teammate.pk}
    assert Opportunity.objects.get(pk=personas.deal.pk).history.first().history_user == personas.manager
    assert selectors.open_work(personas.owner).owned_deals == []

    response = client.post(reverse("staff:person_deactivate", args=[personas.owner.pk]), {"reason": "Left"})
    assert response.status_code == 302
    personas.owner.refresh_from_db()
    assert not personas.owner.is_active
    record = personas.owner.history.first()
    assert (record.history_user, record.history_change_reason) == (personas.manager, "Left")
    refused = Client()
    refused.post(reverse("people:login"), {"login": "owner", "password": "pw-for-tests-123"})
    assert "_auth_user_id" not in refused.session
    client.post(reverse("staff:person_reactivate", args=[personas.owner.pk]))
    personas.owner.refresh_from_db()
    assert personas.owner.is_active


def test_nobody_deactivates_themselves_and_outsiders_cannot_act(personas, login):
    response = login(personas.admin).post(reverse("staff:person_deactivate", args=[personas.admin.pk]), {})
    assert response.status_code == 400 and "You cannot deactivate your own account." in response.content.decode()
    assert (
        login(personas.outsider).post(reverse("staff:person_deactivate", args=[personas.owner.pk])).status_code == 404
    )
    assert (
        login(personas.teammate).post(reverse("staff:person_deactivate", args=[personas.owner.pk])).status_code == 404
    )
    personas.owner.refresh_from_db()
    assert personas.owner.is_active


def test_team_tree_and_team_forms(personas, login):
    client = login(personas.admin)
    east = personas.owner.team
    response = client.post(
        reverse("staff:team_create"),
        {"name": "East sales - Shanghai", "kind": TeamKind.SALES, "manager": personas.teammate.pk, "parent": east.pk},
    )
    assert response.status_code == 302
    shanghai = Team.objects.get(name="East sales - Shanghai")
    assert shanghai.history.get().history_user == personas.admin
    page = client.get(reverse("staff:team_list")).content.decode().split('class="team-tree"')[1]
    assert page.index("East sales</a>") < page.index("East sales - Shanghai")
    # A team cannot sit inside its own sub-team.
    response = client.post(
        reverse("staff:team_edit", args=[east.pk]),
        {"name": east.name, "kind": east.kind, "manager": personas.manager.pk, "parent": shanghai.pk},
    )
    assert response.status_code == 200
    assert "A team cannot be part of itself or of one of its sub-teams." in response.content.decode()
    # The manager of East sales sees it and its sub-team, not the others, and cannot edit the tree.
    manager_page = login(personas.manager).get(reverse("staff:team_list")).content.decode()
    assert "East sales - Shanghai" in manager_page and "West sales" not in manager_page
    assert login(personas.manager).get(reverse("staff:team_create")).status_code == 403


def test_people_list_query_count_does_not_grow(personas, login, django_assert_max_num_queries):
    client = login(personas.admin)
    client.get(reverse("staff:person_list"))
    team = TeamFactory(name="Big team", kind=TeamKind.SALES)
    for index in range(30):
        UserFactory(username=f"extra{index}", team=team)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("staff:person_list"))
    assert response.status_code == 200
    export = client.get(reverse("staff:person_list") + "?export=csv")
    assert "extra29" in b"".join(export.streaming_content).decode()


def test_people_entry_in_the_navigation_for_admins_and_managers_only(personas, login):
    url = reverse("staff:person_list")
    assert f'href="{url}"' in login(personas.admin).get(reverse("web:home")).content.decode()
    assert f'href="{url}"' in login(personas.manager).get(reverse("web:home")).content.decode()
    assert f'href="{url}"' not in login(personas.owner).get(reverse("web:home")).content.decode()
