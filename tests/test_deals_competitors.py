"""Competitor profiles: list, detail with the deals you can see, create, edit with conflicts, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from presales.deals import services
from presales.deals.models import Competitor
from presales.people.models import Role
from tests.factories import AccountFactory, CompetitorFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    competitor = CompetitorFactory()
    for url in (reverse("deals:competitor_list"), reverse("deals:competitor_detail", args=[competitor.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("people:login") in response["Location"]


def test_list_search_filter_and_sort(personas, login):
    CompetitorFactory(name="Alpha Networks", threat_level="low", strengths="Cheap switches")
    CompetitorFactory(name="Beta Cloud", threat_level="high")
    CompetitorFactory(name="Gamma Storage", threat_level="medium")
    client = login(personas.owner)

    def names(**params):
        return [c.name for c in client.get(reverse("deals:competitor_list"), params).context["competitors"]]

    assert names() == ["Alpha Networks", "Beta Cloud", "Gamma Storage"]
    assert names(q="switches") == ["Alpha Networks"]
    assert names(threat_level="high") == ["Beta Cloud"]
    assert names(ordering="-threat_level") == ["Beta Cloud", "Gamma Storage", "Alpha Networks"]
    empty = client.get(reverse("deals:competitor_list"), {"q": "zzz"}).content.decode()
    assert "No competitor matches" in empty


def test_detail_lists_only_deals_you_can_see(personas, login):
    rival = CompetitorFactory(name="Rival")
    services.deal_competitor_add(actor=personas.owner, opportunity=personas.deal, competitor=rival, notes="Strong")
    west_owner = UserFactory(role=Role.SALES, team=personas.outsider.team)
    west_deal = OpportunityFactory(name="West secret", account=AccountFactory(owner=west_owner), sales_owner=west_owner)
    services.deal_competitor_add(actor=west_owner, opportunity=west_deal, competitor=rival)

    owner_view = login(personas.owner).get(reverse("deals:competitor_detail", args=[rival.pk])).content.decode()
    assert "数据中心升级" in owner_view and "West secret" not in owner_view
    outsider_view = login(personas.outsider).get(reverse("deals:competitor_detail", args=[rival.pk]))
    assert "West secret" in outsider_view.content.decode()
    assert "数据中心升级" not in outsider_view.content.decode()


def test_missing_competitor_is_404(personas, login):
    assert login(personas.owner).get(reverse("deals:competitor_detail", args=[999999])).status_code == 404


def test_create_competitor(personas, login):
    client = login(personas.engineer)
    response = client.post(
        reverse("deals:competitor_create"),
        {"name": "Delta Systems", "threat_level": "high", "website": "", "strengths": "Price", "weaknesses": "Service"},
    )
    competitor = Competitor.objects.get(name="Delta Systems")
    assert response.status_code == 302
    assert response["Location"] == reverse("deals:competitor_detail", args=[competitor.pk])
    assert competitor.threat_level == "high"


def test_create_error_keeps_typed_values(personas, login):
    CompetitorFactory(name="Taken")
    response = login(personas.owner).post(
        reverse("deals:competitor_create"),
        {"name": "Taken", "threat_level": "low", "website": "", "strengths": "My typed strengths", "weaknesses": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert "My typed strengths" in response.content.decode()
    assert Competitor.objects.count() == 1


def test_after_sales_cannot_change_profiles(personas, login):
    after_sales = UserFactory(role=Role.AFTER_SALES)
    competitor = CompetitorFactory()
    client = login(after_sales)
    assert client.get(reverse("deals:competitor_create")).status_code == 403
    assert client.get(reverse("deals:competitor_edit", args=[competitor.pk])).status_code == 403
    assert client.get(reverse("deals:competitor_detail", args=[competitor.pk])).status_code == 200


def test_edit_conflict_keeps_first_change(personas, login):
    competitor = CompetitorFactory(name="Epsilon", threat_level="low")
    client = login(personas.owner)
    started_from = competitor.version
    services.competitor_update(
        actor=personas.engineer, competitor=competitor, expected_version=started_from, threat_level="high"
    )
    data = {"name": "Epsilon", "threat_level": "medium", "website": "", "strengths": "Typed", "weaknesses": ""}
    response = client.post(reverse("deals:competitor_edit", args=[competitor.pk]), {**data, "version": started_from})
    assert response.status_code == 200
    assert "changed this record while you were editing it" in response.content.decode()
    assert "Typed" in response.content.decode()
    competitor.refresh_from_db()
    assert competitor.threat_level == "high" and competitor.strengths == ""
    saved = client.post(
        reverse("deals:competitor_edit", args=[competitor.pk]),
        {**data, "version": response.context["form"]["version"].value()},
    )
    assert saved.status_code == 302
    competitor.refresh_from_db()
    assert competitor.threat_level == "medium" and competitor.strengths == "Typed"
