"""Each deal's checklist: start it from the current playbook, keep owners and due dates in step with the deal team
and the close date, and move a deal to another playbook version."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.bulkinsert import Layout, create_with_history, history_from_table
from presales.core.concurrency import save_changes
from presales.core.history import attribute_change, delete_with_history, save_with_history
from presales.deals.health import refresh_health
from presales.deals.models import FINISHED_STATUSES, OPEN_STATUSES, DealPlaybook, DealStep, Opportunity, StepStatus
from presales.deals.services.responsibility import DealTeam, functional_managers
from presales.notifications import kinds
from presales.notifications.services import notifications_forget, notify
from presales.people.models import Team, User
from presales.playbook.models import DueRule, PlaybookVersion, Stage, StepDefinition


def due_dates(
    definitions: list[StepDefinition], since: list[datetime.date | None], close: datetime.date
) -> list[datetime.date | None]:
    """Each actionable step's due date by the playbook's rule, counted from when it became actionable (`since`: its
    stage reached); None for an upcoming step (`since` None), which has no due date yet.

    After the previous step: N days after the previous step's due date or after the step became actionable, whichever
    is later, capped at the close date. Before close: N days before the close date. Never before it became actionable.
    """
    result: list[datetime.date | None] = []
    previous: datetime.date | None = None
    for definition, start in zip(definitions, since, strict=True):
        if start is None:
            result.append(None)
            continue
        if definition.due_rule == DueRule.BEFORE_CLOSE:
            due = close - datetime.timedelta(days=definition.due_days)
        else:
            base = max(previous, start) if previous is not None else start
            due = base + datetime.timedelta(days=definition.due_days)
            if close >= start:
                due = min(due, close)
        due = max(due, start)
        result.append(due)
        previous = due
    return result


def reached(definition: StepDefinition, stage: Stage) -> bool:
    """Whether a deal at `stage` has reached the step's stage (the step is actionable, not upcoming)."""
    return definition.stage.number <= stage.number


def actionable_since(
    definitions: list[StepDefinition], stage: Stage, start: datetime.date
) -> list[datetime.date | None]:
    """For a new checklist: steps of the stages reached are actionable from `start`, the others upcoming."""
    return [start if reached(d, stage) else None for d in definitions]


def notify_assignments(steps: list[DealStep], actor: User | None) -> None:
    """Tell people about steps now theirs: one message per person and deal, not one per step (a new deal assigns many
    steps at once); whoever made the change is not told about the steps it gave them."""
    by_person: dict[int, list[DealStep]] = {}
    for step in steps:
        if step.responsible_id is None or (actor is not None and step.responsible_id == actor.pk):
            continue
        by_person.setdefault(step.responsible_id, []).append(step)
    for person_steps in by_person.values():
        first = person_steps[0]
        if first.responsible is None:  # skipped above; narrows the type
            continue
        if len(person_steps) == 1:
            notify(
                recipient=first.responsible,
                kind=kinds.STEP_ASSIGNED,
                params={
                    "step": kinds.in_each_language(first.definition.__str__),
                    "deal": first.opportunity.name,
                },
                target_type="deal_step",
                target_id=first.pk,
            )
        else:
            notify(
                recipient=first.responsible,
                kind=kinds.STEP_ASSIGNED,
                variant="many",
                params={"count": len(person_steps), "deal": first.opportunity.name},
                target_type="opportunity",
                target_id=first.opportunity_id,
            )


@transaction.atomic
def deal_playbook_start(
    *, opportunity: Opportunity, actor: User | None = None, version: PlaybookVersion | None = None
) -> DealPlaybook | None:
    """Give a deal its checklist from the current playbook, with due dates and one person per step."""
    existing = DealPlaybook.objects.filter(opportunity=opportunity).first()
    if existing is not None:
        return existing
    version = version or PlaybookVersion.objects.current()
    if version is None:
        return None
    deal_playbook = DealPlaybook(opportunity=opportunity, playbook=version)
    save_with_history(deal_playbook, actor=actor)
    definitions = list(version.steps.select_related("stage").order_by("order"))
    team = DealTeam.load(opportunity)
    start = timezone.localdate(opportunity.created_at) if opportunity.created_at else timezone.localdate()
    since = actionable_since(definitions, opportunity.stage, start)
    dues = due_dates(definitions, since, opportunity.expected_close_date)
    steps = [
        DealStep(
            opportunity=opportunity,
            definition=d,
            actionable_since=d_since,
            due_date=due,
            responsible=team.resolve(d.responsible_role),
        )
        for d, d_since, due in zip(definitions, since, dues, strict=True)
    ]
    DealStep.objects.bulk_create(steps)
    # bulk_create skips simple-history; write the "created" records so hand-overs have a starting point.
    DealStep.history.bulk_history_create(steps, default_user=actor)
    refresh_health([opportunity.pk])
    notify_assignments(steps, actor)
    return deal_playbook


def ensure_deal_playbook(opportunity: Opportunity) -> DealPlaybook | None:
    """Deals created before the playbook existed get their checklist the first time somebody looks."""
    return deal_playbook_start(opportunity=opportunity)


@transaction.atomic
def deal_steps_sync(
    *, opportunity: Opportunity, actor: User | None = None, reason: str = "deal team or close date changed"
) -> list[DealStep]:
    """After the deal team, the close date or the stage changes: re-resolve owners (unless assigned by hand), make
    the steps of the stages now reached actionable from today (and those of stages left behind upcoming again),
    re-set due dates by the playbook's rule, and refresh the deal's health (deals.health).

    Only open steps change; they are read in one query and written in one bulk update, each change with its
    history row and `reason` (the hand-over or the new due date stays in the step's history).
    """
    opportunity = Opportunity.objects.select_related(
        "stage", "team__manager", "presales_team__manager", "sales_owner", "presales_lead"
    ).get(pk=opportunity.pk)
    # Every step's definition is needed for the due-date chain; the other columns only for the open ones.
    steps = list(
        DealStep.objects.filter(opportunity=opportunity)
        .select_related("definition__stage")
        .order_by("definition__order")
    )
    if not steps:
        refresh_health([opportunity.pk])
        return []
    team = DealTeam.load(opportunity)
    today = timezone.localdate()
    since_before = {step.pk: step.actionable_since for step in steps}
    for step in steps:
        if step.status not in OPEN_STATUSES:
            continue
        if reached(step.definition, opportunity.stage):
            step.actionable_since = step.actionable_since or today
        else:
            step.actionable_since = None
    dues = due_dates(
        [s.definition for s in steps], [s.actionable_since for s in steps], opportunity.expected_close_date
    )
    now = timezone.now()
    changed, reassigned = [], []
    for step, due in zip(steps, dues, strict=True):
        if step.status not in OPEN_STATUSES:
            continue
        step.opportunity = opportunity
        touched = step.actionable_since != since_before[step.pk]
        if not step.assigned_by_hand:
            person = team.resolve(step.definition.responsible_role)
            if (person.pk if person else None) != step.responsible_id:
                step.responsible = person
                reassigned.append(step)
                touched = True
        if step.due_date != due:
            step.due_date = due
            touched = True
        if touched:
            step.version += 1
            step.updated_at = now
            attribute_change(step, actor=actor, reason=reason)
            changed.append(step)
    if changed:
        DealStep.objects.bulk_update(changed, ["responsible", "due_date", "actionable_since", "version", "updated_at"])
        DealStep.history.bulk_history_create(changed, update=True, default_user=actor, default_date=now)
    # The stage may have changed even when no step did: the health follows both.
    refresh_health([opportunity.pk])
    notify_assignments(reassigned, actor)
    return changed


@transaction.atomic
def deal_playbook_move(*, actor: User, opportunity: Opportunity, version: PlaybookVersion) -> DealPlaybook:
    """Move a deal to another published playbook version, keeping answers of steps that still exist (by key)."""
    if not access.can_move_deal_playbook(actor, opportunity):
        raise PermissionDenied
    if version.is_draft:
        raise ValidationError(_("Publish the version before moving deals to it."))
    deal_playbook = DealPlaybook.objects.select_for_update().filter(opportunity=opportunity).first()
    if deal_playbook is None:
        return deal_playbook_start(opportunity=opportunity, actor=actor, version=version)  # type: ignore[return-value]
    if deal_playbook.playbook_id == version.pk:
        return deal_playbook
    old_steps = {
        s.definition.key: s for s in DealStep.objects.filter(opportunity=opportunity).select_related("definition")
    }
    old_by_order = {s.definition.order: s for s in old_steps.values()}
    definitions = list(version.steps.select_related("stage").order_by("order"))
    team = DealTeam.load(opportunity)
    # A step new in this version is actionable from today if the deal has reached its stage.
    since = actionable_since(definitions, opportunity.stage, timezone.localdate())
    dues = due_dates(definitions, since, opportunity.expected_close_date)
    kept: set[int] = set()
    created = []
    for definition, step_since, due in zip(definitions, since, dues, strict=True):
        step = old_steps.get(definition.key)
        if (
            step is None
            and definition.order in old_by_order
            and old_by_order[definition.order].definition.key not in {d.key for d in definitions}
        ):
            step = old_by_order[definition.order]  # renamed step in the same place
        if step is not None and step.pk not in kept:
            kept.add(step.pk)
            save_changes(step, {"definition": definition}, actor=actor, reason=f"moved to playbook: v{version.number}")
        else:
            new = DealStep(
                opportunity=opportunity,
                definition=definition,
                actionable_since=step_since,
                due_date=due,
                responsible=team.resolve(definition.responsible_role),
            )
            save_with_history(new, actor=actor)
            created.append(new)
    dropped = [step for step in old_steps.values() if step.pk not in kept]
    # Notifications about a dropped step would link to nothing (they used to cascade with the step).
    notifications_forget(target_type="deal_step", target_ids=[step.pk for step in dropped])
    for step in dropped:
        delete_with_history(step, actor=actor, reason=f"not in playbook: v{version.number}")
    save_changes(deal_playbook, {"playbook": version}, actor=actor, reason=f"moved to playbook: v{version.number}")
    refresh_health([opportunity.pk])
    notify_assignments(created, actor)
    return deal_playbook


@transaction.atomic
def deal_steps_done_before(
    *, actor: User, opportunity: Opportunity, order: int, reason: str, enforce_permission: bool = True
) -> list[DealStep]:
    """Record the unfinished steps before step `order` as done: a deal brought in from another system at that step
    was worked that far there, so "my next steps" starts at the right step. Earlier answers are unknown, so none
    is written; `reason` says where the step was done. One UPDATE and one batch of history rows.

    `enforce_permission=False` is only for the import, right after it created the deal (for another owner, maybe).
    """
    steps = list(
        DealStep.objects.filter(opportunity=opportunity, definition__order__lt=order).exclude(
            status__in=FINISHED_STATUSES
        )
    )
    if not steps:
        return []
    if enforce_permission and not access.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    now = timezone.now()
    for step in steps:
        step.status = StepStatus.DONE
        step.reason = reason
        step.completed_at = now
        step.completed_by = actor
        step.version += 1
        step.updated_at = now
    DealStep.objects.bulk_update(steps, ["status", "reason", "completed_at", "completed_by", "version", "updated_at"])
    DealStep.history.bulk_history_create(steps, update=True, default_user=actor, default_change_reason="imported")
    refresh_health([opportunity.pk])
    return steps


def deal_playbooks_start_bulk(
    *, opportunities: list[Opportunity], actor: User, done_before: dict[int, int], reason: str
) -> int:
    """`deal_playbook_start` for many new deals at once (the import's bulk path): the same checklist, due dates and
    one person per step (DealTeam.resolve, with the functional managers read once per call),
    steps before `done_before[deal pk]` recorded as done, with history rows for the playbooks and the steps.

    The deals must be new (no deal team yet) and saved. People are told once per call, not once per deal: one
    message each naming how many steps of how many deals are now theirs. Returns the number of steps written.

    Deals with the same people, teams, stage, close date and step reached get the same 24 rows but for the deal's
    id, so each such checklist is worked out once (DealTeam.resolve, due dates) and copied; the rows and their
    history rows are written with `executemany` (core.bulkinsert), the playbooks with core.bulkinsert too."""
    version = PlaybookVersion.objects.current()
    if version is None or not opportunities:
        return 0
    definitions = list(version.steps.select_related("stage").order_by("order"))
    commercial, after_sales = functional_managers()
    pks = [opportunity.pk for opportunity in opportunities]
    # The deals' teams with their managers, one query for the whole call (DealTeam.resolve reads them).
    teams = Team.objects.select_related("manager").in_bulk(
        {pk for o in opportunities for pk in (o.team_id, o.presales_team_id) if pk}
    )
    for opportunity in opportunities:
        opportunity.team = teams.get(opportunity.team_id) if opportunity.team_id else None
        opportunity.presales_team = teams.get(opportunity.presales_team_id) if opportunity.presales_team_id else None
    now = timezone.now()
    create_with_history(
        [DealPlaybook(opportunity=opportunity, playbook=version) for opportunity in opportunities],
        DealPlaybook,
        actor=actor,
        now=now,
    )
    today = timezone.localdate()
    layout = Layout(DealStep)
    base = layout.defaults()
    for name, value in (("created_at", now), ("updated_at", now)):
        base[layout.index[name]] = layout.prepare_one(name, value)
    done = {
        "status": layout.prepare_one("status", StepStatus.DONE),
        "reason": layout.prepare_one("reason", reason),
        "completed_at": layout.prepare_one("completed_at", now),
        "completed_by_id": actor.pk,
    }
    at = layout.index
    # (people and teams) -> responsible id per definition; (stage, close date) -> since and due dates per definition.
    responsible_by_people: dict[tuple, list[int | None]] = {}
    dates_by_stage: dict[tuple, list[tuple[Any, Any]]] = {}
    # The whole checklist of a kind of deal: its 24 rows with the deal id left out, and who is given how many steps.
    checklists: dict[tuple, tuple[list[list[Any]], dict[int, int]]] = {}
    steps: list[tuple] = []
    assigned: dict[int, list[int]] = {}  # person -> [steps, deals]
    opportunity_at = at["opportunity_id"]
    for opportunity in opportunities:
        people = (
            opportunity.sales_owner_id,
            opportunity.presales_lead_id,
            opportunity.team_id,
            opportunity.presales_team_id,
        )
        dates = (opportunity.stage_id, opportunity.expected_close_date)
        first_open = done_before.get(opportunity.pk, 0)
        key = (people, dates, first_open)
        checklist = checklists.get(key)
        if checklist is None:
            if people not in responsible_by_people:
                team = DealTeam(opportunity=opportunity, commercial_manager=commercial, after_sales_manager=after_sales)
                resolved = {role: team.resolve(role) for role in {d.responsible_role for d in definitions}}
                responsible_by_people[people] = [
                    person.pk if (person := resolved[d.responsible_role]) is not None else None for d in definitions
                ]
            if dates not in dates_by_stage:
                since = actionable_since(definitions, opportunity.stage, today)
                dues = due_dates(definitions, since, opportunity.expected_close_date)
                dates_by_stage[dates] = list(zip(since, dues, strict=True))
            rows: list[list[Any]] = []
            given: dict[int, int] = {}
            for definition, responsible_id, (step_since, due) in zip(
                definitions, responsible_by_people[people], dates_by_stage[dates], strict=True
            ):
                row = base.copy()
                row[at["definition_id"]] = definition.pk
                row[at["actionable_since"]] = layout.prepare_one("actionable_since", step_since)
                row[at["due_date"]] = layout.prepare_one("due_date", due)
                row[at["responsible_id"]] = responsible_id
                if definition.order < first_open:
                    for name, value in done.items():
                        row[at[name]] = value
                elif responsible_id is not None and responsible_id != actor.pk:
                    given[responsible_id] = given.get(responsible_id, 0) + 1
                rows.append(row)
            checklist = checklists[key] = (rows, given)
        rows, given = checklist
        for row in rows:
            row[opportunity_at] = opportunity.pk
            steps.append(tuple(row))
        for person_pk, count in given.items():
            counts = assigned.setdefault(person_pk, [0, 0])
            counts[0] += count
            counts[1] += 1
    _insert_steps_with_history(steps, layout=layout, actor=actor, now=now, pks=pks)
    refresh_health(pks)
    recipients = User.objects.in_bulk(list(assigned))
    for person_pk, (step_count, deal_count) in assigned.items():
        notify(
            recipient=recipients[person_pk],
            kind=kinds.STEP_ASSIGNED,
            variant="many",
            params={"count": step_count, "deal": _("%(count)s imported deals") % {"count": deal_count}},
            target_type="opportunity",
            target_id=opportunities[0].pk,
        )
    return len(steps)


def _insert_steps_with_history(steps: list[tuple], *, layout: Layout, actor: User, now: Any, pks: list[int]) -> None:
    """Insert prepared checklist rows (in `layout`'s column order) with `executemany`, then their "created"
    history rows with one INSERT ... SELECT per chunk of deals (the database copies the new steps' columns); the
    database checks the foreign keys and constraints."""
    if not steps:
        return
    layout.executemany(steps)
    history_from_table(DealStep, column="opportunity_id", values=pks, actor=actor, now=now)
