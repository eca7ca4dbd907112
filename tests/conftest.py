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

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import translation
from huey.contrib.djhuey import HUEY

from presales.customers.models import Account
from presales.deals.models import Opportunity, OutcomeReason
from presales.deals.outcome_reasons import install_default_outcome_reasons
from presales.demo import company
from presales.people.models import Role, TeamKind, User
from presales.playbook.defaults import install_default_playbook, install_default_stages
from presales.playbook.models import PlaybookVersion, Stage, StepDefinition
from presales.scoring.defaults import install_default_dimensions
from presales.scoring.models import CapabilityDimension, ScoringWeights
from presales.work.defaults import DEFAULT_RESPONSE_TARGETS
from presales.work.models import ResponseTarget
from tests.factories import AccountFactory, OpportunityFactory, TeamFactory, UserFactory

PASSWORD = "pw-for-tests-123"  # noqa: S105


def ensure_default_process() -> None:
    """Re-install the default stages (and playbook) and the work app's response-time targets when a transactional
    test flushed them."""

    if not Stage.objects.exists():
        install_default_stages(Stage)

    if not OutcomeReason.objects.exists():
        install_default_outcome_reasons(OutcomeReason)

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


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language: a request from a Chinese reader (or a task rendering for
    one) leaves Chinese active in the test thread, which made later tests' English assertions depend on the order."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_task_queue():
    """Each test starts with an empty queue storage (tasks, heartbeats): only this test process's own queue name,
    so the Redis CI run never touches another queue, let alone another Redis database. Emptied again afterwards,
    so a Redis run leaves nothing behind."""
    HUEY.flush()
    yield
    HUEY.flush()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def login():
    """`login(user)` gives a test client signed in as that user."""
    return client_for


# --- The small demo company, seeded at most once per test-run worker --------------------------------------------

DEMO_SEED = 42


@dataclass
class SmallDemo:
    """The seeded small demo: the generators' context (counts, today, logins) and what `seed_demo` printed."""

    ctx: Any
    output: str


class _OpenDemo:
    """The transaction holding the demo rows; rolled back as soon as no further test needs them."""

    def __init__(self, atomic: Any, blocker: Any):
        self.atomic = atomic
        self.blocker = blocker
        self.closed = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)


_open_demo: list[_OpenDemo] = []


def _ensure_migration_data() -> None:
    """ensure_default_process, plus the default playbook and the scoring rubric the demo generators read."""

    ensure_default_process()
    if not PlaybookVersion.objects.exists():
        install_default_playbook(PlaybookVersion, StepDefinition, Stage)
    if not CapabilityDimension.objects.exists():
        install_default_dimensions(CapabilityDimension)
    if not ScoringWeights.objects.exists():
        ScoringWeights.objects.create(results=40, visits=20, capability=20, rating=20)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, built from the models (`--no-migrations` in pytest's options: replaying the 69 migrations
    took ~30 s per database, and each run builds several), with the rows the data migrations install. The migrations
    themselves run for real in tests/test_worker_process.py (`manage.py migrate` on a new database, SQLite or
    PostgreSQL) and by `make demo`; their data functions have tests of their own."""

    with django_db_blocker.unblock():
        _ensure_migration_data()


@pytest.fixture(scope="session")
def small_demo(django_db_setup, django_db_blocker):
    """`manage.py seed_demo --size small` (seed 42), once per worker, in a transaction rolled back afterwards.

    Each test runs in its own savepoint inside it, so what one test changes does not leak into the next. Tests
    using it run one after the other (pytest_collection_modifyitems below; `xdist_group("demo")` keeps them on
    one xdist worker with `--dist loadgroup`), and the transaction is rolled back right after the last of them, so
    no other test ever sees the demo company.
    """

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        state = _OpenDemo(atomic, django_db_blocker)
        try:
            # A transactional (browser) test that ran earlier on this worker flushed what data migrations install.
            _ensure_migration_data()
            out = io.StringIO()
            # What the command does (manage.py seed_demo --size small), keeping the generators' context.
            ctx = company.generate("small", seed=DEMO_SEED, stdout=out, stderr=None)
            company.print_logins(out)
        except BaseException:
            state.close()
            raise
    _open_demo.append(state)
    yield SmallDemo(ctx=ctx, output=out.getvalue())
    state.close()


def pytest_configure(config):
    # pytest-xdist registers this mark itself; without xdist (-p no:xdist) it would warn as unknown.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker (--dist loadgroup)")


def pytest_collection_modifyitems(config, items):
    """Run the tests on the small demo one after the other, first, so it is seeded once and rolled back once; first,
    because with `--dist loadgroup` they are one long unit of work that should start while the other workers take
    the rest, not end the run alone."""
    demo_items = [item for item in items if "small_demo" in getattr(item, "fixturenames", ())]
    if demo_items:
        others = [item for item in items if "small_demo" not in getattr(item, "fixturenames", ())]
        items[:] = demo_items + others


def pytest_collection_finish(session):
    """On an xdist worker with `--dist loadgroup`, each test marked `xdist_group` must carry its group in its node id
    (xdist adds it): otherwise the group is silently ignored and every worker seeds the demo again (pytest 9.2 with
    pytest-xdist 3.8 did that)."""
    if getattr(session.config.option, "loadgroup", False):
        lost = [
            item.nodeid for item in session.items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid
        ]
        if lost:
            raise pytest.UsageError(f"--dist loadgroup ignored the xdist_group mark of {len(lost)} tests: {lost[0]}")


def pytest_runtest_setup(item):
    if "small_demo" in getattr(item, "fixturenames", ()) and _open_demo and _open_demo[-1].closed:
        raise RuntimeError("The small demo was already rolled back: its tests must run one after the other.")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # After the test's own transaction is gone: drop the demo unless the next test uses it too.
    if _open_demo and not _open_demo[-1].closed:
        if nextitem is None or "small_demo" not in getattr(nextitem, "fixturenames", ()):
            _open_demo[-1].close()
    return result
