"""Writes for tenders, POCs and product gaps: every change checks that the person works on the deal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from presales import access
from presales.bids.models import (
    DEFAULT_SUBMISSION_ITEMS,
    MEETS_REQUIREMENT,
    Compliance,
    CriterionResult,
    DeviationItem,
    DeviationTable,
    GapSeverity,
    GapStatus,
    Poc,
    PocCriterion,
    PocOutcome,
    PocStatus,
    ProductGap,
    SubmissionItem,
    Tender,
    TenderQuestion,
    TenderSection,
    TestCase,
)
from presales.bids.spreadsheets import read_deviation_rows
from presales.core.concurrency import save_checked, save_with_version_check
from presales.core.history import attribute_change, delete_with_history, save_with_history
from presales.core.secrets import hash_secret, new_secret
from presales.core.uploads import clean_filename, validate_upload
from presales.knowledge.models import KnowledgeKind
from presales.knowledge.services import knowledge_item_create, knowledge_use_record
from presales.people.models import User

if TYPE_CHECKING:
    from presales.deals.models import Opportunity
    from presales.knowledge.models import KnowledgeItem

# The fields a tender and a POC change through the services (the pages' forms offer the same, in this order).
TENDER_FIELDS = (
    "title",
    "reference",
    "procurement_method",
    "status",
    "published_on",
    "question_deadline",
    "submission_deadline",
    "opening_at",
    "bid_bond",
    "rank",
    "technical_score",
    "commercial_score",
    "winning_competitor",
    "winning_price",
    "result_notes",
)
POC_FIELDS = (
    "title",
    "lead",
    "start_date",
    "end_date",
    "status",
    "outcome",
    "environment",
    "equipment",
    "people",
    "signed_off_by",
    "signed_off_on",
)


def _require_deal_work(actor: User, opportunity: Opportunity) -> None:
    if not access.can_work_on_deal(actor, opportunity):
        raise PermissionDenied


def _check_fields(fields: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


# --- Tenders ------------------------------------------------------------------------------------


@transaction.atomic
def tender_create(
    *, actor: User, opportunity: Opportunity, with_default_checklist: bool = True, **fields: Any
) -> Tender:
    """Open a tender on a deal, with the usual submission checklist to start from."""
    _require_deal_work(actor, opportunity)
    _check_fields(fields, TENDER_FIELDS)
    tender = Tender(opportunity=opportunity, **fields)
    save_checked(tender, actor=actor)
    if with_default_checklist:
        bulk_create_with_history(
            [SubmissionItem(tender=tender, name=str(name)) for name in DEFAULT_SUBMISSION_ITEMS],
            SubmissionItem,
            default_user=actor,
        )
    return tender


@transaction.atomic
def tender_update(*, actor: User, tender: Tender, expected_version: int | None, **changes: Any) -> Tender:
    """Change a tender's dates, status or result, refusing a stale edit."""
    _require_deal_work(actor, tender.opportunity)
    _check_fields(changes, TENDER_FIELDS)
    return cast(
        Tender, save_with_version_check(tender, changes=changes, expected_version=expected_version, actor=actor)
    )


@transaction.atomic
def tender_section_add(*, actor: User, tender: Tender, name: str, kind: str, owner: User | None) -> TenderSection:
    """Add a section of the bid document with the person who writes it."""
    _require_deal_work(actor, tender.opportunity)
    return save_checked(TenderSection(tender=tender, name=name, kind=kind, owner=owner), actor=actor)


@transaction.atomic
def tender_section_toggle(*, actor: User, section: TenderSection) -> TenderSection:
    """Mark a section done (or not): its owner or anybody on the deal team."""
    if section.owner_id != actor.pk:
        _require_deal_work(actor, section.tender.opportunity)
    section.done = not section.done
    attribute_change(section, actor=actor)
    section.save(update_fields=["done"])
    return section


@transaction.atomic
def tender_question_add(
    *, actor: User, tender: Tender, question: str, answer: str = "", knowledge_item: KnowledgeItem | None = None
) -> TenderQuestion:
    """Log a clarification (答疑); an answer may be copied from the knowledge base."""
    _require_deal_work(actor, tender.opportunity)
    if knowledge_item is not None and not answer:
        answer = knowledge_item.body or knowledge_item.summary
    entry = TenderQuestion(
        tender=tender,
        question=question,
        answer=answer,
        asked_by=actor,
        knowledge_item=knowledge_item,
        answered_at=timezone.now() if answer else None,
    )
    save_checked(entry, actor=actor)
    if knowledge_item is not None:
        knowledge_use_record(actor=actor, item=knowledge_item, opportunity=tender.opportunity, note=_("Tender Q&A"))
    return entry


@transaction.atomic
def tender_question_answer(*, actor: User, entry: TenderQuestion, answer: str) -> TenderQuestion:
    """Record the answer to a clarification."""
    _require_deal_work(actor, entry.tender.opportunity)
    entry.answer = answer
    entry.answered_at = timezone.now() if answer.strip() else None
    attribute_change(entry, actor=actor)
    entry.save(update_fields=["answer", "answered_at"])
    return entry


@transaction.atomic
def tender_question_save_to_knowledge(*, actor: User, entry: TenderQuestion) -> KnowledgeItem:
    """Keep a good answer for the next tender: it becomes an "answer to a common question" item."""

    _require_deal_work(actor, entry.tender.opportunity)
    if not entry.answer.strip():
        raise ValidationError(_("Write the answer before saving it to the knowledge base."))
    industry = entry.tender.opportunity.account.industry
    item = knowledge_item_create(
        actor=actor,
        kind=KnowledgeKind.ANSWER,
        title=entry.question[:200],
        body=entry.answer,
        tags=_("tender Q&A"),
        industries=[industry],
    )
    entry.knowledge_item = item
    attribute_change(entry, actor=actor)
    entry.save(update_fields=["knowledge_item"])
    return item


DEVIATION_FIELDS = {"position", "clause", "requirement", "mandatory", "response", "compliance", "evidence", "owner"}


@transaction.atomic
def deviation_add(*, actor: User, tender: Tender, table: str, **fields: Any) -> DeviationItem:
    """Add a requirement row to the technical or commercial deviation table."""
    _require_deal_work(actor, tender.opportunity)
    _check_fields(fields, DEVIATION_FIELDS)
    if not fields.get("position"):
        last = tender.deviations.filter(table=table).order_by("-position").values_list("position", flat=True).first()
        fields["position"] = (last or 0) + 1
    return save_checked(DeviationItem(tender=tender, table=table, **fields), actor=actor)


@transaction.atomic
def deviation_update(*, actor: User, row: DeviationItem, **changes: Any) -> DeviationItem:
    """Answer a requirement: response, compliance, evidence, owner."""
    _require_deal_work(actor, row.tender.opportunity)
    _check_fields(changes, DEVIATION_FIELDS)
    for name, value in changes.items():
        setattr(row, name, value)
    row.full_clean()
    attribute_change(row, actor=actor)
    row.save(update_fields=list(changes))
    return row


@transaction.atomic
def deviation_delete(*, actor: User, row: DeviationItem) -> None:
    """Remove a requirement row (its history keeps who removed it)."""
    _require_deal_work(actor, row.tender.opportunity)
    delete_with_history(row, actor=actor)


def _people_by_name(names: set[str]) -> dict[str, User]:
    """Active people by display name or user name (case-insensitive), in one query; a name two people share is left
    out rather than guessed."""
    if not names:
        return {}
    found: dict[str, User | None] = {}
    people = User.objects.active().filter(Q(display_name__in=names) | Q(username__in=names))
    for person in people:
        for key in {person.display_name.casefold(), person.username.casefold()} - {""}:
            found[key] = None if key in found and found[key] != person else person
    return {key: person for key, person in found.items() if person is not None}


@transaction.atomic
def deviation_import(*, actor: User, tender: Tender, table: str, upload: Any) -> int:
    """Append the rows of a spreadsheet (the tender's requirement list) to a deviation table."""

    _require_deal_work(actor, tender.opportunity)
    if table not in DeviationTable.values:
        raise ValidationError(_("Unknown deviation table."))
    validate_upload(upload)
    rows = read_deviation_rows(upload)
    owners = _people_by_name({row["owner_name"] for row in rows} - {""})
    last = tender.deviations.filter(table=table).order_by("-position").values_list("position", flat=True).first() or 0
    items = []
    for offset, row in enumerate(rows, start=1):
        owner = owners.get(row.pop("owner_name").casefold())
        item = DeviationItem(tender=tender, table=table, position=last + offset, owner=owner, **row)
        item.full_clean(exclude=["tender"])
        items.append(item)
    # One history row per imported row, naming the importer, in the same bulk insert.
    bulk_create_with_history(items, DeviationItem, default_user=actor)
    return len(items)


@transaction.atomic
def submission_item_add(*, actor: User, tender: Tender, name: str, owner: User | None = None) -> SubmissionItem:
    """Add something to have ready before submitting."""
    _require_deal_work(actor, tender.opportunity)
    return save_checked(SubmissionItem(tender=tender, name=name, owner=owner), actor=actor)


@transaction.atomic
def submission_item_tick(*, actor: User, item: SubmissionItem, upload: Any = None) -> SubmissionItem:
    """Tick an item: who and when are recorded, with the proof (receipt, scan) when given."""
    if item.owner_id != actor.pk:
        _require_deal_work(actor, item.tender.opportunity)
    if upload is not None:
        item.attachment_type = validate_upload(upload)
        item.attachment_name = clean_filename(upload.name)
        if item.attachment:
            item.attachment.delete(save=False)
        item.attachment.save(upload.name, upload, save=False)
    item.done_by = actor
    item.done_at = timezone.now()
    save_with_history(item, actor=actor)
    return item


@transaction.atomic
def submission_item_untick(*, actor: User, item: SubmissionItem) -> SubmissionItem:
    """Undo a tick (the file stays until it is replaced)."""
    if item.owner_id != actor.pk:
        _require_deal_work(actor, item.tender.opportunity)
    item.done_by = None
    item.done_at = None
    attribute_change(item, actor=actor)
    item.save(update_fields=["done_by", "done_at"])
    return item


# --- POCs ---------------------------------------------------------------------------------------


@transaction.atomic
def test_case_create(
    *, actor: User, title: str, validation: str, category: str = "", description: str = "", **english: str
) -> TestCase:
    """Add a reusable test case to the library (presales people and admins); `english`: the English versions
    (title_en, category_en, description_en, validation_en)."""
    if not access.can_log_activity(actor):
        raise PermissionDenied
    unknown = set(english) - {"title_en", "category_en", "description_en", "validation_en"}
    if unknown:
        raise ValueError(f"Not a test case field: {', '.join(sorted(unknown))}")
    return save_checked(
        TestCase(
            title=title, validation=validation, category=category, description=description, created_by=actor, **english
        ),
        actor=actor,
    )


test_case_create.__test__ = False  # type: ignore[attr-defined]


@transaction.atomic
def poc_create(*, actor: User, opportunity: Opportunity, test_cases: Any = (), **fields: Any) -> Poc:
    """Plan a POC on a deal, copying chosen library test cases in as success criteria."""
    _require_deal_work(actor, opportunity)
    _check_fields(fields, POC_FIELDS)
    poc = Poc(opportunity=opportunity, **fields)
    save_checked(poc, actor=actor)
    for case in test_cases:
        # In the language of the person creating the POC (the library has both).
        criterion = PocCriterion(poc=poc, test_case=case, title=case.title_text, validation=case.validation_text)
        save_with_history(criterion, actor=actor)
    return poc


@transaction.atomic
def poc_update(*, actor: User, poc: Poc, expected_version: int | None, **changes: Any) -> Poc:
    """Change a POC's plan, status, outcome or sign-off, refusing a stale edit."""
    _require_deal_work(actor, poc.opportunity)
    _check_fields(changes, POC_FIELDS)
    return cast(Poc, save_with_version_check(poc, changes=changes, expected_version=expected_version, actor=actor))


@transaction.atomic
def poc_criterion_add(
    *, actor: User, poc: Poc, test_case: TestCase | None = None, title: str = "", validation: str = ""
) -> PocCriterion:
    """Add a success criterion, from the library or typed in."""
    _require_deal_work(actor, poc.opportunity)
    if test_case is not None:
        title = title or test_case.title_text
        validation = validation or test_case.validation_text
    criterion = PocCriterion(poc=poc, test_case=test_case, title=title, validation=validation)
    save_checked(criterion, actor=actor)
    _poc_follow_results(actor, poc)
    return criterion


@transaction.atomic
def poc_criterion_record(
    *, actor: User, criterion: PocCriterion, result: str, notes: str = "", agreed: bool | None = None
) -> PocCriterion:
    """Record the result of one criterion."""
    _require_deal_work(actor, criterion.poc.opportunity)
    if result not in CriterionResult.values:
        raise ValidationError({"result": _("Choose a result.")})
    criterion.result = result
    criterion.result_notes = notes
    criterion.tested_on = timezone.localdate() if result != CriterionResult.PENDING else None
    fields = ["result", "result_notes", "tested_on"]
    if agreed is not None:
        criterion.agreed = agreed
        fields.append("agreed")
    attribute_change(criterion, actor=actor)
    criterion.save(update_fields=fields)
    _poc_follow_results(actor, criterion.poc)
    return criterion


def poc_outcome_from_results(results: list[str]) -> str:
    """The POC's outcome from its agreed criteria's results: pending until each has a result, then passed when all
    passed, failed when all failed, partly passed otherwise."""
    if not results or CriterionResult.PENDING in results:
        return PocOutcome.PENDING
    if all(r == CriterionResult.PASSED for r in results):
        return PocOutcome.PASSED
    if all(r == CriterionResult.FAILED for r in results):
        return PocOutcome.FAILED
    return PocOutcome.PARTLY


def _poc_follow_results(actor: User, poc: Poc) -> None:
    """A POC's status and outcome follow its results: running once a result is in, completed with its outcome once
    every agreed criterion has one (and back to running if one is reset); a cancelled POC stays cancelled."""
    poc = Poc.objects.get(pk=poc.pk)
    if poc.status == PocStatus.CANCELLED:
        return
    results = list(poc.criteria.filter(agreed=True).values_list("result", flat=True))
    outcome = poc_outcome_from_results(results)
    status: str
    if outcome != PocOutcome.PENDING:
        status = PocStatus.COMPLETED
    elif any(r != CriterionResult.PENDING for r in results):
        status = PocStatus.RUNNING
    else:
        status = PocStatus.RUNNING if poc.status == PocStatus.COMPLETED else poc.status
    changes = {name: value for name, value in (("status", status), ("outcome", outcome)) if getattr(poc, name) != value}
    if changes:
        save_with_version_check(poc, changes=changes, expected_version=None, actor=actor, reason="results")


@transaction.atomic
def poc_share_create(*, actor: User, poc: Poc, days: int = 14) -> str:
    """Make a new secret customer link (replacing any earlier one); returns the token, which is not stored."""
    _require_deal_work(actor, poc.opportunity)
    if not 1 <= days <= 90:
        raise ValidationError(_("A customer link lasts between 1 and 90 days."))
    token = new_secret()
    poc.share_token_hash = hash_secret(token)
    poc.share_expires_at = timezone.now() + datetime.timedelta(days=days)
    poc.share_revoked_at = None
    # A save, not .update(): the POC's history records who made the link and until when (the hash is not kept).
    attribute_change(poc, actor=actor, reason=_("Customer link created"))
    poc.save(update_fields=["share_token_hash", "share_expires_at", "share_revoked_at"])
    return token


@transaction.atomic
def poc_share_revoke(*, actor: User, poc: Poc) -> None:
    """Turn the customer link off at once."""
    _require_deal_work(actor, poc.opportunity)
    poc.share_revoked_at = timezone.now()
    attribute_change(poc, actor=actor, reason=_("Customer link revoked"))
    poc.save(update_fields=["share_revoked_at"])


def poc_for_share_token(token: str) -> Poc | None:
    """The POC behind a customer link, if the link is live (not expired, not revoked)."""
    if not token or len(token) > 100:
        return None
    poc = Poc.objects.filter(share_token_hash=hash_secret(token)).first()
    if poc is None or not poc.share_active:
        return None
    return poc


# --- Product gaps -------------------------------------------------------------------------------


@transaction.atomic
def product_gap_create(
    *, actor: User, opportunity: Opportunity, title: str, severity: str, product: str = "", description: str = ""
) -> ProductGap:
    """Record what a customer needs that the product lacks, on one deal."""
    _require_deal_work(actor, opportunity)
    if severity not in GapSeverity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    gap = ProductGap(
        opportunity=opportunity,
        title=title.strip(),
        severity=severity,
        product=product,
        description=description,
        key=" ".join(title.lower().split()),
        created_by=actor,
    )
    save_checked(gap, actor=actor)
    return gap


@transaction.atomic
def product_gap_set_status(*, actor: User, gap: ProductGap, status: str) -> ProductGap:
    """Move a gap on (roadmap, worked around, closed)."""
    _require_deal_work(actor, gap.opportunity)
    if status not in GapStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    return cast(
        ProductGap, save_with_version_check(gap, changes={"status": status}, expected_version=None, actor=actor)
    )


def compliance_summary(tender: Tender) -> dict[str, dict[str, int]]:
    """Per table: rows, open, deviating, and mandatory (★) rows not fully compliant."""
    from django.db.models import Count, Q

    rows = (
        tender.deviations.values("table")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(compliance=Compliance.OPEN)),
            deviating=Count("pk", filter=Q(compliance__in=[Compliance.DEVIATING, Compliance.PARTIAL])),
            mandatory_at_risk=Count("pk", filter=Q(mandatory=True) & ~Q(compliance__in=MEETS_REQUIREMENT)),
        )
        .order_by("table")
    )
    return {row["table"]: row for row in rows}
