"""Each deal's health, kept as columns on the deal (issue 17): when it entered its current stage, the earliest due
date of its open steps and how many qualification steps of the stages it reached are not done.

The sales dashboard's risks and the deal list's `risk` filter read these columns (indexed) instead of testing every
step and the history of every open deal. They are derived, never edited: every service that changes a deal's steps
or its stage calls `refresh_health` for the deals it touched, in the same transaction, and the nightly
`check_deal_health` recomputes every open deal and corrects (and counts) any that drifted.

The expressions below are the one definition of each figure from the rows: `refresh_health` writes them, the
migration's backfill and the nightly check use them, and the tests compare the columns with them.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Iterable
from typing import Any, cast

from django.db import connections, router
from django.db.models import Count, DateTimeField, F, Min, Model, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import UpdateQuery

from presales.deals.models import (
    HEALTH_FIELDS,
    OPEN_STATUSES,
    QUALIFICATION_KINDS,
    DealStep,
    Opportunity,
    Outcome,
    StepStatus,
)

logger = logging.getLogger(__name__)

# Ids per UPDATE: well under SQLite's limit of bound parameters, and short statements on PostgreSQL.
CHUNK = 500
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def stage_entered_from_history(history_model: type[Model] | None = None) -> Coalesce:
    """When the deal (an OuterRef "pk" with "stage_id") entered its current stage: its first history record in that
    stage after the last one in another stage; its creation time when its history says nothing (bulk-made rows)."""
    history = history_model or Opportunity.history.model
    left_previous = history._default_manager.filter(id=OuterRef("id")).exclude(stage_id=OuterRef("stage_id"))
    # The stage is compared as `stage_id + 0` so that SQLite (no statistics) looks the deal's records up by its id,
    # not every record of the stage by the stage's index: 35 ms instead of under 1 ms per deal at 50,000 deals.
    entered = history._default_manager.annotate(in_stage=F("stage_id") + 0).filter(
        id=OuterRef("pk"),
        in_stage=OuterRef("stage_id"),
        history_date__gt=Coalesce(
            Subquery(left_previous.order_by("-history_date").values("history_date")[:1]),
            Value(EPOCH, output_field=DateTimeField()),
        ),
    )
    return Coalesce(Subquery(entered.order_by("history_date").values("history_date")[:1]), F("created_at"))


def earliest_open_due_from_steps(step_model: type[Model] = DealStep) -> Subquery:
    """The earliest due date of the deal's steps still to do (None when none has one): the deal has overdue steps
    exactly when this is before today."""
    return Subquery(
        step_model._default_manager.filter(opportunity=OuterRef("pk"), status__in=OPEN_STATUSES)
        .values("opportunity")
        .annotate(earliest=Min("due_date"))
        .values("earliest")[:1]
    )


def missing_qualification_from_steps(step_model: type[Model] = DealStep) -> Coalesce:
    """How many qualification steps of stages the deal has reached are not done. The deal's stage number is read
    through the step's own join, so the expression also works in an UPDATE (which allows no join on the deal)."""
    return Coalesce(
        Subquery(
            step_model._default_manager.filter(
                opportunity=OuterRef("pk"),
                definition__answer_kind__in=QUALIFICATION_KINDS,
                definition__stage__number__lte=F("opportunity__stage__number"),
            )
            .exclude(status=StepStatus.DONE)
            .values("opportunity")
            .annotate(count=Count("pk"))
            .values("count")[:1]
        ),
        0,
    )


def health_from_rows(*, step_model: type[Model] = DealStep, history_model: type[Model] | None = None) -> dict:
    """The health columns computed from the rows, by column name (the migration passes its historical models)."""
    return {
        "stage_entered_at": stage_entered_from_history(history_model),
        "earliest_open_due_date": earliest_open_due_from_steps(step_model),
        "missing_qualification_steps": missing_qualification_from_steps(step_model),
    }


def overdue(today: datetime.date) -> Q:
    """Deals with a step still to do past its due date, by the column."""
    return Q(earliest_open_due_date__lt=today)


def missing_qualification() -> Q:
    """Deals with an unanswered qualification step of a stage already reached, by the column."""
    return Q(missing_qualification_steps__gt=0)


def stalled(before: datetime.datetime) -> Q:
    """Deals in the same stage since before `before`, by the column."""
    return Q(stage_entered_at__lt=before)


def refresh_health(opportunity_ids: Iterable[int]) -> int:
    """Recompute the health columns of these deals from their steps and history: one UPDATE per chunk of ids.

    An UPDATE statement, not `save()`: no history record, and `version` and `updated_at` stay as they are (a person
    editing the deal meanwhile gets no conflict). Returns the number of deals updated."""
    ids = sorted(set(opportunity_ids))
    alias = router.db_for_write(Opportunity)
    updated = 0
    with connections[alias].cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            statement, params = _refresh_statement(alias, len(chunk))
            cursor.execute(statement, (*params, *chunk))
            updated += cursor.rowcount
    return updated


@functools.lru_cache(maxsize=16)
def _refresh_statement(alias: str, count: int) -> tuple[str, tuple[Any, ...]]:
    """`Opportunity.objects.filter(pk__in=<count ids>).update(**health_from_rows())` as SQL, with its parameters
    but the ids, compiled once per database alias and number of ids: compiling the nested subqueries took Django
    25 ms on a loaded machine (load 7, 2 cores), running them for one deal 0.4 ms."""
    query = cast(UpdateQuery, Opportunity.objects.filter(pk__in=range(count)).query.chain(UpdateQuery))
    query.add_update_values(health_from_rows())
    statement, params = query.get_compiler(using=alias).as_sql()
    # The ids are the WHERE clause's parameters, after those of the SET clause.
    if tuple(params[-count:]) != tuple(range(count)):
        raise RuntimeError("refresh_health: the ids are not the last parameters of the compiled UPDATE")
    return statement, tuple(params[:-count])


def drifted_deals(opportunities: Iterable[int] | None = None) -> list[int]:
    """Open deals (of `opportunities`, else all) whose health columns differ from the computation from the rows."""
    queryset = Opportunity.objects.filter(outcome=Outcome.OPEN)
    if opportunities is not None:
        queryset = queryset.filter(pk__in=list(opportunities))
    computed = {f"computed_{name}": expression for name, expression in health_from_rows().items()}
    rows = queryset.annotate(**computed).values_list("pk", *HEALTH_FIELDS, *computed)
    width = len(HEALTH_FIELDS)
    return [row[0] for row in rows.iterator(chunk_size=2000) if row[1 : 1 + width] != row[1 + width :]]


def check_deal_health() -> int:
    """The nightly safety net: recompute the health of the open deals whose columns drifted from their rows (a
    write path that forgot `refresh_health`, a change made outside the services) and log how many. Idempotent."""
    drifted = drifted_deals()
    if drifted:
        refresh_health(drifted)
        logger.warning("deal health corrected on %d open deals (first ids: %s)", len(drifted), drifted[:10])
    return len(drifted)
