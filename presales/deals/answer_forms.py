"""One form per answer kind: what a step asks for when it is completed, on the step page, inline and in the API.

Which form a step uses is looked up in the answer-kind registry (presales.deals.services.answers.ANSWER_TYPES), together with
how the cleaned answer is written.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.customers.models import Contact
from presales.deals.models import Competitor, DealStep
from presales.playbook import answer_choices as choices
from presales.playbook.models import AnswerKind

DATE = forms.DateInput(attrs={"type": "date"})


class AnswerForm(forms.Form):
    """Base: the hidden version guards against two people completing the same step at once."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        self.step = step
        kwargs.setdefault("initial", {}).setdefault("version", step.version)
        super().__init__(*args, **kwargs)

    def answer(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


def _contacts(step: DealStep) -> Any:
    return Contact.objects.filter(account_id=step.opportunity.account_id).order_by("name")


class AnalysisForm(AnswerForm):
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    fit = forms.ChoiceField(label=_("Fit"), choices=choices.FIT)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("source", step.opportunity.source)
        super().__init__(*args, step=step, **kwargs)


class ContactForm(AnswerForm):
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        super().__init__(*args, step=step, **kwargs)
        cast(forms.ModelChoiceField, self.fields["contact"]).queryset = _contacts(step)


class BudgetForm(AnswerForm):
    status = forms.ChoiceField(label=_("Budget status"), choices=choices.BUDGET_STATUS)
    amount = forms.DecimalField(label=_("Budget amount"), min_value=0, max_digits=16, decimal_places=2, required=False)

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if data.get("status") in ("approved", "planned") and data.get("amount") is None:
            self.add_error("amount", _("How large is the budget?"))
        return data


class QuoteForm(AnswerForm):
    amount = forms.DecimalField(label=_("Quote amount"), min_value=0, max_digits=16, decimal_places=2)
    configuration = forms.CharField(label=_("Configuration"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class GoNoGoForm(AnswerForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=choices.GO_NO_GO, widget=forms.RadioSelect)
    investment = forms.ChoiceField(
        label=_("Investment level"), choices=[("", "—"), *choices.INVESTMENT], required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if data.get("decision") == "go" and not data.get("investment"):
            self.add_error("investment", _("How much do we invest?"))
        if data.get("decision") == "no_go" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why: the deal is closed as abandoned with this reason."))
        return data


class PainPointsForm(AnswerForm):
    pains = forms.CharField(
        label=_("Pain points"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("One pain point per line.")
    )

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("pains", "\n".join(step.answer_data.get("pains", [])))
        super().__init__(*args, step=step, **kwargs)

    def clean_pains(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["pains"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Name at least one pain point."))
        return lines


class PainSolvableForm(AnswerForm):
    """One yes/partly/no per pain point captured at the pain-points step."""

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        super().__init__(*args, step=step, **kwargs)
        source = (
            DealStep.objects.filter(opportunity_id=step.opportunity_id, definition__answer_kind=AnswerKind.PAIN_POINTS)
            .values_list("answer_data", flat=True)
            .first()
        ) or {}
        self.pains = list(source.get("pains", []))
        known = {p["pain"]: p["solvable"] for p in step.answer_data.get("pains", [])}
        for index, pain in enumerate(self.pains):
            self.fields[f"pain_{index}"] = forms.ChoiceField(
                label=pain, choices=choices.SOLVABLE, initial=known.get(pain, "yes")
            )

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if not self.pains:
            raise forms.ValidationError(_("Record the pain points first."))
        return data

    def answer(self) -> dict[str, Any]:
        return {
            "pains": [{"pain": pain, "solvable": self.cleaned_data[f"pain_{i}"]} for i, pain in enumerate(self.pains)]
        }


class SolutionForm(AnswerForm):
    accepted = forms.ChoiceField(label=_("Solution accepted"), choices=choices.YES_NO, widget=forms.RadioSelect)
    document = forms.CharField(label=_("Solution document (link or name)"), max_length=500, required=False)


class YesNoForm(AnswerForm):
    answer_value = forms.ChoiceField(label=_("Answer"), choices=choices.YES_NO, widget=forms.RadioSelect)

    def answer(self) -> dict[str, Any]:
        return {"answer": self.cleaned_data["answer_value"]}


class PocForm(AnswerForm):
    criteria = forms.CharField(label=_("Success criteria"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(label=_("Result"), choices=choices.POC_RESULT)


class CompetitorsForm(AnswerForm):
    competitor = forms.ModelChoiceField(label=_("Competitor"), queryset=Competitor.objects.all(), required=False)
    new_competitor = forms.CharField(label=_("…or a new competitor"), max_length=100, required=False)
    is_ahead = forms.BooleanField(label=_("Ahead of us"), required=False)
    notes = forms.CharField(label=_("Their strengths and weaknesses here"), required=False)
    differentiators = forms.CharField(
        label=_("Our differentiators"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    none_known = forms.BooleanField(label=_("No competitor is known"), required=False)

    def clean_new_competitor(self) -> str:
        name = self.cleaned_data["new_competitor"].strip()
        if name and Competitor.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("This competitor exists already: choose it from the list."))
        return name


class StakeholdersForm(AnswerForm):
    decision_maker = forms.ModelChoiceField(label=_("Decision maker"), queryset=Contact.objects.none())
    method = forms.ChoiceField(label=_("Decision method"), choices=choices.DECISION_METHOD)

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        super().__init__(*args, step=step, **kwargs)
        cast(forms.ModelChoiceField, self.fields["decision_maker"]).queryset = _contacts(step)


class ChampionForm(AnswerForm):
    champion = forms.ModelChoiceField(label=_("Champion"), queryset=Contact.objects.none())

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        super().__init__(*args, step=step, **kwargs)
        cast(forms.ModelChoiceField, self.fields["champion"]).queryset = _contacts(step)


class AmountForm(AnswerForm):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=16, decimal_places=2)


class ProcurementForm(AnswerForm):
    method = forms.ChoiceField(label=_("Procurement method"), choices=choices.PROCUREMENT)


class RisksForm(AnswerForm):
    ROWS = 4

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        super().__init__(*args, step=step, **kwargs)
        known = step.answer_data.get("risks", [])
        for index in range(self.ROWS):
            row = known[index] if index < len(known) else {}
            self.fields[f"risk_{index}"] = forms.CharField(
                label=_("Risk %(n)s") % {"n": index + 1}, max_length=300, required=False, initial=row.get("risk", "")
            )
            self.fields[f"level_{index}"] = forms.ChoiceField(
                label=_("Level"), choices=choices.RISK_LEVEL, initial=row.get("level", "medium")
            )

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if not any((data.get(f"risk_{i}") or "").strip() for i in range(self.ROWS)):
            raise forms.ValidationError(_("Name at least one risk (write “none” if there is none)."))
        return data

    def answer(self) -> dict[str, Any]:
        return {
            "risks": [
                {"risk": self.cleaned_data[f"risk_{i}"].strip(), "level": self.cleaned_data[f"level_{i}"]}
                for i in range(self.ROWS)
                if self.cleaned_data[f"risk_{i}"].strip()
            ]
        }


class OrderDateForm(AnswerForm):
    date = forms.DateField(label=_("Expected order date"), widget=DATE, help_text=_("Becomes the deal's close date."))

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("date", step.opportunity.expected_close_date)
        super().__init__(*args, step=step, **kwargs)


class OrderForm(AnswerForm):
    order_number = forms.CharField(label=_("Order number"), max_length=100)
    terms = forms.CharField(label=_("Commercial terms"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReviewForm(AnswerForm):
    status = forms.ChoiceField(label=_("Review status"), choices=choices.REVIEW)


class SignedForm(AnswerForm):
    date = forms.DateField(label=_("Signed on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Signed amount"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("Becomes the deal's amount."),
    )

    def __init__(self, *args: Any, step: DealStep, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("amount", step.opportunity.amount)
        super().__init__(*args, step=step, **kwargs)
