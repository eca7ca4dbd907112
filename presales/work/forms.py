"""Forms for presales work: the quick activity log, the support request, and the triage decisions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DATE_INPUT, VersionedModelForm
from presales.core.pickers import PickerSelect, PickerSelectMultiple
from presales.customers.models import Account
from presales.deals.models import Opportunity
from presales.people.models import PRESALES_ROLES, Skill, User
from presales.work.models import Activity, RequestStatus, SupportRequest


def presales_people() -> Any:
    return User.objects.filter(is_active=True, role__in=PRESALES_ROLES).order_by("display_name", "username")


class ActivityForm(VersionedModelForm):
    """The quick log: type, date, hours and deal up front; the rest is optional."""

    step_key = forms.ChoiceField(label=_("Step served"), required=False)

    class Meta:
        model = Activity
        fields = [
            "kind",
            "opportunity",
            "date",
            "hours",
            "status",
            "step_key",
            "participants",
            "outcome",
            "account",
            "win_rate_answer",
            "expected_uplift",
        ]
        widgets = {
            "date": DATE_INPUT,
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "inputmode": "decimal"}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "win_rate_answer": forms.Textarea(attrs={"rows": 2}),
            # Type-ahead pickers: a person may see hundreds of deals and accounts.
            "opportunity": PickerSelect("deals:pick", query="open=1"),
            "account": PickerSelect("customers:account_pick"),
            "participants": PickerSelectMultiple("people:person_pick", query="role=presales"),
        }

    def __init__(self, *args: Any, user: User, step_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["opportunity"]).queryset = (
            Opportunity.objects.visible_to(user).open().select_related("account")
        )
        cast(forms.ModelChoiceField, self.fields["account"]).queryset = Account.objects.visible_to(user)
        self.fields["account"].required = False
        self.fields["account"].help_text = _("Only when the work was not for an opportunity.")
        cast(forms.ModelChoiceField, self.fields["participants"]).queryset = presales_people()
        cast(forms.ChoiceField, self.fields["step_key"]).choices = [("", "—"), *step_choices]

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if not data.get("opportunity") and not data.get("account"):
            self.add_error("opportunity", _("Choose the opportunity or the account the work was for."))
        return data


class SupportRequestForm(forms.ModelForm):
    """What sales asks for, by when, how much effort, and how it raises the win rate."""

    class Meta:
        model = SupportRequest
        fields = [
            "opportunity",
            "kind",
            "description",
            "needed_by",
            "estimate_hours",
            "skills",
            "win_rate_answer",
            "expected_uplift",
        ]
        widgets = {
            "needed_by": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
            "win_rate_answer": forms.Textarea(attrs={"rows": 2}),
            "estimate_hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "inputmode": "decimal"}),
            "opportunity": PickerSelect("deals:pick", query="open=1"),
            "skills": PickerSelectMultiple("people:skill_pick"),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["opportunity"]).queryset = (
            Opportunity.objects.visible_to(user).open().select_related("account")
        )
        cast(forms.ModelChoiceField, self.fields["skills"]).queryset = Skill.objects.all()
        self.fields["skills"].required = False
        self.fields["expected_uplift"].required = True


class TriageForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assignee = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = presales_people()


class DecisionForm(forms.Form):
    DECISIONS = [
        (RequestStatus.ACCEPTED, RequestStatus.ACCEPTED.label),
        (RequestStatus.ACCEPTED_WITH_PLAN, RequestStatus.ACCEPTED_WITH_PLAN.label),
        (RequestStatus.DECLINED, RequestStatus.DECLINED.label),
    ]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    assignee = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none(), required=False)
    decision_reason = forms.CharField(
        label=_("Reason (the requester reads it)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    plan = forms.CharField(
        label=_("Plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For “accept with a plan”: which work moves, who helps."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = presales_people()


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision_reason = forms.CharField(label=_("Why cancel"), widget=forms.Textarea(attrs={"rows": 2}))
