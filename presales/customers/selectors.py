"""Reads for accounts: the likely duplicates of a name (客户查重), told only as far as the reader may see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.db import models
from django.db.models import Count, Q

from presales.customers.models import Account, AccountMerge
from presales.customers.names import name_keys

if TYPE_CHECKING:
    from presales.people.models import User

# Enough to decide; a name shared by more accounts than this is a data problem the list page shows better.
MAX_CANDIDATES = 10


@dataclass
class Duplicates:
    """Accounts whose name (in any language, or an alias) normalises to one of the new account's names.

    `visible` are the ones the reader may open (shown with links); the others are only counted, so an account's
    name never leaks to somebody who cannot open it.
    """

    visible: list[Account] = field(default_factory=list)
    hidden_count: int = 0

    def __bool__(self) -> bool:
        return bool(self.visible or self.hidden_count)


def duplicate_accounts(user: User, names: list[str], *, exclude_pk: int | None = None) -> Duplicates:
    """Likely duplicates of an account named `names` (name, English name, short name, aliases): two queries."""
    keys = [key for key in name_keys(*names).split("|") if key]
    if not keys:
        return Duplicates()
    condition = Q()
    for key in keys:
        condition |= Q(name_keys__contains=f"|{key}|")
    matches = Account.objects.filter(condition)
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    candidates = list(matches.select_related("owner").order_by("name", "pk")[:MAX_CANDIDATES])
    if not candidates:
        return Duplicates()
    visible_ids = set(
        Account.objects.visible_to(user).filter(pk__in=[a.pk for a in candidates]).values_list("pk", flat=True)
    )
    visible = [a for a in candidates if a.pk in visible_ids]
    return Duplicates(visible=visible, hidden_count=len(candidates) - len(visible))


def account_relations() -> list[models.ManyToOneRel]:
    """Every kind of row that points at an account (contacts, deals, activities, rules …), found from the models,
    so a relation added later moves too; history rows keep pointing where they pointed then."""
    return [
        relation
        for relation in Account._meta.get_fields(include_hidden=True)
        if isinstance(relation, models.ManyToOneRel)
        and not hasattr(relation.related_model, "instance_type")  # simple_history's historical models
        and relation.related_model is not AccountMerge
    ]


@dataclass
class MergeRow:
    """One kind of record on the merge preview: how many each of the two accounts holds."""

    label: str
    first: int
    second: int


def merge_preview(first: Account, second: Account) -> list[MergeRow]:
    """What each of two accounts holds, kind by kind (contacts, deals, activities …): one query per kind."""
    rows = []
    for relation in account_relations():
        model = cast(type[models.Model], relation.related_model)
        field_name = relation.field.attname
        counts = dict(
            model._default_manager.filter(**{f"{field_name}__in": [first.pk, second.pk]})
            .values_list(field_name)
            .annotate(n=Count("pk"))
            .order_by()
        )
        rows.append(MergeRow(str(model._meta.verbose_name_plural), counts.get(first.pk, 0), counts.get(second.pk, 0)))
    return rows
