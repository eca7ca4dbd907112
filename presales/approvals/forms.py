"""Forms for flows (with their approvers), delegations, requesting and deciding an approval."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.approvals.models import ApprovalFlow
from presales.approvals.services import FLOW_FIELDS, ApproverSpec
from presales.core.forms import DATE_INPUT, ServiceFormMixin, VersionedModelForm, optional_choices
from presales.core.pickers import PickerSelect
from presales.customers.models import Industry
from presales.people.models import Role, User
from presales.playbook.models import PlaybookVersion


def _active_people() -> Any:
    return User.objects.filter(is_active=True).order_by("display_name", "username")


def step_choices() -> list[tuple[str, Any]]:
    """The steps of the current playbook, by key (a flow holds the step with that key in every version)."""
    version = PlaybookVersion.objects.current()
    steps = version.steps.order_by("order") if version is not None else []
    return [("", _("The step its decision holds"))] + [(step.key, str(step)) for step in steps]


class FlowForm(VersionedModelForm):
    """A flow's name, decision, step held, conditions and how its approvers decide."""

    industries = optional_choices(_("Industries"), Industry.choices, _("None ticked: deals in every industry."))
    step_key = forms.ChoiceField(label=_("Step held"), required=False)

    wide_fields = ("name", "industries")

    class Meta:
        model = ApprovalFlow
        fields = list(FLOW_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = step_choices()
        current = self.instance.step_key if self.instance.pk else ""
        if current and current not in dict(choices):
            choices.append((current, current))
        cast(forms.ChoiceField, self.fields["step_key"]).choices = choices
        self.fields["step_key"].help_text = _("The playbook step that waits for the approval.")


class ApproverRowForm(forms.Form):
    """One approver: a role (the nearest person of that role over the deal) or a named person."""

    role = forms.ChoiceField(label=_("Role"), required=False)
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, widget=PickerSelect("people:person_pick")
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", "—"), *Role.choices]
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = _active_people()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") and data.get("user"):
            raise forms.ValidationError(_("Choose a role or a person, not both."))
        return data

    def spec(self) -> ApproverSpec | None:
        data = getattr(self, "cleaned_data", {}) or {}
        if data.get("user"):
            return ApproverSpec(user=data["user"])
        if data.get("role"):
            return ApproverSpec(role=data["role"])
        return None


ApproverFormSet = forms.formset_factory(ApproverRowForm, extra=2, max_num=10)


def approver_initial(flow: ApprovalFlow | None) -> list[dict[str, Any]]:
    if flow is None:
        return []
    return [{"role": row.role, "user": row.user_id} for row in flow.approvers.order_by("order", "pk")]


def comment_field(help_text: Any) -> forms.CharField:
    """The comment of a request or a decision: optional here (the service says when one is needed)."""
    return forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
    )


class RequestForm(ServiceFormMixin, forms.Form):
    comment = comment_field(_("What the approvers should know: the reasons, the competition, what is at stake."))


class DecisionForm(ServiceFormMixin, forms.Form):
    comment = comment_field(_("Required to reject: say why."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class DelegationForm(ServiceFormMixin, forms.Form):
    approver = forms.ModelChoiceField(
        label=_("Approver"), queryset=User.objects.none(), widget=PickerSelect("people:person_pick")
    )
    delegate = forms.ModelChoiceField(
        label=_("Stands in"), queryset=User.objects.none(), widget=PickerSelect("people:person_pick")
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, for_anybody: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = _active_people()
        cast(forms.ModelChoiceField, self.fields["delegate"]).queryset = people
        self.user = user
        if for_anybody:
            cast(forms.ModelChoiceField, self.fields["approver"]).queryset = people
            self.fields["approver"].initial = user.pk
        else:
            del self.fields["approver"]

    def service_data(self) -> dict[str, Any]:
        # Without the approver field, people set who stands in for themselves.
        return {**super().service_data(), "approver": self.cleaned_data.get("approver") or self.user}
