"""The one visibility rule, checked for every persona."""

import pytest

from presales.customers.models import Account
from presales.deals.models import Opportunity


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("owner", True),
        ("teammate", True),
        ("engineer", True),
        ("presales_manager", True),
        ("manager", True),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_deal_and_account_visibility(personas, persona, sees):
    user = getattr(personas, persona)
    assert Opportunity.objects.visible_to(user).filter(pk=personas.deal.pk).exists() is sees
    assert Account.objects.visible_to(user).filter(pk=personas.account.pk).exists() is sees
