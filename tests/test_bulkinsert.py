"""core.bulkinsert.create_with_history writes the same rows and history rows as simple_history's
bulk_create_with_history (which it replaces on the import's bulk path), only faster; history_from_table writes
the same history rows for records inserted without them (the import's checklist steps); insert_objects and
RowBuilder write the same rows as bulk_create (the demo's bulk sizes)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from presales.core.bulkinsert import (
    RowBuilder,
    create_with_history,
    history_from_table,
    indexes_deferred,
    insert_objects,
)
from presales.core.history import attribute_change
from presales.customers.models import Account, Industry, Region
from presales.deals.models import HEALTH_FIELDS, DealStep, Opportunity, StepStatus
from presales.playbook.models import PlaybookVersion, Stage

pytestmark = pytest.mark.django_db

# Besides ids and stamps, the deal's health columns: bulk_create_with_history does not refresh them (the callers do).
SKIP = {"id", "name", "external_id", "name_keys", "created_at", "updated_at", "history_id", "history_date"} | set(
    HEALTH_FIELDS
)


def _rows(model, objs):
    rows = []
    for obj in model.objects.filter(pk__in=[o.pk for o in objs]).order_by("pk"):
        values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if f.attname not in SKIP}
        history = [
            {f.attname: getattr(h, f.attname) for f in h._meta.concrete_fields if f.attname not in SKIP}
            for h in obj.history.all()
        ]
        rows.append((values, history))
    return rows


def test_create_with_history_matches_bulk_create_with_history(personas):
    actor = personas.owner

    def accounts(prefix: str) -> list[Account]:
        made = []
        for n in range(3):
            account = Account(
                name=f"{prefix} 客户 {n}",
                external_id=f"{prefix}-{n}",
                industry=Industry.FINANCE,
                region=Region.EAST,
                city="上海" if n else "",
                is_key_account=bool(n % 2),
                owner=actor,
                team_id=actor.team_id,
            )
            account.refresh_name_keys()
            made.append(account)
        return made

    by_simple_history = accounts("A")
    bulk_create_with_history(by_simple_history, Account, default_user=actor)
    ours = accounts("B")
    create_with_history(ours, Account, actor=actor)
    assert all(account.pk and not account._state.adding for account in ours)
    assert _rows(Account, ours) == _rows(Account, by_simple_history)
    assert ours[0].name_keys and Account.objects.get(pk=ours[0].pk).name_keys == ours[0].name_keys
    assert [h.history_user for h in Account.objects.get(pk=ours[1].pk).history.all()] == [actor]

    stage = Stage.objects.get(number=3)

    def deals(prefix: str, account: Account) -> list[Opportunity]:
        return [
            Opportunity(
                name=f"{prefix} 项目 {n}",
                external_id=f"{prefix}-D{n}",
                account=account,
                sales_owner=actor,
                team_id=actor.team_id,
                stage=stage,
                probability=30,
                amount=Decimal("123456.78") if n else Decimal("0"),
                expected_close_date=timezone.localdate() + datetime.timedelta(days=n),
            )
            for n in range(2)
        ]

    theirs = deals("A", by_simple_history[0])
    bulk_create_with_history(theirs, Opportunity, default_user=actor)
    mine = deals("B", by_simple_history[0])
    create_with_history(mine, Opportunity, actor=actor)
    assert _rows(Opportunity, mine) == _rows(Opportunity, theirs)
    assert Opportunity.objects.get(pk=mine[1].pk).amount == Decimal("123456.78")


def test_history_from_table_matches_bulk_create_with_history(personas):
    """Steps inserted without history, then history_from_table: the same history rows (every tracked column, type,
    user, date, no reason) as bulk_create_with_history, one per step in id order, and only for the deals named."""
    actor = personas.owner
    account = Account.objects.create(name="历史客户", industry=Industry.FINANCE, region=Region.EAST, owner=actor)
    stage = Stage.objects.get(number=3)
    deals = [
        Opportunity(
            name=f"历史项目 {n}",
            account=account,
            sales_owner=actor,
            team_id=actor.team_id,
            stage=stage,
            probability=30,
            expected_close_date=timezone.localdate(),
        )
        for n in range(3)
    ]
    create_with_history(deals, Opportunity, actor=actor)
    definitions = list(PlaybookVersion.objects.current().steps.order_by("order")[:4])
    now = timezone.now()

    def steps(deal: Opportunity) -> list[DealStep]:
        made = []
        for n, definition in enumerate(definitions):
            step = DealStep(opportunity=deal, definition=definition, responsible=actor if n % 2 else None)
            if n < 2:
                step.status, step.reason, step.completed_at, step.completed_by = (
                    StepStatus.DONE,
                    "导入前已完成",
                    now,
                    actor,
                )
            else:
                step.actionable_since = timezone.localdate()
                step.due_date = timezone.localdate() + datetime.timedelta(days=n)
            step.created_at = step.updated_at = now
            made.append(step)
        return made

    theirs = steps(deals[0])
    bulk_create_with_history(theirs, DealStep, default_user=actor, default_date=now)
    mine = DealStep.objects.bulk_create(steps(deals[1]))
    untouched = DealStep.objects.bulk_create(steps(deals[2]))
    history_from_table(DealStep, column="opportunity_id", values=[deals[1].pk], actor=actor, now=now)

    moments = {"history_id", "id", "created_at", "updated_at"}  # ids, and the auto_now dates bulk_create sets

    def history(deal: Opportunity) -> list[dict]:
        rows = DealStep.history.filter(opportunity_id=deal.pk).order_by("history_id")
        return [
            {f.attname: getattr(h, f.attname) for f in h._meta.concrete_fields if f.attname not in moments}
            | {"step": (h.id - deal.steps.order_by("pk")[0].pk)}
            for h in rows
        ]

    expected = [row | {"opportunity_id": deals[1].pk} for row in history(deals[0])]
    assert len(expected) == 4 and {row["history_type"] for row in expected} == {"+"}
    assert history(deals[1]) == expected
    assert [h.history_date for h in DealStep.history.filter(opportunity_id=deals[1].pk)] == [now] * 4
    assert [h.history_user for h in DealStep.history.filter(opportunity_id=deals[1].pk)] == [actor] * 4
    assert {h.id for h in DealStep.history.filter(opportunity_id=deals[1].pk)} == {step.pk for step in mine}
    for step in DealStep.objects.filter(opportunity=deals[1]):
        assert (step.history.get().created_at, step.history.get().updated_at) == (step.created_at, step.updated_at)
    assert not DealStep.history.filter(id__in=[step.pk for step in untouched]).exists()


def _steps_without_ids(deal: Opportunity) -> list[dict]:
    moments = {"id", "created_at", "updated_at"}
    return [
        {f.attname: getattr(step, f.attname) for f in DealStep._meta.concrete_fields if f.attname not in moments}
        for step in DealStep.objects.filter(opportunity=deal).order_by("definition__order")
    ]


def test_insert_objects_and_row_builder_match_bulk_create(personas):
    """The same deals (with primary keys set) and the same steps (answers, JSON, dates, defaults) as bulk_create."""
    actor = personas.owner
    account = Account.objects.create(name="批量客户", industry=Industry.FINANCE, region=Region.EAST, owner=actor)
    stage = Stage.objects.get(number=3)

    def deals(prefix: str) -> list[Opportunity]:
        return [
            Opportunity(
                name=f"{prefix} 项目 {n}",
                account=account,
                sales_owner=actor,
                team_id=actor.team_id,
                stage=stage,
                probability=30,
                amount=Decimal("98765.43"),
                expected_close_date=timezone.localdate() + datetime.timedelta(days=n),
            )
            for n in range(2)
        ]

    theirs = Opportunity.objects.bulk_create(deals("A"))
    mine = deals("B")
    insert_objects(mine, Opportunity)
    assert all(deal.pk and not deal._state.adding for deal in mine)
    strip = {"id", "name", "created_at", "updated_at", *HEALTH_FIELDS}

    def values(objs: list[Opportunity]) -> list[dict]:
        return [
            {f.attname: getattr(o, f.attname) for f in Opportunity._meta.concrete_fields if f.attname not in strip}
            for o in Opportunity.objects.filter(pk__in=[o.pk for o in objs]).order_by("pk")
        ]

    assert values(mine) == values(theirs)
    created = Opportunity.objects.get(pk=mine[0].pk).created_at
    assert created is not None and mine[0].created_at == created  # auto_now_add set on the object too

    definitions = list(PlaybookVersion.objects.current().steps.order_by("order")[:3])
    now = timezone.now()
    answers: list[dict] = [
        {
            "status": StepStatus.DONE,
            "answer_choice": "yes",
            "answer_data": {"pains": ["慢", "贵"]},
            "completed_at": now,
            "completed_by_id": actor.pk,
        },
        {"status": StepStatus.BLOCKED, "reason": "等待客户", "answer_amount": Decimal("12.50")},
        {"actionable_since": timezone.localdate(), "due_date": timezone.localdate()},
    ]
    DealStep.objects.bulk_create(
        [
            DealStep(
                opportunity=theirs[0],
                definition=d,
                responsible=actor,
                **{
                    k.removesuffix("_id") if k == "completed_by_id" else k: (actor if k == "completed_by_id" else v)
                    for k, v in a.items()
                },
            )
            for d, a in zip(definitions, answers, strict=True)
        ]
    )
    builder = RowBuilder(DealStep, now=now)
    builder.insert(
        [
            builder.row({"opportunity_id": theirs[1].pk, "definition_id": d.pk, "responsible_id": actor.pk, **a})
            for d, a in zip(definitions, answers, strict=True)
        ]
    )
    expected = [row | {"opportunity_id": theirs[1].pk} for row in _steps_without_ids(theirs[0])]
    assert _steps_without_ids(theirs[1]) == expected
    assert expected[0]["answer_data"] == {"pains": ["慢", "贵"]} and expected[2]["answer_data"] == {}
    assert set(DealStep.objects.filter(opportunity=theirs[1]).values_list("created_at", flat=True)) == {now}

    # Without primary keys back (executemany): the same rows, the objects left unsaved.
    members = deals("C")
    insert_objects(members, Opportunity, set_pks=False)
    assert all(deal.pk is None for deal in members)
    assert Opportunity.objects.filter(name__startswith="C ").count() == 2


def _index_names(table: str) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return {
            name
            for name, info in connection.introspection.get_constraints(cursor, table).items()
            if info["index"] and not info["unique"]
        }


def test_indexes_deferred_drops_plain_indexes_and_builds_them_again_even_on_failure():
    table = DealStep._meta.db_table
    before = _index_names(table)
    assert {"deal_step_owner_status_due", "deal_step_status_due"} <= before
    with indexes_deferred(DealStep):
        assert _index_names(table) == set()
    assert _index_names(table) == before
    with pytest.raises(RuntimeError), indexes_deferred(DealStep):
        raise RuntimeError("a failed load")
    assert _index_names(table) == before


def test_create_with_history_names_the_person_and_moment_each_object_carries(personas):
    """As simple_history does for bulk_create_with_history: an object's `_history_user` (core.history.attribute_change)
    and `_history_date` win over the call's actor and time; the others get the call's."""
    moment = timezone.now() - datetime.timedelta(days=30)
    accounts = [
        Account(name=f"署名客户 {n}", industry=Industry.FINANCE, region=Region.EAST, owner=personas.owner)
        for n in range(2)
    ]
    attribute_change(accounts[0], actor=personas.manager)
    accounts[0]._history_date = moment
    create_with_history(accounts, Account, actor=personas.owner)
    first, second = (Account.history.get(id=account.pk) for account in accounts)
    assert (first.history_user, first.history_date) == (personas.manager, moment)
    assert second.history_user == personas.owner and second.history_date > moment


def test_indexes_deferred_inside_a_transaction_with_rows_written(personas):
    """PostgreSQL refuses CREATE INDEX while the transaction has deferred foreign-key checks pending on the table
    (the demo data generated inside a test's transaction): they are run first."""
    actor = personas.owner
    account = Account.objects.create(name="索引客户", industry=Industry.FINANCE, region=Region.EAST, owner=actor)
    deal = Opportunity.objects.create(
        name="索引项目",
        account=account,
        sales_owner=actor,
        team_id=actor.team_id,
        stage=Stage.objects.get(number=1),
        expected_close_date=timezone.localdate(),
    )
    definition = PlaybookVersion.objects.current().steps.order_by("order")[0]
    table = DealStep._meta.db_table
    before = _index_names(table)
    with indexes_deferred(DealStep):
        DealStep.objects.create(opportunity=deal, definition=definition, responsible=actor)
    assert _index_names(table) == before
    assert DealStep.objects.filter(opportunity=deal).count() == 1
