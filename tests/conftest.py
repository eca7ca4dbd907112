"""Shared personas for every permission test (healthchecks' alice / bob / charlie, extended to our roles).

- owner: a sales rep in the east sales team who owns `account` and `deal`
- teammate: another sales rep in the same team (sees the team's deals, cannot edit them)
- engineer: a presales engineer, presales lead on `deal`
- presales_manager: manages the presales team
- manager: the sales manager of the east sales team
- outsider: a sales rep in another team (sees nothing of the above)
- admin: an administrator (sees everything)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from presales.customers.models import Account
from presales.deals.models import Opportunity
from presales.people.models import Role, TeamKind, User
from tests.factories import AccountFactory, OpportunityFactory, TeamFactory, UserFactory

PASSWORD = "pw-for-tests-123"  # noqa: S105


def ensure_default_process() -> None:
    """Re-install the default stages (and playbook) and the work app's response-time targets when a transactional
    test flushed them."""
    from presales.playbook.defaults import install_default_stages
    from presales.playbook.models import Stage

    if not Stage.objects.exists():
        install_default_stages(Stage)
    from presales.work.defaults import DEFAULT_RESPONSE_TARGETS
    from presales.work.models import ResponseTarget

    if not ResponseTarget.objects.exists():
        for min_amount, triage, response in DEFAULT_RESPONSE_TARGETS:
            ResponseTarget.objects.create(
                min_amount=min_amount, hours_to_triage=triage, hours_to_first_response=response
            )


@dataclass
class Personas:
    owner: User
    teammate: User
    engineer: User
    presales_manager: User
    manager: User
    outsider: User
    admin: User
    account: Account
    deal: Opportunity


@pytest.fixture
def personas(db) -> Personas:
    # Transactional tests (the browser ones) flush the tables that data migrations filled.
    ensure_default_process()
    manager = UserFactory(username="manager", display_name="Manager Ma", role=Role.SALES_MANAGER)
    east = TeamFactory(name="East sales", kind=TeamKind.SALES, manager=manager)
    manager.team = east
    manager.save(update_fields=["team"])
    presales_manager = UserFactory(username="psm", display_name="Presales Manager Pan", role=Role.PRESALES_MANAGER)
    presales_team = TeamFactory(name="Presales", kind=TeamKind.PRESALES, manager=presales_manager)
    presales_manager.team = presales_team
    presales_manager.save(update_fields=["team"])
    west = TeamFactory(name="West sales", kind=TeamKind.SALES)
    owner = UserFactory(username="owner", display_name="Owner Wang", role=Role.SALES, team=east)
    teammate = UserFactory(username="teammate", display_name="Teammate Li", role=Role.SALES, team=east)
    engineer = UserFactory(username="engineer", display_name="Engineer Zhao", role=Role.PRESALES, team=presales_team)
    outsider = UserFactory(username="outsider", display_name="Outsider Chen", role=Role.SALES, team=west)
    admin = UserFactory(username="admin", display_name="Admin", role=Role.ADMIN)
    account = AccountFactory(name="华东银行", owner=owner)
    deal = OpportunityFactory(name="数据中心升级", account=account, sales_owner=owner, presales_lead=engineer)
    return Personas(owner, teammate, engineer, presales_manager, manager, outsider, admin, account, deal)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def login():
    """`login(user)` gives a test client signed in as that user."""
    return client_for
