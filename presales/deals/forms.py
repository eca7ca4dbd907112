"""Forms for opportunities, their deal team, competitors and outcome, and for working a checklist step (status,
hand-over) or moving a deal to another playbook version. The answer forms are in answer_forms.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DATE_INPUT, ServiceFormMixin, VersionedModelForm, editable_fields
from presales.core.pickers import PickerSelect, PickerSelectMultiple
from presales.customers.models import Account
from presales.deals.models import (
    Competitor,
    ConflictResolution,
    DealRole,
    DealStep,
    Opportunity,
    Outcome,
    OutcomeReason,
    ReasonAppliesTo,
    StepStatus,
)
from presales.deals.services.opportunities import OPPORTUNITY_FIELDS
from presales.people.models import PRESALES_ROLES, SALES_ROLES, Role, User
from presales.playbook.models import PlaybookVersion, Stage


def _people(roles: set[str], current: User | None) -> Any:
    """Active people in the given roles; the current holder stays choosable even if their role changed."""
    queryset = User.objects.filter(is_active=True, role__in=roles)
    if current is not None:
        queryset = User.objects.filter(pk=current.pk) | queryset
    return queryset.distinct().order_by("display_name", "username")


class OpportunityForm(VersionedModelForm):
    """Create or edit a deal; `competitors` only appears when creating."""

    competitors = forms.ModelMultipleChoiceField(
        label=_("Competitors"),
        queryset=Competitor.objects.all(),
        required=False,
        help_text=_("Who else is in this deal. Add notes for each on the deal page."),
        widget=PickerSelectMultiple("deals:competitor_pick"),
    )

    wide_fields = ("account", "name", "competitors", "description")
    # The competitors (asked when creating) come before the description.
    field_order = [*editable_fields(OPPORTUNITY_FIELDS, leave_out=("external_id", "description")), "competitors"]

    class Meta:
        model = Opportunity
        fields = editable_fields(OPPORTUNITY_FIELDS)
        widgets = {
            "expected_close_date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            # A person may see thousands of accounts: type to find one, their own first.
            "account": PickerSelect("customers:account_pick"),
        }

    def clean_discount_percent(self) -> Decimal:
        # Left empty (or not sent, by an older form): the deal keeps its discount, none on a new deal.
        value = self.cleaned_data.get("discount_percent")
        if value is None:
            return self.instance.discount_percent if self.instance.pk else Decimal("0")
        return Decimal(value)

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        cast(forms.ModelChoiceField, self.fields["account"]).queryset = Account.objects.visible_to(user).order_by(
            "name"
        )
        cast(forms.ModelChoiceField, self.fields["stage"]).queryset = Stage.objects.order_by("number")
        sales_roles: set[str] = {*SALES_ROLES, Role.ADMIN}
        cast(forms.ModelChoiceField, self.fields["sales_owner"]).queryset = _people(
            sales_roles, None if creating else self.instance.sales_owner
        )
        cast(forms.ModelChoiceField, self.fields["presales_lead"]).queryset = _people(
            set(PRESALES_ROLES), None if creating else self.instance.presales_lead
        )
        self.fields["presales_lead"].help_text = _("The presales engineer responsible for this deal.")
        if creating:
            # Left empty, the probability follows the stage's default.
            self.fields["probability"].required = False
            self.fields["probability"].help_text = _("Leave empty to use the stage's usual probability.")
            self.fields["stage"].initial = (
                Stage.objects.filter(is_after_sale=False, number__gte=2).order_by("number").first()
            )
            self.fields["sales_owner"].initial = user.pk
        else:
            self.fields.pop("competitors")
            # Moving the deal past open steps asks for a reason (the stage gate); empty unless the gate asks.
            self.fields["stage_reason"] = forms.CharField(
                label=_("Why move on with open steps"),
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Only when the new stage passes steps still open. Kept in the deal's history."),
            )


class StageForm(forms.Form):
    """Move a deal to another stage (the board's cards and the deal page)."""

    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.order_by("number"), empty_label=None)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Why move on with these steps open"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the deal's history."),
    )

    def show_stages(self, stages: list[Stage]) -> StageForm:
        """Offer these (already read) stages, so that showing the form reads them no second time."""
        field = cast(forms.ModelChoiceField, self.fields["stage"])
        field.choices = [(stage.pk, field.label_from_instance(stage)) for stage in stages]
        return self


class CloseForm(ServiceFormMixin, forms.Form):
    """Record the result of a deal: the reason from the managed list (grouped by the result it is offered for), and
    any details; lost and abandoned deals need a reason."""

    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=[(value, label) for value, label in Outcome.choices if value != Outcome.OPEN],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    details = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened: the price gap, who decided, what the customer said."),
    )
    closed_on = forms.DateField(label=_("Closed on"), required=False, widget=DATE_INPUT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The service's `reason` is the free text; the reason from the managed list is its `win_loss_reason`.
    service_names = {"reason": "win_loss_reason", "details": "reason"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.reasons = {reason.pk: reason for reason in OutcomeReason.objects.active()}
        groups: dict[str, list[tuple[int, str]]] = {value: [] for value in ReasonAppliesTo.values}
        for reason in self.reasons.values():
            groups[reason.applies_to].append((reason.pk, str(reason)))
        labels = dict(ReasonAppliesTo.choices)
        cast(forms.ChoiceField, self.fields["reason"]).choices = [
            ("", "—"),
            *((labels[value], options) for value, options in groups.items() if options),
        ]

    def clean_reason(self) -> OutcomeReason | None:
        value = self.cleaned_data.get("reason")
        return self.reasons.get(int(value)) if value else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome, reason = cleaned.get("outcome"), cleaned.get("reason")
        if outcome in (Outcome.LOST, Outcome.ABANDONED) and reason is None:
            self.add_error("reason", _("Say why the deal was lost or abandoned."))
        elif reason is not None and outcome and not reason.offered_for(outcome):
            self.add_error("reason", _("Choose one of the reasons offered for this result."))
        return cleaned


class DealMemberForm(ServiceFormMixin, forms.Form):
    """Put somebody on the deal team."""

    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True).order_by("display_name", "username"),
        widget=PickerSelect("people:person_pick"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=DealRole.choices)


class DealCompetitorForm(ServiceFormMixin, forms.Form):
    """Record a competitor in this deal (adding one that is already there updates its notes)."""

    competitor = forms.ModelChoiceField(
        label=_("Competitor"), queryset=Competitor.objects.all(), widget=PickerSelect("deals:competitor_pick")
    )
    notes = forms.CharField(
        label=_("Their position in this deal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_ahead = forms.BooleanField(label=_("Ahead of us"), required=False)


class DealConflictForm(ServiceFormMixin, forms.Form):
    """How a manager settles 撞单, and why (recorded on the conflict and in the deals' history)."""

    resolution = forms.ChoiceField(label=_("Resolution"), choices=ConflictResolution.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class CompetitorForm(VersionedModelForm):
    """A shared competitor profile."""

    wide_fields = ("aliases", "website", "strengths", "weaknesses")

    class Meta:
        model = Competitor
        fields = ["name", "name_en", "aliases", "threat_level", "website", "strengths", "weaknesses"]
        widgets = {"strengths": forms.Textarea(attrs={"rows": 4}), "weaknesses": forms.Textarea(attrs={"rows": 4})}


class OutcomeReasonForm(VersionedModelForm):
    """One win/loss reason of the managed list: both names, the result it is offered for, its place, in use."""

    class Meta:
        model = OutcomeReason
        fields = ["name", "name_en", "applies_to", "order", "is_active"]


# --- The checklist ---------------------------------------------------------------------------------------------


class StepStatusForm(ServiceFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in StepStatus.choices if v != StepStatus.DONE],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if data.get("status") in (StepStatus.SKIPPED, StepStatus.BLOCKED) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the step is skipped or blocked."))
        return data


class ReassignForm(ServiceFormMixin, forms.Form):
    responsible = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service_names = {"responsible": "user"}

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = User.objects.active().order_by(
            "display_name", "username"
        )
        self.fields["responsible"].initial = step.responsible_id
        self.fields["version"].initial = step.version


class DealMoveForm(forms.Form):
    playbook: forms.ModelChoiceField[PlaybookVersion] = forms.ModelChoiceField(
        label=_("Playbook version"), queryset=None
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["playbook"]).queryset = PlaybookVersion.objects.published()
