"""Reads for the people and teams pages: a person's open work (for a hand-over) and the team tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from presales import access
from presales.deals.models import DealTeamMember, Opportunity
from presales.people.models import Team, User
from presales.work.models import CLOSED_STATUSES, SupportRequest


@dataclass
class OpenWork:
    """What a person holds that somebody must take over when they leave."""

    owned_deals: list[Opportunity]
    led_deals: list[Opportunity]
    deal_teams: list[DealTeamMember]
    requests: list[SupportRequest]
    managed_teams: list[Team]

    @property
    def is_empty(self) -> bool:
        return not (self.owned_deals or self.led_deals or self.deal_teams or self.requests or self.managed_teams)


def open_work(person: User) -> OpenWork:
    """Open deals they own or lead, open deals whose team they are on, requests assigned to them, teams they manage
    (five queries whatever the numbers)."""
    deals = Opportunity.objects.open().select_related("account", "stage").order_by("expected_close_date", "pk")
    return OpenWork(
        owned_deals=list(deals.filter(sales_owner=person)),
        led_deals=list(deals.filter(presales_lead=person)),
        deal_teams=list(
            DealTeamMember.objects.filter(user=person, opportunity__in=Opportunity.objects.open())
            .select_related("opportunity", "opportunity__account")
            .order_by("opportunity__name")
        ),
        requests=list(
            SupportRequest.objects.filter(assignee=person)
            .exclude(status__in=CLOSED_STATUSES)
            .select_related("opportunity")
            .order_by("pk")
        ),
        managed_teams=list(Team.objects.filter(manager=person)),
    )


@dataclass
class TeamNode:
    team: Team
    children: list[TeamNode] = field(default_factory=list)


def team_tree(user: User) -> list[TeamNode]:
    """The teams `user` may see, as a tree under their top teams, with each team's manager and active member count
    (one query)."""
    teams = list(
        access.teams_visible_to(user, Team.objects.all())
        .select_related("manager")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )
    nodes = {team.pk: TeamNode(team) for team in teams}
    roots: list[TeamNode] = []
    for team in teams:
        parent = nodes.get(team.parent_id) if team.parent_id else None
        (parent.children if parent is not None else roots).append(nodes[team.pk])
    return roots
