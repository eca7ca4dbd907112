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

    @classmethod
    def load(cls, opportunity: Opportunity) -> DealTeam:
        """The deal team, the deal's two team managers and the functional managers, in three queries at most."""
        team = cls(opportunity=opportunity)
        for member in opportunity.members.select_related("user").order_by("pk"):
            team.members.setdefault(member.role, []).append(member.user)
        _load_teams(opportunity)
        team.commercial_manager, team.after_sales_manager = functional_managers()
        return team

    def resolve(self, role: str) -> User | None:
        """The one person for the role: the first active candidate of that role, or None when the deal has nobody
        in it. Never somebody of another role: an unassigned step waits on the matching manager's queue
        (access.unassigned_steps_visible_to) instead of falling to the sales rep. Owning a step lets the person open
        the deal (access.WORK_RELATIONS), so the functional managers need no visibility check."""
        opp = self.opportunity
        sales_team_manager = opp.team.manager if opp.team_id and opp.team else None
        presales_team_manager = opp.presales_team.manager if opp.presales_team_id and opp.presales_team else None
        chains: dict[str, list[User | None]] = {
            StepRole.SALES: [opp.sales_owner],
            StepRole.PRESALES: [opp.presales_lead, *self.members.get(DealRole.PRESALES_MEMBER, [])],
            StepRole.SALES_MANAGER: [sales_team_manager],
            StepRole.PRESALES_MANAGER: [presales_team_manager],
            StepRole.COMMERCIAL: [*self.members.get(DealRole.COMMERCIAL, []), self.commercial_manager],
            StepRole.AFTER_SALES: [*self.members.get(DealRole.AFTER_SALES, []), self.after_sales_manager],
        }
        for candidate in chains.get(role, []):
            if candidate is not None and candidate.is_active:
                return candidate
        return None


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


def resolve_responsible(opportunity: Opportunity, role: str) -> User | None:
    """The one person responsible for `role` on this deal, or None (see DealTeam.resolve for the candidates)."""
    return DealTeam.load(opportunity).resolve(role)
