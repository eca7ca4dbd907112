"""Writes for the playbook editor: drafts, their steps (wording, owner, consulted roles, stage, answer, due rule,
position) and publishing a draft as the new current version. Each deal's checklist is in presales.deals."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from presales import access
from presales.core.concurrency import save_changes, save_with_version_check
from presales.core.history import attribute_change, delete_with_history, save_with_history
from presales.people.models import User
from presales.playbook.models import AnswerKind, PlaybookVersion, StepDefinition

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
    save_with_history(draft, actor=actor)
    if current is not None:
        bulk_create_with_history(
            [
                StepDefinition(playbook=draft, **{name: getattr(step, name) for name in STEP_FIELDS})
                for step in current.steps.all()
            ],
            StepDefinition,
            default_user=actor,
        )
    return draft


def _renumber(sequence: list[StepDefinition], actor: User) -> None:
    """Number the steps 1..n in this order; each step whose number changes gets a history row naming `actor`."""
    before = {item.pk: item.order for item in sequence}
    offset = 1000
    # First out of the way (orders are unique within a playbook): a technical step, not worth a history row.
    for index, item in enumerate(sequence, start=1):
        StepDefinition.objects.filter(pk=item.pk).update(order=offset + index)
    for index, item in enumerate(sequence, start=1):
        item.order = index
        if before[item.pk] == index:
            StepDefinition.objects.filter(pk=item.pk).update(order=index)
            continue
        attribute_change(item, actor=actor, reason=str(_("Renumbered")))
        item.save(update_fields=["order"])


def _place(draft: PlaybookVersion, step: StepDefinition, order: int, actor: User) -> None:
    """Insert the step at `order` and renumber the others 1..n."""
    others = [s for s in draft.steps.exclude(pk=step.pk).order_by("order")]
    order = max(1, min(order, len(others) + 1))
    _renumber(others[: order - 1] + [step] + others[order - 1 :], actor)
    step.order = order


@transaction.atomic
def step_definition_create(*, actor: User, playbook: PlaybookVersion, **data: Any) -> StepDefinition:
    """Add a step to a draft playbook at the given position."""
    _check_editor(actor)
    _check_draft(playbook)
    order = data.pop("order", None) or playbook.steps.count() + 1
    step = StepDefinition(playbook=playbook, order=10000, **data)
    step.full_clean(exclude=["order"])
    save_with_history(step, actor=actor)
    _place(playbook, step, order, actor)
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
    step = save_with_version_check(step, changes=data, expected_version=expected_version, actor=actor)
    if order is not None and order != step.order:
        _place(step.playbook, step, order, actor)
    return step


@transaction.atomic
def step_definition_delete(*, actor: User, step: StepDefinition) -> None:
    """Remove a step from a draft and close the gap in the order."""
    _check_editor(actor)
    _check_draft(step.playbook)
    playbook = step.playbook
    delete_with_history(step, actor=actor)
    _renumber(list(playbook.steps.order_by("order")), actor)


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
    return save_changes(playbook, {"published_at": timezone.now(), "notes": notes or playbook.notes}, actor=actor)
