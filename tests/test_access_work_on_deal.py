"""The deal page's presales work panel filters by the deal alone (access.work_on_opened_deal): that is only right if
every activity and support request of a deal someone can see is visible to them. Checked for every demo login."""

from __future__ import annotations

import pytest

from presales import access
from presales.deals.models import Opportunity
from presales.people.models import User
from presales.work.models import Activity, SupportRequest
from tests.factories.work import log_activity


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")
def test_all_the_work_on_a_visible_deal_is_visible(small_demo):
    checked = 0
    for user in User.objects.filter(is_active=True).order_by("pk"):
        deals = Opportunity.objects.visible_to(user).values("pk")
        for model in (Activity, SupportRequest):
            on_visible_deals = model.objects.filter(opportunity__in=deals)
            hidden = on_visible_deals.exclude(pk__in=model.objects.visible_to(user).values("pk"))
            assert not hidden.exists(), (user.username, model.__name__, list(hidden.values_list("pk", flat=True)[:5]))
            checked += on_visible_deals.count()
    assert checked > 0


def test_the_deal_page_lists_the_deals_work_for_whoever_opens_it(personas, login):
    activity = log_activity(personas)
    assert list(access.work_on_opened_deal(personas.deal, Activity.objects.all())) == [activity]
    for persona in ("owner", "teammate", "engineer", "manager", "presales_manager", "admin"):
        page = login(getattr(personas, persona)).get(personas.deal.get_absolute_url())
        assert page.status_code == 200
        assert activity in page.context["activities"], persona
    assert login(personas.outsider).get(personas.deal.get_absolute_url()).status_code == 404
