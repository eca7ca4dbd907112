"""Approvals (审批): configurable flows for the decisions the process puts before a step, the requests made on deals,
each approver's decision with its comment, and delegation while an approver is away.

A flow names the playbook step it holds (by the step's key, stable across playbook versions), the deals it applies to
(amount, industries, discount) and its approvers in order, each by role or by person, decided in sequence or in
parallel. A request snapshots the deal's figures and resolves each approver to one person (`ApprovalTask`); the step
waits (playbook.gates) until the request for it is approved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.fields import choice_labels, money_field, optional_link, unknown_choices
from presales.core.models import BaseModel
from presales.customers.models import Industry
from presales.people.models import Role, User


class ApprovalKind(models.TextChoices):
    """The decisions the article puts in the process, each holding one step by default."""

    GO_NO_GO = "go_no_go", _("Go / no-go")
    QUOTE = "quote", _("Final quote and discount")
    BID = "bid", _("Bid submission")
    POC = "poc", _("POC resources")
    RISK = "risk", _("Project risk review")


# The playbook step each kind holds unless the flow names another (docs/domain.md, The 24-step playbook).
DEFAULT_STEP_KEYS: dict[str, str] = {
    ApprovalKind.GO_NO_GO: "go_no_go",  # step 5: 公司内部讨论是否值得继续投入及投入力度
    ApprovalKind.QUOTE: "final_quote",  # step 15: 最终报价
    ApprovalKind.BID: "final_list",  # step 16: the bid is submitted before the final purchase list is known
    ApprovalKind.POC: "poc",  # step 11: 提供样机或试用软件测试
    ApprovalKind.RISK: "risk_assessment",  # step 19: 公司内部评估项目风险
}


class ApprovalMode(models.TextChoices):
    SEQUENCE = "sequence", _("In sequence: one after another")
    PARALLEL = "parallel", _("In parallel: all at once")


class ApprovalFlowQuerySet(models.QuerySet["ApprovalFlow"]):
    def active(self) -> ApprovalFlowQuerySet:
        return self.filter(is_active=True)


class ApprovalFlow(BaseModel):
    """How one kind of decision is approved: the step it holds, the deals it applies to, and its approvers."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("decision"), max_length=20, choices=ApprovalKind.choices)
    step_key = models.SlugField(
        _("step held"),
        max_length=50,
        help_text=_("The playbook step that waits for this approval (its key, the same in every playbook version)."),
    )
    mode = models.CharField(_("approvers decide"), max_length=10, choices=ApprovalMode.choices)
    min_amount = money_field(
        _("from amount"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the company currency; empty: deals of any amount."),
    )
    industries = models.JSONField(
        _("industries"), default=list, blank=True, help_text=_("Empty: deals in every industry.")
    )
    min_discount_percent = models.DecimalField(
        _("discount above (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Applies only when the deal's discount is above this; empty: whatever the discount."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ApprovalFlowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("approvals:flow_edit", args=[self.pk])

    def industry_labels(self) -> list[str]:
        return choice_labels(Industry, self.industries)

    def clean(self) -> None:
        if unknown := unknown_choices(Industry, self.industries):
            raise ValidationError({"industries": _("Unknown industry: %(values)s") % {"values": unknown}})


class ApprovalFlowApprover(BaseModel):
    """One approver of a flow, by role or by person, in the flow's order."""

    flow = models.ForeignKey(ApprovalFlow, on_delete=models.CASCADE, related_name="approvers")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    user = optional_link(User, _("person"), on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["flow", "order", "pk"]
        verbose_name = _("flow approver")
        verbose_name_plural = _("flow approvers")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=True) & ~models.Q(role=""))
                | (models.Q(user__isnull=False) & models.Q(role="")),
                name="approver_role_or_person",
            )
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else str(self.get_role_display())

    def clean(self) -> None:
        if bool(self.role) == bool(self.user_id):
            raise ValidationError(_("Choose a role or a person, not both."))


class ApprovalDelegation(BaseModel):
    """While an approver is away (from `starts_on` to `ends_on`, both included), the delegate decides for them."""

    approver = models.ForeignKey(
        User,
        verbose_name=_("approver"),
        on_delete=models.CASCADE,
        related_name="approval_delegations_given",
    )
    delegate = models.ForeignKey(
        User,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="approval_delegations_received",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("approval delegation")
        verbose_name_plural = _("approval delegations")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="delegation_dates"),
            models.CheckConstraint(condition=~models.Q(approver=models.F("delegate")), name="delegation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.approver} → {self.delegate}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TaskStatus(models.TextChoices):
    QUEUED = "queued", _("Not yet its turn")
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("No longer needed")


class ApprovalRequest(BaseModel):
    """One deal's request to pass a flow's decision, with the figures it was asked on and its outcome."""

    flow = models.ForeignKey(ApprovalFlow, verbose_name=_("flow"), on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(_("decision"), max_length=20, choices=ApprovalKind.choices)
    step_key = models.SlugField(_("step held"), max_length=50)
    opportunity = models.ForeignKey(
        "deals.Opportunity", verbose_name=_("deal"), on_delete=models.CASCADE, related_name="approval_requests"
    )
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="approval_requests_made",
    )
    comment = models.TextField(_("comment"), blank=True)
    # What was asked: the deal's figures when the request was made (the decision covers these).
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        indexes = [models.Index(fields=["opportunity", "step_key", "status"], name="approval_deal_step_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.opportunity}"

    def get_absolute_url(self) -> str:
        return reverse("approvals:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    def covers_discount(self, discount_percent: Decimal) -> bool:
        """An approval granted at one discount covers any discount up to it, not a deeper one."""
        return discount_percent <= self.discount_percent


class ApprovalTask(BaseModel):
    """One approver's part of a request: who (resolved from the flow's role or person), their turn, their decision."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    approver = models.ForeignKey(
        User, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="approval_tasks"
    )
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, db_index=True)
    decided_by = optional_link(User, _("decided by"), on_delete=models.PROTECT, related_name="approval_decisions")
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "order", "pk"]
        verbose_name = _("approval task")
        verbose_name_plural = _("approval tasks")

    def __str__(self) -> str:
        return f"{self.order}. {self.approver}"

    @property
    def decided_as_delegate(self) -> bool:
        return self.decided_by_id is not None and self.decided_by_id != self.approver_id
