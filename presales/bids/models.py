"""Bids (标书) and POCs on opportunities: tenders with their checklists and deviation tables, trials, product gaps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import TextInReaderLanguage, money_field, optional_link
from presales.core.i18n import in_reader_language
from presales.core.models import BaseModel
from presales.core.uploads import stored_name
from presales.deals.models import Competitor
from presales.knowledge.models import KnowledgeItem
from presales.people.models import User


class DealRecordQuerySet(models.QuerySet):
    """Everything here hangs off an opportunity and is visible exactly when the opportunity is."""

    def visible_to(self, user: User) -> models.QuerySet:
        return access.deal_records_visible_to(user, self)


class TenderChildQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> models.QuerySet:
        return self.filter(tender__in=Tender.objects.visible_to(user).values("pk"))


# --- Tenders ------------------------------------------------------------------------------------


class ProcurementMethod(models.TextChoices):
    # The Chinese UI shows the terms of the Government Procurement Law (公开招标, 邀请招标, 竞争性谈判, ...).
    OPEN = "open", _("Open tender")
    INVITED = "invited", _("Invited tender")
    NEGOTIATION = "negotiation", _("Competitive negotiation")
    CONSULTATION = "consultation", _("Competitive consultation")
    INQUIRY = "inquiry", _("Request for quotation")
    SINGLE_SOURCE = "single_source", _("Single source")


class TenderStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    SUBMITTED = "submitted", _("Submitted")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TENDER_STATUSES = (TenderStatus.PREPARING, TenderStatus.SUBMITTED)


class Tender(BaseModel):
    """A tender on an opportunity: its deadlines, bond, checklists, Q&A, deviation tables and result."""

    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="tenders"
    )
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("tender number"), max_length=100, blank=True)
    procurement_method = models.CharField(
        _("procurement method"), max_length=20, choices=ProcurementMethod.choices, default=ProcurementMethod.OPEN
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TenderStatus.choices, default=TenderStatus.PREPARING, db_index=True
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    question_deadline = models.DateTimeField(_("question deadline"), null=True, blank=True)
    submission_deadline = models.DateTimeField(_("submission deadline"), db_index=True)
    opening_at = models.DateTimeField(_("bid opening"), null=True, blank=True)
    bid_bond = models.DecimalField(_("bid bond"), max_digits=14, decimal_places=2, null=True, blank=True)
    # The result, when known.
    rank = models.PositiveSmallIntegerField(_("our rank"), null=True, blank=True)
    technical_score = models.DecimalField(_("technical score"), max_digits=6, decimal_places=2, null=True, blank=True)
    commercial_score = models.DecimalField(_("commercial score"), max_digits=6, decimal_places=2, null=True, blank=True)
    winning_competitor = optional_link(Competitor, _("winning competitor"), related_name="tenders_won")
    winning_price = money_field(_("winning price"), null=True, blank=True)
    result_notes = models.TextField(_("result notes"), blank=True)

    objects = DealRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission_deadline", "pk"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bids:tender_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TENDER_STATUSES

    @property
    def days_left(self) -> int:
        return (timezone.localtime(self.submission_deadline).date() - timezone.localdate()).days

    def clean(self) -> None:
        errors = {}
        if self.question_deadline and self.question_deadline > self.submission_deadline:
            errors["question_deadline"] = _("Questions close before the submission deadline.")
        if self.opening_at and self.opening_at < self.submission_deadline:
            errors["opening_at"] = _("Bids are opened after the submission deadline.")
        if errors:
            raise ValidationError(errors)


class SectionKind(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    COMMERCIAL = "commercial", _("Commercial")
    QUALIFICATION = "qualification", _("Qualification")
    PRICING = "pricing", _("Pricing")


class TenderSection(models.Model):
    """One section of the bid document, with the person who writes it."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("section"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SectionKind.choices, default=SectionKind.TECHNICAL)
    owner = optional_link(User, _("owner"), related_name="+")
    done = models.BooleanField(_("done"), default=False)

    objects = TenderChildQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("bid document section")
        verbose_name_plural = _("bid document sections")

    def __str__(self) -> str:
        return self.name


class TenderQuestion(models.Model):
    """The clarification log (答疑): what we asked or the buyer clarified, and the answer."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    asked_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Named, so deleting a knowledge item can clear it row by row with history (knowledge sits below bids).
    knowledge_item = optional_link(KnowledgeItem, _("from / saved to knowledge"), related_name="tender_questions")

    objects = TenderChildQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")

    def __str__(self) -> str:
        return self.question[:80]


class DeviationTable(models.TextChoices):
    TECHNICAL = "technical", _("Technical deviation table (技术偏离表)")
    COMMERCIAL = "commercial", _("Commercial deviation table (商务偏离表)")


class Compliance(models.TextChoices):
    """How a response meets a requirement: the buyer's 正偏离 / 无偏离 / 负偏离 (better than, as, worse than asked)."""

    OPEN = "open", _("Not answered")
    EXCEEDING = "exceeding", _("Positive deviation")
    COMPLIANT = "compliant", _("No deviation")
    PARTIAL = "partial", _("Partly compliant")
    DEVIATING = "deviating", _("Negative deviation")


# A response that meets the requirement (正偏离 or 无偏离): not a risk for a mandatory (★) row.
MEETS_REQUIREMENT = (Compliance.EXCEEDING, Compliance.COMPLIANT)


class DeviationItem(models.Model):
    """One requirement of the tender and our response to it (a row of 技术偏离表 / 商务偏离表)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="deviations")
    table = models.CharField(_("table"), max_length=20, choices=DeviationTable.choices)
    position = models.PositiveIntegerField(_("No."), default=0)
    clause = models.CharField(_("clause"), max_length=50, blank=True)
    requirement = models.TextField(_("tender requirement"))
    mandatory = models.BooleanField(_("mandatory (★)"), default=False)
    response = models.TextField(_("our response"), blank=True)
    compliance = models.CharField(_("compliance"), max_length=20, choices=Compliance.choices, default=Compliance.OPEN)
    evidence = models.CharField(_("evidence (page / document)"), max_length=300, blank=True)
    owner = optional_link(User, _("owner"), related_name="+")

    objects = TenderChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["table", "position", "pk"]
        verbose_name = _("deviation table row")
        verbose_name_plural = _("deviation table rows")
        indexes = [models.Index(fields=["tender", "table", "position"], name="deviation_tender_table")]

    def __str__(self) -> str:
        return f"{self.position}. {self.requirement[:60]}"


def submission_path(instance: SubmissionItem, filename: str) -> str:
    return stored_name(f"bids/{instance.tender_id}", filename)


class SubmissionItem(models.Model):
    """One thing to have before submitting (bond paid, forms signed, sealed copies): who ticked it, when, proof."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="submission_items")
    name = models.CharField(_("item"), max_length=200)
    owner = optional_link(User, _("owner"), related_name="+")
    done_by = optional_link(User, _("ticked by"), related_name="+")
    done_at = models.DateTimeField(_("ticked"), null=True, blank=True)
    attachment = models.FileField(_("attachment"), upload_to=submission_path, max_length=300, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)

    objects = TenderChildQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("submission checklist item")
        verbose_name_plural = _("submission checklist items")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The item in the reader's language while it is one of the default items, else as typed."""
        return in_reader_language(self.name, DEFAULT_SUBMISSION_ITEMS)

    @property
    def done(self) -> bool:
        return self.done_at is not None


DEFAULT_SUBMISSION_ITEMS = [
    _("Bid bond paid"),
    _("Authorisation letter and forms signed and stamped"),
    _("Sealed original and copies prepared"),
    _("Electronic copy (USB / platform upload) final"),
    _("Price schedule checked against the deviation tables"),
]


# --- POCs ---------------------------------------------------------------------------------------


class TestCase(BaseModel):
    """A reusable test case for trials, with how success is validated; copied into a POC as a criterion (in the
    language of the person who creates the POC). The library is shared by Chinese and English readers: each text
    has an English version, shown to English readers when it is filled in."""

    __test__ = False  # not a pytest class

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    category_en = models.CharField(_("category (English)"), max_length=100, blank=True)
    description = models.TextField(_("what is tested"), blank=True)
    description_en = models.TextField(_("what is tested (English)"), blank=True)
    validation = models.TextField(_("how success is validated"))
    validation_en = models.TextField(_("how success is validated (English)"), blank=True)
    created_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "title", "pk"]
        verbose_name = _("test case")
        verbose_name_plural = _("test cases")

    def __str__(self) -> str:
        return self.title_text

    title_text = TextInReaderLanguage("title")
    category_text = TextInReaderLanguage("category")
    description_text = TextInReaderLanguage("description")
    validation_text = TextInReaderLanguage("validation")


class PocStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class PocOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    PARTLY = "partly", _("Partly passed")
    FAILED = "failed", _("Failed")


class Poc(BaseModel):
    """A proof of concept / trial (样机/试用测试) on a deal: agreed criteria, environment, dates, results, sign-off."""

    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="pocs"
    )
    title = models.CharField(_("title"), max_length=200)
    environment = models.TextField(_("environment"), blank=True)
    equipment = models.TextField(_("equipment or licences"), blank=True)
    people = models.CharField(_("people (ours and the customer's)"), max_length=300, blank=True)
    lead = optional_link(User, _("POC lead"), related_name="+")
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=20, choices=PocStatus.choices, default=PocStatus.PLANNED, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=PocOutcome.choices, default=PocOutcome.PENDING)
    signed_off_by = models.CharField(_("signed off by (customer)"), max_length=100, blank=True)
    signed_off_on = models.DateField(_("signed off on"), null=True, blank=True)
    # The customer link: only a hash of the secret is stored; the link is shown once when it is made.
    share_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    share_expires_at = models.DateTimeField(_("customer link expires"), null=True, blank=True)
    share_revoked_at = models.DateTimeField(_("customer link revoked"), null=True, blank=True)

    objects = DealRecordQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["share_token_hash"])

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("POC")
        verbose_name_plural = _("POCs")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bids:poc_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (PocStatus.PLANNED, PocStatus.RUNNING)

    @property
    def days_left(self) -> int:
        return (self.end_date - timezone.localdate()).days

    @property
    def share_active(self) -> bool:
        return bool(
            self.share_token_hash
            and not self.share_revoked_at
            and self.share_expires_at
            and self.share_expires_at > timezone.now()
        )

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The POC ends after it starts.")})


class CriterionResult(models.TextChoices):
    PENDING = "pending", _("Not tested yet")
    PASSED = "passed", _("Passed")
    PARTLY = "partly", _("Partly passed")
    FAILED = "failed", _("Failed")


class PocCriterion(models.Model):
    """One success criterion agreed with the customer, and its result."""

    poc = models.ForeignKey(Poc, on_delete=models.CASCADE, related_name="criteria")
    test_case = models.ForeignKey(TestCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="uses")
    title = models.CharField(_("criterion"), max_length=200)
    validation = models.TextField(_("how success is validated"), blank=True)
    agreed = models.BooleanField(_("agreed with the customer"), default=True)
    result = models.CharField(
        _("result"), max_length=20, choices=CriterionResult.choices, default=CriterionResult.PENDING
    )
    result_notes = models.TextField(_("result notes"), blank=True)
    tested_on = models.DateField(_("tested on"), null=True, blank=True)

    # Every result stays in the POC's history (shown there with the POC's own changes).
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("success criterion")
        verbose_name_plural = _("success criteria")

    def __str__(self) -> str:
        return self.title


# --- Product gaps -------------------------------------------------------------------------------


class GapSeverity(models.TextChoices):
    DEAL_BREAKER = "deal_breaker", _("Deal-breaker")
    CHALLENGE = "challenge", _("Challenge")
    NICE_TO_HAVE = "nice_to_have", _("Nice to have")


class GapStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("product gap status", "Open")
    PLANNED = "planned", _("On the roadmap")
    WORKAROUND = "workaround", _("Worked around")
    CLOSED = "closed", _("Closed")


class ProductGap(BaseModel):
    """Something a customer needs that the product lacks, on one deal: what product management must see."""

    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="product_gaps"
    )
    title = models.CharField(_("gap"), max_length=200, help_text=_("Use the same wording for the same gap."))
    product = models.CharField(_("product"), max_length=100, blank=True)
    description = models.TextField(_("what the customer needs"), blank=True)
    severity = models.CharField(_("severity"), max_length=20, choices=GapSeverity.choices, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=GapStatus.choices, default=GapStatus.OPEN)
    # Lowercased title: the same gap on many deals groups into one row on the gaps page.
    key = models.CharField(max_length=200, db_index=True, editable=False)
    created_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")

    objects = DealRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["severity", "title", "pk"]
        verbose_name = _("product gap")
        verbose_name_plural = _("product gaps")

    def __str__(self) -> str:
        return self.title
