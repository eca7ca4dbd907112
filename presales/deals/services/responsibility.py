"""The responsibility matrix applied to one deal: each step role resolves to exactly one named person."""

from __future__ import annotations

from dataclasses import dataclass, field

from presales.deals.models import DealRole, Opportunity
from presales.people.models import Team, TeamKind, User
from presales.playbook.models import StepRole


@dataclass
class DealTeam:
    """Everybody a deal's steps can be resolved to, loaded once per deal."""

    opportunity: Opportunity
    members: dict[str, list[User]] = field(default_factory=dict)
    commercial_manager: User | None = None
    after_sales_manager: User | None = None
    visible_ids: set[int] = field(default_factory=set)

    # Fallback people whose right to see the deal has not been checked yet: checked on first use, so a deal whose
    # team names a commercial and an after-sales person costs no visibility query at all.
    unchecked_ids: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, opportunity: Opportunity) -> DealTeam:
        """The deal team, the deal's two team managers and the functional managers, in three queries at most."""
        team = cls(opportunity=opportunity)
        for member in opportunity.members.select_related("user").order_by("pk"):
            team.members.setdefault(member.role, []).append(member.user)
        _load_teams(opportunity)
        managers: dict[str, User | None] = {TeamKind.COMMERCIAL: None, TeamKind.AFTER_SALES: None}
        functional_teams = (
            Team.objects.filter(kind__in=list(managers), manager__isnull=False, manager__is_active=True)
            .select_related("manager")
            .order_by("pk")
        )
        for functional in functional_teams:
            if managers[functional.kind] is None:
                managers[functional.kind] = functional.manager
        team.commercial_manager = managers[TeamKind.COMMERCIAL]
        team.after_sales_manager = managers[TeamKind.AFTER_SALES]
        # A fallback person must be able to open the deal, or the step would be assigned to someone who can't see it.
        team.unchecked_ids = {u.pk for u in (team.commercial_manager, team.after_sales_manager) if u}
        return team

    def _usable(self, user: User | None, *, needs_check: bool = False) -> bool:
        if user is None or not user.is_active:
            return False
        if not needs_check:
            return True
        if user.pk in self.unchecked_ids:
            self.unchecked_ids.discard(user.pk)
            if Opportunity.objects.filter(pk=self.opportunity.pk).visible_to(user).exists():
                self.visible_ids.add(user.pk)
        return user.pk in self.visible_ids

    def resolve(self, role: str) -> User:
        """Exactly one person for the role: the first usable candidate, ending with the sales owner."""
        opp = self.opportunity
        sales_team_manager = opp.team.manager if opp.team_id and opp.team else None
        presales_team_manager = opp.presales_team.manager if opp.presales_team_id and opp.presales_team else None
        chains: dict[str, list[tuple[User | None, bool]]] = {
            StepRole.SALES: [],
            StepRole.PRESALES: [
                (opp.presales_lead, False),
                *[(u, False) for u in self.members.get(DealRole.PRESALES_MEMBER, [])],
                (presales_team_manager, False),
            ],
            StepRole.SALES_MANAGER: [(sales_team_manager, False)],
            StepRole.PRESALES_MANAGER: [(presales_team_manager, False), (sales_team_manager, False)],
            StepRole.COMMERCIAL: [
                *[(u, False) for u in self.members.get(DealRole.COMMERCIAL, [])],
                (self.commercial_manager, True),
            ],
            StepRole.AFTER_SALES: [
                *[(u, False) for u in self.members.get(DealRole.AFTER_SALES, [])],
                (self.after_sales_manager, True),
            ],
        }
        for candidate, needs_check in chains.get(role, []):
            if self._usable(candidate, needs_check=needs_check):
                return candidate  # type: ignore[return-value]
        return opp.sales_owner


def functional_managers() -> tuple[User | None, User | None]:
    """The commercial and the after-sales manager (the first active manager of a team of that kind), one query."""
    managers: dict[str, User | None] = {TeamKind.COMMERCIAL: None, TeamKind.AFTER_SALES: None}
    functional_teams = (
        Team.objects.filter(kind__in=list(managers), manager__isnull=False, manager__is_active=True)
        .select_related("manager")
        .order_by("pk")
    )
    for functional in functional_teams:
        if managers[functional.kind] is None:
            managers[functional.kind] = functional.manager
    return managers[TeamKind.COMMERCIAL], managers[TeamKind.AFTER_SALES]


def _load_teams(opportunity: Opportunity) -> None:
    """Put the deal's sales and presales teams (with their managers) on it in one query, unless they are there."""
    fields = Opportunity._meta
    wanted = [
        (name, getattr(opportunity, f"{name}_id"))
        for name in ("team", "presales_team")
        if getattr(opportunity, f"{name}_id") and not fields.get_field(name).is_cached(opportunity)  # type: ignore[union-attr]
    ]
    if not wanted:
        return
    teams = Team.objects.select_related("manager").in_bulk([pk for _name, pk in wanted])
    for name, pk in wanted:
        if pk in teams:
            setattr(opportunity, name, teams[pk])


def resolve_responsible(opportunity: Opportunity, role: str) -> User:
    """The one person responsible for `role` on this deal (see DealTeam.resolve for the fallback chain)."""
    return DealTeam.load(opportunity).resolve(role)
