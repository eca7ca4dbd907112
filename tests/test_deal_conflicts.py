"""撞单: a second open deal for the same account and product line by another rep is flagged to both reps and their
manager, shown on both deals, and resolved by a manager with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from presales.deals import services
from presales.deals.models import ConflictResolution, DealConflict, DealTeamMember, Opportunity, Outcome, ProductLine
from presales.notifications import kinds
from presales.notifications.models import Notification
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(db):
    return ProductLine.objects.create(name="网络", name_en="Networking", aliases="数通, Datacom")


@pytest.fixture
def clash(personas, network):
    Opportunity.objects.filter(pk=personas.deal.pk).update(product_line=network)
    personas.deal.refresh_from_db()
    second = OpportunityFactory(
        name="园区网络", account=personas.account, sales_owner=personas.teammate, product_line=network
    )
    return personas.deal, second


def test_second_rep_on_the_same_account_and_product_line_is_flagged_to_both_and_their_manager(personas, clash):
    first, second = clash
    conflict = DealConflict.objects.get()
    assert (conflict.first, conflict.second) == (first, second) and conflict.is_open
    told = set(Notification.objects.filter(kind=kinds.DEAL_CONFLICT.key).values_list("recipient", flat=True))
    assert told == {personas.owner.pk, personas.teammate.pk, personas.manager.pk}
    conflict_notes = Notification.objects.filter(kind=kinds.DEAL_CONFLICT.key)
    assert {n.get_absolute_url() for n in conflict_notes} == {conflict.get_absolute_url()}
    assert conflict.history.latest().history_user == personas.teammate


def test_no_conflict_for_the_same_rep_another_product_line_or_twice(personas, network):
    Opportunity.objects.filter(pk=personas.deal.pk).update(product_line=network)
    OpportunityFactory(account=personas.account, sales_owner=personas.owner, product_line=network)
    security = ProductLine.objects.create(name="安全", name_en="Security")
    other = OpportunityFactory(account=personas.account, sales_owner=personas.teammate, product_line=security)
    assert not DealConflict.objects.exists()
    services.opportunity_update(actor=personas.teammate, opportunity=other, expected_version=None, product_line=network)
    assert DealConflict.objects.count() == 2  # with both of the owner's deals
    other.refresh_from_db()
    services.opportunity_update(actor=personas.teammate, opportunity=other, expected_version=None, name="x")
    services.opportunity_update(
        actor=personas.teammate, opportunity=other, expected_version=None, product_line=network, amount=5
    )
    assert DealConflict.objects.count() == 2


def test_resolving_needs_a_manager_and_a_reason(personas, clash):
    conflict = DealConflict.objects.get()
    with pytest.raises(PermissionDenied):
        services.deal_conflict_resolve(
            actor=personas.teammate, conflict=conflict, resolution=ConflictResolution.BOTH, reason="x"
        )
    with pytest.raises(ValidationError):
        services.deal_conflict_resolve(
            actor=personas.manager, conflict=conflict, resolution=ConflictResolution.BOTH, reason=" "
        )
    resolved = services.deal_conflict_resolve(
        actor=personas.manager, conflict=conflict, resolution=ConflictResolution.BOTH, reason="不同的分支机构"
    )
    assert resolved.resolved_by == personas.manager and resolved.reason == "不同的分支机构" and not resolved.is_open
    assert Opportunity.objects.open().filter(pk__in=[c.pk for c in clash]).count() == 2
    with pytest.raises(ValidationError):
        services.deal_conflict_resolve(
            actor=personas.manager, conflict=conflict, resolution=ConflictResolution.KEEP_FIRST, reason="again"
        )


def test_keep_one_abandons_the_other_and_merge_moves_the_rep(personas, clash):
    first, second = clash
    conflict = DealConflict.objects.get()
    services.deal_conflict_resolve(
        actor=personas.manager, conflict=conflict, resolution=ConflictResolution.MERGE, reason="Same project"
    )
    second.refresh_from_db()
    assert second.outcome == Outcome.ABANDONED and "Same project" in second.outcome_reason
    assert second.history.latest().history_user == personas.manager
    assert DealTeamMember.objects.filter(opportunity=first, user=personas.teammate).exists()
    assert Opportunity.objects.get(pk=first.pk).is_open


def test_conflict_shown_on_both_deals_and_resolved_on_its_page(personas, clash, login, django_assert_max_num_queries):
    first, second = clash
    conflict = DealConflict.objects.get()
    for user, deal in ((personas.owner, first), (personas.teammate, second)):
        page = login(user).get(deal.get_absolute_url()).content.decode()
        assert f'id="deal-conflict-{conflict.pk}"' in page and conflict.get_absolute_url() in page
    assert login(personas.outsider).get(conflict.get_absolute_url()).status_code == 403
    rep_page = login(personas.teammate).get(conflict.get_absolute_url())
    assert rep_page.status_code == 200 and 'name="resolution"' not in rep_page.content.decode()
    assert login(personas.teammate).post(conflict.get_absolute_url(), {"resolution": "both"}).status_code == 403
    client = login(personas.manager)
    with django_assert_max_num_queries(20):
        page = client.get(conflict.get_absolute_url()).content.decode()
    assert 'name="resolution"' in page
    response = client.post(conflict.get_absolute_url(), {"resolution": "keep_second", "reason": ""})
    assert response.status_code == 200 and DealConflict.objects.get().is_open
    response = client.post(conflict.get_absolute_url(), {"resolution": "keep_second", "reason": "客户指定"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.outcome == Outcome.ABANDONED
    page = login(personas.teammate).get(second.get_absolute_url()).content.decode()
    assert "Deal conflict resolved" in page


def test_product_lines_found_in_either_language(network):
    assert ProductLine.objects.filter(name_keys__contains="networking").get() == network
    assert ProductLine.objects.filter(name_keys__contains="datacom").get() == network
