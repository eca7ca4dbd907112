"""The one place that decides who sees and changes what (PRODUCT.md §2).

A person sees the deals they work on, their own team's deals, and, as a manager, the deals of every
team in the department they manage; an administrator sees everything. Accounts and contacts follow:
you see an account you own, one owned in a team you see, or one where you can see a deal. Pages,
exports and the API all call these functions, so a rule changes here and nowhere else.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from presales.customers.models import Account, Contact
    from presales.deals.models import Opportunity
    from presales.people.models import User

M = TypeVar("M", bound=models.Model)


class Scope:
    """The teams a person can see into, computed once per request."""

    def __init__(self, user: User):
        self.user = user

    @property
    def sees_everything(self) -> bool:
        return bool(self.user.is_authenticated and (self.user.is_superuser or self.user.role == "admin"))

    @cached_property
    def team_ids(self) -> frozenset[int]:
        """The person's own team plus every team (and sub-team) they manage."""
        from presales.people.models import Team

        ids: set[int] = set()
        if self.user.team_id:
            ids.add(self.user.team_id)
        frontier = set(Team.objects.filter(manager=self.user).values_list("pk", flat=True))
        while frontier:
            ids |= frontier
            frontier = set(Team.objects.filter(parent__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        return frozenset(ids)

    @cached_property
    def managed_team_ids(self) -> frozenset[int]:
        """Teams the person manages, directly or through a parent team."""
        from presales.people.models import Team

        ids: set[int] = set()
        frontier = set(Team.objects.filter(manager=self.user).values_list("pk", flat=True))
        while frontier:
            ids |= frontier
            frontier = set(Team.objects.filter(parent__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        return frozenset(ids)


def scope_for(user: User) -> Scope:
    """The person's scope, cached on the user object for the rest of the request."""
    cached = getattr(user, "_presales_scope", None)
    if cached is None:
        cached = Scope(user)
        user._presales_scope = cached  # type: ignore[attr-defined]
    return cached


def _member_opportunity_ids(user: User) -> Any:
    from presales.deals.models import DealTeamMember

    return DealTeamMember.objects.filter(user=user).values("opportunity_id")


def opportunities_visible_to(user: User, queryset: models.QuerySet[Opportunity]) -> Any:
    """Deals the person works on, deals of the teams they see into, or all of them for an admin."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    condition = Q(sales_owner=user) | Q(presales_lead=user) | Q(pk__in=_member_opportunity_ids(user))
    if scope.team_ids:
        condition |= Q(team_id__in=scope.team_ids) | Q(presales_team_id__in=scope.team_ids)
    return queryset.filter(condition)


def accounts_visible_to(user: User, queryset: models.QuerySet[Account]) -> Any:
    """Accounts the person owns, owned in a team they see into, or with a deal they can see."""
    from presales.deals.models import Opportunity

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    deal_accounts = opportunities_visible_to(user, Opportunity.objects.all()).values("account_id")
    condition = Q(owner=user) | Q(pk__in=deal_accounts)
    if scope.team_ids:
        condition |= Q(team_id__in=scope.team_ids)
    return queryset.filter(condition)


def get_object_for_user(queryset: models.QuerySet[M], user: User, **lookup: Any) -> M:
    """Fetch one object the person can see, or 404 (never reveal that something exists)."""
    visible = queryset.visible_to(user)  # type: ignore[attr-defined]
    try:
        return visible.get(**lookup)
    except ObjectDoesNotExist as exc:  # what visible.get() raises when nothing matches (the model's DoesNotExist)
        raise Http404 from exc


# --- What a person may change -------------------------------------------------------------------

CREATE_ACCOUNT_ROLES = {"sales", "sales_manager", "presales_manager", "admin"}
CREATE_OPPORTUNITY_ROLES = {"sales", "sales_manager", "admin"}
STAKEHOLDER_EDITOR_ROLES = {"sales", "sales_manager", "presales", "presales_manager", "admin"}


def can_create_account(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in CREATE_ACCOUNT_ROLES))


def can_edit_account(user: User, account: Account) -> bool:
    """The owner, a manager over the account's team, or an admin."""
    scope = scope_for(user)
    if scope.sees_everything or account.owner_id == user.pk:
        return True
    return account.team_id is not None and account.team_id in scope.managed_team_ids


def can_edit_contacts(user: User, account: Account) -> bool:
    """Stakeholders are kept up to date by whoever sells to the account: sales and presales who can see it."""
    return bool(scope_for(user).sees_everything or user.role in STAKEHOLDER_EDITOR_ROLES)


def can_edit_contact(user: User, contact: Contact) -> bool:
    return can_edit_contacts(user, contact.account)


def can_create_opportunity(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in CREATE_OPPORTUNITY_ROLES))


def can_edit_competitors(user: User) -> bool:
    """Shared competitor profiles: everyone who sells or supports a sale; after-sales only reads them."""
    return bool(user.is_authenticated and user.role != "after_sales")


def can_edit_opportunity(user: User, opportunity: Opportunity) -> bool:
    """The sales owner, the presales lead, managers over the deal's teams, or an admin."""
    scope = scope_for(user)
    if scope.sees_everything or user.pk in (opportunity.sales_owner_id, opportunity.presales_lead_id):
        return True
    return bool(
        (opportunity.team_id and opportunity.team_id in scope.managed_team_ids)
        or (opportunity.presales_team_id and opportunity.presales_team_id in scope.managed_team_ids)
    )


def can_manage_people(user: User) -> bool:
    return scope_for(user).sees_everything


# --- Presales work (activities and support requests) ---------------------------------------------

PRESALES_WORK_ROLES = {"presales", "presales_manager", "admin"}
REQUEST_CREATOR_ROLES = {"sales", "sales_manager", "commercial", "admin"}


def activities_visible_to(user: User, queryset: Any) -> Any:
    """Activities the person took part in, on deals or accounts they can see, or of people in teams they manage."""
    from presales.customers.models import Account
    from presales.deals.models import Opportunity

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    deals = opportunities_visible_to(user, Opportunity.objects.all()).values("pk")
    accounts = accounts_visible_to(user, Account.objects.all()).values("pk")
    condition = (
        Q(owner=user)
        | Q(participants=user)
        | Q(opportunity__in=deals)
        | Q(opportunity__isnull=True, account__in=accounts)
    )
    if scope.managed_team_ids:
        condition |= Q(owner__team_id__in=scope.managed_team_ids)
    # The participants join can repeat a row; filter by primary key to keep one row per activity.
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


def support_requests_visible_to(user: User, queryset: Any) -> Any:
    """Requests the person asked or works on, on deals they can see, or (presales managers) their queue."""
    from presales.deals.models import Opportunity

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    deals = opportunities_visible_to(user, Opportunity.objects.all()).values("pk")
    condition = Q(requester=user) | Q(assignee=user) | Q(opportunity__in=deals)
    if scope.managed_team_ids:
        condition |= Q(requester__team_id__in=scope.managed_team_ids) | Q(assignee__team_id__in=scope.managed_team_ids)
    if user.role == "presales_manager":
        # Deals without a presales team land in the shared presales queue every presales manager triages.
        condition |= Q(opportunity__presales_team__isnull=True)
    return queryset.filter(condition)


def can_log_activity(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in PRESALES_WORK_ROLES))


def can_edit_activity(user: User, activity: Any) -> bool:
    """The owner, a manager over the owner's team, or an admin."""
    scope = scope_for(user)
    if scope.sees_everything or activity.owner_id == user.pk:
        return True
    owner_team = activity.owner.team_id
    return owner_team is not None and owner_team in scope.managed_team_ids


def can_create_request(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in REQUEST_CREATOR_ROLES))


def can_decide_request(user: User, request: Any) -> bool:
    """Presales managers and admins triage and decide; the assigned engineer may decide their own request."""
    if scope_for(user).sees_everything or user.role == "presales_manager":
        return True
    return bool(user.role == "presales" and request.assignee_id == user.pk)


def can_work_request(user: User, request: Any) -> bool:
    """Starting and finishing the work: the assigned engineer, a presales manager or an admin."""
    return bool(scope_for(user).sees_everything or user.role == "presales_manager" or request.assignee_id == user.pk)


def can_cancel_request(user: User, request: Any) -> bool:
    return bool(scope_for(user).sees_everything or request.requester_id == user.pk or user.role == "presales_manager")


def can_see_workload(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in PRESALES_WORK_ROLES))


# --- Knowledge (C6) ------------------------------------------------------------------------------

KNOWLEDGE_AUTHOR_ROLES = {"presales", "presales_manager", "sales_manager", "commercial", "admin"}


def knowledge_items_visible_to(user: User, queryset: Any) -> Any:
    """Every signed-in person reads the knowledge base, except restricted items outside their team's reach."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    condition = Q(restricted=False) | Q(owner=user)
    if scope.team_ids:
        # The owner's team, and managers over it (their scope holds the teams they manage).
        condition |= Q(owner__team_id__in=scope.team_ids)
    return queryset.filter(condition)


def can_create_knowledge(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in KNOWLEDGE_AUTHOR_ROLES))


def can_edit_knowledge(user: User, item: Any) -> bool:
    """The owner, a manager over the owner's team, or an admin."""
    scope = scope_for(user)
    if scope.sees_everything or item.owner_id == user.pk:
        return True
    owner_team = item.owner.team_id
    return owner_team is not None and owner_team in scope.managed_team_ids


# --- Bids, POCs and product gaps (C7): they follow their opportunity ------------------------------


def deal_records_visible_to(user: User, queryset: Any) -> Any:
    """Tenders, POCs, gaps (anything with an `opportunity`): visible when the deal is."""
    from presales.deals.models import Opportunity

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if scope_for(user).sees_everything:
        return queryset
    return queryset.filter(opportunity__in=opportunities_visible_to(user, Opportunity.objects.all()).values("pk"))


def can_work_on_deal(user: User, opportunity: Opportunity) -> bool:
    """Bid documents, POCs and gaps are kept by the deal team: owner, presales lead, members, managers, admin."""
    if can_edit_opportunity(user, opportunity):
        return True
    return opportunity.members.filter(user=user).exists()


# --- Scorecards and evaluation (C4) ---------------------------------------------------------------------------------

SCORING_MANAGER_ROLES = {"presales_manager", "admin"}


def scorecard_engineers_visible_to(user: User, queryset: Any) -> Any:
    """Whose scorecards the person reads: their own; a manager their team and department; an admin everybody."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    condition = Q(pk=user.pk)
    if user.role in ("sales_manager", "presales_manager") and scope.team_ids:
        condition |= Q(team_id__in=scope.team_ids)
    return queryset.filter(condition)


def can_see_scorecard(user: User, engineer: User) -> bool:
    """Same rule as `scorecard_engineers_visible_to`, for one engineer already loaded."""
    if not user.is_authenticated or not user.is_active:
        return False
    scope = scope_for(user)
    if scope.sees_everything or engineer.pk == user.pk:
        return True
    return bool(
        user.role in ("sales_manager", "presales_manager") and engineer.team_id and engineer.team_id in scope.team_ids
    )


def scorecard_records_visible_to(user: User, queryset: Any) -> Any:
    """Capability scores and other per-engineer records: visible when the engineer's scorecard is."""
    from presales.people.models import User as UserModel

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if scope_for(user).sees_everything:
        return queryset
    return queryset.filter(engineer__in=scorecard_engineers_visible_to(user, UserModel.objects.all()).values("pk"))


def sales_ratings_visible_to(user: User, queryset: Any) -> Any:
    """Ratings the person gave, plus ratings of engineers whose scorecards they read."""
    from presales.people.models import User as UserModel

    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if scope_for(user).sees_everything:
        return queryset
    engineers = scorecard_engineers_visible_to(user, UserModel.objects.all()).values("pk")
    return queryset.filter(Q(rater=user) | Q(engineer__in=engineers))


def can_score_capability(user: User, engineer: User) -> bool:
    """The engineer's manager (directly or over their department) or an admin; nobody scores themselves."""
    if not user.is_authenticated or engineer.pk == user.pk:
        return False
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    return bool(engineer.team_id and engineer.team_id in scope.managed_team_ids)


def can_manage_scoring(user: User) -> bool:
    """Rubric, visit quotas and closing/reopening periods: presales managers and admins."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in SCORING_MANAGER_ROLES))


def can_edit_scoring_weights(user: User) -> bool:
    """The weights of the scorecard parts are an admin setting (PRODUCT.md §2)."""
    return scope_for(user).sees_everything
