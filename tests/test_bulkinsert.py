"""core.bulkinsert.create_with_history writes the same rows and history rows as simple_history's
bulk_create_with_history (which it replaces on the import's bulk path), only faster."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from presales.core.bulkinsert import create_with_history
from presales.customers.models import Account, Industry, Region
from presales.deals.models import Opportunity
from presales.playbook.models import Stage

pytestmark = pytest.mark.django_db

SKIP = {"id", "name", "external_id", "name_keys", "created_at", "updated_at", "history_id", "history_date"}


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
