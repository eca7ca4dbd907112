"""Writes for the playbook: versions and steps, each deal's checklist, answers, gates, hand-overs, notifications."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_with_version_check
from presales.customers.models import Attitude, DecisionRole
from presales.deals.models import DealRole, Opportunity, Outcome
from presales.notifications.models import NotificationKind
from presales.notifications.services import notifications_forget, notify
from presales.people.models import Team, TeamKind, User
from presales.playbook.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    AnswerKind,
    DealPlaybook,
    DealStep,
    DueRule,
    PlaybookVersion,
    StepDefinition,
    StepRole,
    StepStatus,
)

DUE_SOON_DAYS = 2
# Each step reminder's short name: the command's counts and the dedupe keys (unchanged, so nothing is sent twice).
REMINDER_NAMES = {NotificationKind.STEP_DUE_SOON: "due_soon", NotificationKind.STEP_OVERDUE: "overdue"}


# --- The responsibility matrix: step role -> one named person ---------------------------------------------------


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
            deal = Opportunity.objects.filter(pk=self.opportunity.pk)
            if access.opportunities_visible_to(user, deal).exists():
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


# --- Due dates ----------------------------------------------------------------------------------------------------


def due_dates(definitions: list[StepDefinition], start: datetime.date, close: datetime.date) -> list[datetime.date]:
    """Each step's due date: N days after the previous one, or N days before the close date; never before the start."""
    result = []
    previous = start
    for definition in definitions:
        if definition.due_rule == DueRule.BEFORE_CLOSE:
            due = close - datetime.timedelta(days=definition.due_days)
        else:
            due = previous + datetime.timedelta(days=definition.due_days)
            if close >= start:
                due = min(due, close)
        due = max(due, start)
        result.append(due)
        previous = due
    return result


# --- Notifications ------------------------------------------------------------------------------------------------


def _notify_assignments(steps: list[DealStep], actor: User | None) -> None:
    """One message per person and deal, not one per step: a new deal assigns many steps at once."""
    by_person: dict[int, list[DealStep]] = {}
    for step in steps:
        if actor is not None and step.responsible_id == actor.pk:
            continue
        by_person.setdefault(step.responsible_id, []).append(step)
    for person_steps in by_person.values():
        first = person_steps[0]
        if len(person_steps) == 1:
            message = _("%(step)s on %(deal)s is now yours.") % {"step": first.definition, "deal": first.opportunity}
            notify(
                recipient=first.responsible,
                kind=NotificationKind.STEP_ASSIGNED,
                message=message,
                target_type="deal_step",
                target_id=first.pk,
            )
        else:
            message = _("%(count)s steps on %(deal)s are now yours.") % {
                "count": len(person_steps),
                "deal": first.opportunity,
            }
            notify(
                recipient=first.responsible,
                kind=NotificationKind.STEP_ASSIGNED,
                message=message,
                target_type="opportunity",
                target_id=first.opportunity_id,
            )


def send_step_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Due-soon and overdue reminders for every open step; safe to run as often as you like."""
    today = today or timezone.localdate()
    counts = {"due_soon": 0, "overdue": 0}
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    steps = (
        DealStep.objects.open()
        .filter(due_date__isnull=False, due_date__lte=soon)
        .select_related("definition", "opportunity", "responsible")
        .order_by("pk")
    )
    for step in steps.iterator(chunk_size=500):
        if step.due_date is None:  # excluded by the query; narrows the type
            continue
        if step.due_date < today:
            kind, message = NotificationKind.STEP_OVERDUE, _("Overdue since %(date)s: %(step)s on %(deal)s.")
        else:
            kind, message = NotificationKind.STEP_DUE_SOON, _("Due %(date)s: %(step)s on %(deal)s.")
        text = message % {"date": step.due_date.isoformat(), "step": step.definition, "deal": step.opportunity}
        key = f"{REMINDER_NAMES[kind]}:{step.pk}:{step.responsible_id}:{step.due_date.isoformat()}"
        with transaction.atomic():
            if notify(
                recipient=step.responsible,
                kind=kind,
                message=text,
                target_type="deal_step",
                target_id=step.pk,
                dedupe_key=key,
            ):
                counts[REMINDER_NAMES[kind]] += 1
    return counts


# --- The checklist on each deal -----------------------------------------------------------------------------------


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
    if actor is not None:
        deal_playbook._history_user = actor  # type: ignore[attr-defined]
    deal_playbook.save()
    definitions = list(version.steps.select_related("stage").order_by("order"))
    team = DealTeam.load(opportunity)
    start = timezone.localdate(opportunity.created_at) if opportunity.created_at else timezone.localdate()
    dues = due_dates(definitions, start, opportunity.expected_close_date)
    steps = [
        DealStep(opportunity=opportunity, definition=d, due_date=due, responsible=team.resolve(d.responsible_role))
        for d, due in zip(definitions, dues, strict=True)
    ]
    DealStep.objects.bulk_create(steps)
    # bulk_create skips simple-history; write the "created" records so hand-overs have a starting point.
    DealStep.history.bulk_history_create(steps, default_user=actor)  # type: ignore[attr-defined]
    _notify_assignments(steps, actor)
    return deal_playbook


def ensure_deal_playbook(opportunity: Opportunity) -> DealPlaybook | None:
    """Deals created before the playbook existed get their checklist the first time somebody looks."""
    return deal_playbook_start(opportunity=opportunity)


@transaction.atomic
def deal_steps_sync(*, opportunity: Opportunity, actor: User | None = None) -> list[DealStep]:
    """After the deal team or close date changes: re-resolve owners (unless assigned by hand) and due dates.

    Only open steps change; they are read in one query and written in one bulk update, each change with its
    history row (the hand-over stays in the step's history).
    """
    opportunity = Opportunity.objects.select_related(
        "team__manager", "presales_team__manager", "sales_owner", "presales_lead"
    ).get(pk=opportunity.pk)
    # Every step's definition is needed for the due-date chain; the other columns only for the open ones.
    steps = list(
        DealStep.objects.filter(opportunity=opportunity).select_related("definition").order_by("definition__order")
    )
    if not steps:
        return []
    team = DealTeam.load(opportunity)
    start = timezone.localdate(opportunity.created_at)
    dues = due_dates([s.definition for s in steps], start, opportunity.expected_close_date)
    now = timezone.now()
    changed, reassigned = [], []
    for step, due in zip(steps, dues, strict=True):
        if step.status not in OPEN_STATUSES:
            continue
        step.opportunity = opportunity
        touched = False
        if not step.assigned_by_hand:
            person = team.resolve(step.definition.responsible_role)
            if person.pk != step.responsible_id:
                step.responsible = person
                reassigned.append(step)
                touched = True
        if step.due_date != due:
            step.due_date = due
            touched = True
        if touched:
            step.version += 1
            step.updated_at = now
            step._history_user = actor  # type: ignore[attr-defined]
            step._change_reason = "deal team or close date changed"  # type: ignore[attr-defined]
            changed.append(step)
    if changed:
        DealStep.objects.bulk_update(changed, ["responsible", "due_date", "version", "updated_at"])
        DealStep.history.bulk_history_create(changed, update=True, default_user=actor, default_date=now)  # type: ignore[attr-defined]
    _notify_assignments(reassigned, actor)
    return changed


def _check_can_work(actor: User, step: DealStep) -> None:
    if not access.opportunities_visible_to(actor, Opportunity.objects.filter(pk=step.opportunity_id)).exists():
        raise PermissionDenied
    if not access.can_work_step(actor, step):
        raise PermissionDenied


def _save_step(
    step: DealStep, actor: User, expected_version: int | None, changes: dict[str, Any], reason: str
) -> DealStep:
    saved: DealStep = save_with_version_check(  # type: ignore[assignment]
        step, changes=changes, expected_version=expected_version, actor=actor, reason=reason
    )
    # The definition never changes here: keep it instead of reading it again (the deal is read afresh when needed).
    if DealStep.definition.is_cached(step) and step.definition_id == saved.definition_id:  # type: ignore[attr-defined]
        saved.definition = step.definition
    return saved


def _advance(actor: User, opportunity_id: int) -> None:
    """Stage follows the checklist: the deal moves to the stage of its first unfinished step."""
    from presales.deals import services as deal_services

    # Only the first unfinished step (and, once all are finished, the signing step) matters: read just that row,
    # with the deal and its stage in the same query.
    steps = DealStep.objects.filter(opportunity_id=opportunity_id).order_by("definition__order")
    unfinished = (
        steps.exclude(status__in=FINISHED_STATUSES).select_related("definition__stage", "opportunity__stage").first()
    )
    opportunity = (
        unfinished.opportunity
        if unfinished is not None
        else Opportunity.objects.select_related("stage").get(pk=opportunity_id)
    )
    if not opportunity.is_open:
        return
    if unfinished is not None:
        target = unfinished.definition.stage
        if target.number > opportunity.stage.number and not target.is_after_sale:
            deal_services.opportunity_change_stage(
                actor=actor, opportunity=opportunity, stage=target, expected_version=None, enforce_permission=False
            )
        return
    signed = steps.filter(definition__answer_kind=AnswerKind.SIGNED).first()
    if signed is not None and signed.status == StepStatus.DONE:
        # Every step is finished and the contract is signed: the sale is complete.
        deal_services.opportunity_close(
            actor=actor,
            opportunity=opportunity,
            outcome=Outcome.WON,
            closed_on=signed.answer_date,
            expected_version=None,
            enforce_permission=False,
        )


def signed_gate(opportunity: Opportunity) -> None:
    """Raise unless the deal's signing step (签单) is done; deals without a checklist are not gated."""
    signed = DealStep.objects.filter(opportunity=opportunity, definition__answer_kind=AnswerKind.SIGNED).first()
    if signed is not None and signed.status != StepStatus.DONE:
        raise ValidationError(
            _("A deal can only be marked won once its step “%(step)s” is done.") % {"step": signed.definition.name}
        )


def _apply_answer(actor: User, step: DealStep, answer: dict[str, Any]) -> dict[str, Any]:
    """Turn a cleaned answer into step columns, writing shared records through their own services."""
    from presales.customers import services as customer_services
    from presales.deals import services as deal_services

    kind = step.definition.answer_kind
    opp = step.opportunity
    changes: dict[str, Any] = {}
    if kind == AnswerKind.ANALYSIS:
        changes.update(answer_choice=answer["fit"], answer_text=answer.get("notes", ""))
        if answer.get("source") is not None and answer["source"] != opp.source:
            deal_services.opportunity_update(
                actor=actor, opportunity=opp, expected_version=None, source=answer["source"], enforce_permission=False
            )
    elif kind == AnswerKind.CONTACT:
        changes.update(answer_contact=answer["contact"], answer_date=answer["date"])
    elif kind == AnswerKind.BUDGET:
        changes.update(answer_choice=answer["status"], answer_amount=answer.get("amount"))
    elif kind == AnswerKind.QUOTE:
        changes.update(answer_amount=answer["amount"], answer_text=answer.get("configuration", ""))
    elif kind == AnswerKind.GO_NO_GO:
        changes.update(
            answer_choice=answer["decision"],
            answer_data={"investment": answer.get("investment", "")},
            answer_text=answer.get("reason", ""),
        )
    elif kind == AnswerKind.PAIN_POINTS:
        changes.update(answer_data={"pains": list(answer["pains"])})
    elif kind == AnswerKind.PAIN_SOLVABLE:
        changes.update(answer_data={"pains": list(answer["pains"])})
    elif kind == AnswerKind.SOLUTION:
        changes.update(answer_choice=answer["accepted"], answer_text=answer.get("document", ""))
    elif kind == AnswerKind.YES_NO:
        changes.update(answer_choice=answer["answer"])
    elif kind == AnswerKind.POC:
        changes.update(answer_choice=answer["result"], answer_data={"criteria": answer["criteria"]})
    elif kind == AnswerKind.COMPETITORS:
        competitor = answer.get("competitor")
        if competitor is None and answer.get("new_competitor"):
            competitor = deal_services.competitor_create(actor=actor, name=answer["new_competitor"])
        if competitor is not None:
            deal_services.deal_competitor_add(
                actor=actor,
                opportunity=opp,
                competitor=competitor,
                notes=answer.get("notes", ""),
                is_ahead=bool(answer.get("is_ahead")),
            )
        if not opp.competitor_links.exists() and not answer.get("none_known"):
            raise ValidationError(_("Name at least one competitor, or say that none is known."))
        changes.update(answer_text=answer.get("differentiators", ""))
    elif kind == AnswerKind.STAKEHOLDERS:
        contact = answer["decision_maker"]
        if contact.decision_role != DecisionRole.DECISION_MAKER:
            customer_services.contact_update(
                actor=actor, contact=contact, expected_version=None, decision_role=DecisionRole.DECISION_MAKER
            )
        changes.update(answer_contact=contact, answer_choice=answer["method"])
    elif kind == AnswerKind.CHAMPION:
        contact = answer["champion"]
        if contact.attitude != Attitude.CHAMPION:
            customer_services.contact_update(
                actor=actor, contact=contact, expected_version=None, attitude=Attitude.CHAMPION
            )
        changes.update(answer_contact=contact)
    elif kind == AnswerKind.AMOUNT:
        changes.update(answer_amount=answer["amount"])
    elif kind == AnswerKind.PROCUREMENT:
        changes.update(answer_choice=answer["method"])
    elif kind == AnswerKind.RISKS:
        changes.update(answer_data={"risks": list(answer["risks"])})
    elif kind == AnswerKind.ORDER_DATE:
        if answer["date"] != opp.expected_close_date:
            deal_services.opportunity_update(
                actor=actor,
                opportunity=opp,
                expected_version=None,
                expected_close_date=answer["date"],
                enforce_permission=False,
            )
    elif kind == AnswerKind.ORDER:
        changes.update(answer_data={"order_number": answer["order_number"]}, answer_text=answer.get("terms", ""))
    elif kind == AnswerKind.REVIEW:
        if answer["status"] != "approved":
            raise ValidationError(_("The step is done once both sides approved the contract; keep it in progress."))
        changes.update(answer_choice=answer["status"])
    elif kind == AnswerKind.SIGNED:
        changes.update(answer_date=answer["date"])
        if answer["amount"] != opp.amount:
            deal_services.opportunity_update(
                actor=actor, opportunity=opp, expected_version=None, amount=answer["amount"], enforce_permission=False
            )
    return changes


@transaction.atomic
def deal_step_complete(
    *, actor: User, step: DealStep, answer: dict[str, Any] | None = None, expected_version: int | None = None
) -> DealStep:
    """Record a step's answer and mark it done; the deal's stage, probability and outcome follow."""
    from presales.deals import services as deal_services

    _check_can_work(actor, step)
    if not step.opportunity.is_open:
        raise ValidationError(_("This deal is closed; reopen it to work on its steps."))
    changes = _apply_answer(actor, step, answer or {})
    changes.update(status=StepStatus.DONE, reason="", completed_at=timezone.now(), completed_by=actor)
    step = _save_step(step, actor, expected_version, changes, "completed")
    if step.definition.answer_kind == AnswerKind.GO_NO_GO and step.answer_choice == "no_go":
        reason = step.answer_text or _("No-go at step %(order)s.") % {"order": step.definition.order}
        deal_services.opportunity_close(
            actor=actor,
            opportunity=Opportunity.objects.get(pk=step.opportunity_id),
            outcome=Outcome.ABANDONED,
            reason=reason,
            expected_version=None,
            enforce_permission=False,
        )
        return step
    _advance(actor, step.opportunity_id)
    return step


@transaction.atomic
def deal_step_set_status(
    *, actor: User, step: DealStep, status: str, reason: str = "", expected_version: int | None = None
) -> DealStep:
    """Start, block, skip or reopen a step; skipping and blocking need a reason."""
    _check_can_work(actor, step)
    if status == StepStatus.DONE:
        raise ValidationError(_("Complete a step with its answer."))
    if status not in StepStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status in (StepStatus.SKIPPED, StepStatus.BLOCKED) and not reason.strip():
        raise ValidationError({"reason": _("Say why the step is skipped or blocked.")})
    if not step.opportunity.is_open:
        raise ValidationError(_("This deal is closed; reopen it to work on its steps."))
    if status == StepStatus.SKIPPED and step.definition.answer_kind in (AnswerKind.SIGNED, AnswerKind.GO_NO_GO):
        raise ValidationError(_("This step decides the deal and cannot be skipped."))
    changes: dict[str, Any] = {"status": status, "reason": reason.strip() if status in ("skipped", "blocked") else ""}
    changes["completed_at"] = timezone.now() if status == StepStatus.SKIPPED else None
    changes["completed_by"] = actor if status == StepStatus.SKIPPED else None
    step = _save_step(step, actor, expected_version, changes, status)
    if status == StepStatus.SKIPPED:
        _advance(actor, step.opportunity_id)
    return step


@transaction.atomic
def deal_step_reassign(*, actor: User, step: DealStep, user: User, expected_version: int | None = None) -> DealStep:
    """Hand a step over to somebody who can see the deal; the hand-over stays in the step's history."""
    if not access.can_work_step(actor, step):
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError({"responsible": _("Choose an active person.")})
    if not access.opportunities_visible_to(user, Opportunity.objects.filter(pk=step.opportunity_id)).exists():
        raise ValidationError({"responsible": _("%(person)s cannot see this deal.") % {"person": user}})
    step = _save_step(step, actor, expected_version, {"responsible": user, "assigned_by_hand": True}, "handed over")
    _notify_assignments([step], actor)
    return step


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
    definitions = list(version.steps.order_by("order"))
    team = DealTeam.load(opportunity)
    dues = due_dates(definitions, timezone.localdate(opportunity.created_at), opportunity.expected_close_date)
    kept: set[int] = set()
    created = []
    for definition, due in zip(definitions, dues, strict=True):
        step = old_steps.get(definition.key)
        if (
            step is None
            and definition.order in old_by_order
            and old_by_order[definition.order].definition.key not in {d.key for d in definitions}
        ):
            step = old_by_order[definition.order]  # renamed step in the same place
        if step is not None and step.pk not in kept:
            kept.add(step.pk)
            step.definition = definition
            step.version += 1
            step._history_user = actor  # type: ignore[attr-defined]
            step._change_reason = f"moved to playbook v{version.number}"  # type: ignore[attr-defined]
            step.save(update_fields=["definition", "version", "updated_at"])
        else:
            new = DealStep(
                opportunity=opportunity,
                definition=definition,
                due_date=due,
                responsible=team.resolve(definition.responsible_role),
            )
            new._history_user = actor  # type: ignore[attr-defined]
            new.save()
            created.append(new)
    dropped = [step for step in old_steps.values() if step.pk not in kept]
    # Notifications about a dropped step would link to nothing (they used to cascade with the step).
    notifications_forget(target_type="deal_step", target_ids=[step.pk for step in dropped])
    for step in dropped:
        step._history_user = actor  # type: ignore[attr-defined]
        step._change_reason = f"not in playbook v{version.number}"  # type: ignore[attr-defined]
        step.delete()
    deal_playbook.playbook = version
    deal_playbook.version += 1
    deal_playbook._history_user = actor  # type: ignore[attr-defined]
    deal_playbook._change_reason = f"moved to playbook v{version.number}"  # type: ignore[attr-defined]
    deal_playbook.save(update_fields=["playbook", "version", "updated_at"])
    _notify_assignments(created, actor)
    return deal_playbook


# --- Editing the playbook -----------------------------------------------------------------------------------------

STEP_FIELDS = (
    "order",
    "key",
    "name_zh",
    "name_en",
    "responsible_role",
    "consulted_roles",
    "stage",
    "answer_kind",
    "due_rule",
    "due_days",
)


def _check_editor(actor: User) -> None:
    if not access.can_edit_playbook(actor):
        raise PermissionDenied


def _check_draft(version: PlaybookVersion) -> None:
    if not version.is_draft:
        raise ValidationError(_("A published playbook is frozen; edit a draft and publish it as a new version."))


@transaction.atomic
def playbook_draft_create(*, actor: User, notes: str = "") -> PlaybookVersion:
    """Start a draft as a copy of the current version (or return the draft already open)."""
    _check_editor(actor)
    draft = PlaybookVersion.objects.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft
    current = PlaybookVersion.objects.current()
    number = (PlaybookVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    draft = PlaybookVersion(number=number, notes=notes)
    draft._history_user = actor  # type: ignore[attr-defined]
    draft.save()
    if current is not None:
        StepDefinition.objects.bulk_create(
            [
                StepDefinition(playbook=draft, **{name: getattr(step, name) for name in STEP_FIELDS})
                for step in current.steps.all()
            ]
        )
    return draft


def _place(draft: PlaybookVersion, step: StepDefinition, order: int) -> None:
    """Insert the step at `order` and renumber the others 1..n (two passes: orders are unique)."""
    others = [s for s in draft.steps.exclude(pk=step.pk).order_by("order")]
    order = max(1, min(order, len(others) + 1))
    sequence = others[: order - 1] + [step] + others[order - 1 :]
    offset = 1000
    for index, item in enumerate(sequence, start=1):
        StepDefinition.objects.filter(pk=item.pk).update(order=offset + index)
    for index, item in enumerate(sequence, start=1):
        StepDefinition.objects.filter(pk=item.pk).update(order=index)
    step.order = order


@transaction.atomic
def step_definition_create(*, actor: User, playbook: PlaybookVersion, **data: Any) -> StepDefinition:
    """Add a step to a draft playbook at the given position."""
    _check_editor(actor)
    _check_draft(playbook)
    order = data.pop("order", None) or playbook.steps.count() + 1
    step = StepDefinition(playbook=playbook, order=10000, **data)
    step.full_clean(exclude=["order"])
    step.save()
    _place(playbook, step, order)
    return step


@transaction.atomic
def step_definition_update(
    *, actor: User, step: StepDefinition, expected_version: int | None, **data: Any
) -> StepDefinition:
    """Change a draft step's wording, owner, consulted roles, stage, answer, due rule or position."""
    _check_editor(actor)
    _check_draft(step.playbook)
    unknown = set(data) - set(STEP_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    order = data.pop("order", None)
    step = save_with_version_check(step, changes=data, expected_version=expected_version, actor=actor)  # type: ignore[assignment]
    if order is not None and order != step.order:
        _place(step.playbook, step, order)
    return step


@transaction.atomic
def step_definition_delete(*, actor: User, step: StepDefinition) -> None:
    """Remove a step from a draft and close the gap in the order."""
    _check_editor(actor)
    _check_draft(step.playbook)
    playbook = step.playbook
    step.delete()
    for index, item in enumerate(playbook.steps.order_by("order"), start=1):
        if item.order != index:
            StepDefinition.objects.filter(pk=item.pk).update(order=index)


@transaction.atomic
def playbook_publish(*, actor: User, playbook: PlaybookVersion, notes: str = "") -> PlaybookVersion:
    """Freeze a draft as the current version: new deals start on it, open deals keep theirs until moved."""
    _check_editor(actor)
    _check_draft(playbook)
    steps = list(playbook.steps.all())
    if not steps:
        raise ValidationError(_("A playbook needs at least one step."))
    if not any(s.answer_kind == AnswerKind.SIGNED for s in steps):
        raise ValidationError(_("Keep a step that records the signing: won deals are gated on it."))
    playbook.published_at = timezone.now()
    if notes:
        playbook.notes = notes
    playbook.version += 1
    playbook._history_user = actor  # type: ignore[attr-defined]
    playbook.save(update_fields=["published_at", "notes", "version", "updated_at"])
    return playbook
