"""The one visibility rule, checked for every persona."""

import pytest

from presales import access
from presales.customers.models import Account
from presales.deals.models import Opportunity
from presales.people.models import Role, TeamKind
from tests.factories import AccountFactory, OpportunityFactory, TeamFactory, UserFactory


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


def test_a_department_head_sees_every_team_below_even_when_their_own_team_sits_in_the_department(personas):
    """The scope is the person's own team plus every team they manage and every sub-team below those (docs/domain.md,
    Visibility), also below the team the manager is a member of."""
    head = UserFactory(username="head", role=Role.SALES_MANAGER)
    department = TeamFactory(name="Department", kind=TeamKind.SALES, manager=head)
    office = TeamFactory(name="Head office", kind=TeamKind.SALES, parent=department)
    branch = TeamFactory(name="Branch", kind=TeamKind.SALES, parent=office)
    head.team = office
    head.save(update_fields=["team"])
    rep = UserFactory(username="branch-rep", role=Role.SALES, team=branch)
    account = AccountFactory(name="Branch customer", owner=rep)
    deal = OpportunityFactory(name="Branch deal", account=account, sales_owner=rep)
    scope = access.scope_for(head)
    assert scope.team_ids == {department.pk, office.pk, branch.pk}
    assert scope.managed_team_ids == {department.pk, office.pk, branch.pk}
    assert Opportunity.objects.visible_to(head).filter(pk=deal.pk).exists()
    assert access.can_edit_opportunity(head, deal)
    assert not Opportunity.objects.visible_to(personas.outsider).filter(pk=deal.pk).exists()
