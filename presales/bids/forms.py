"""Forms for tenders, deviation rows, POCs, test cases and product gaps."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.bids import services
from presales.bids.models import (
    Compliance,
    CriterionResult,
    DeviationItem,
    Poc,
    ProductGap,
    SectionKind,
    Tender,
    TestCase,
)
from presales.core.forms import DATE_INPUT, VersionedModelForm
from presales.people.models import User

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def active_people() -> Any:
    return User.objects.filter(is_active=True).order_by("display_name", "username")


class TenderForm(VersionedModelForm):
    class Meta:
        model = Tender
        fields = list(services.TENDER_FIELDS)
        widgets = {
            "published_on": DATE_INPUT,
            "question_deadline": DATETIME_INPUT,
            "submission_deadline": DATETIME_INPUT,
            "opening_at": DATETIME_INPUT,
            "result_notes": forms.Textarea(attrs={"rows": 2}),
        }


class SectionForm(forms.Form):
    name = forms.CharField(label=_("Section"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=SectionKind.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = active_people()


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    knowledge_item = forms.IntegerField(label=_("Copy the answer from knowledge item"), required=False)


class SubmissionItemForm(forms.Form):
    name = forms.CharField(label=_("Item"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = active_people()


class DeviationForm(forms.ModelForm):
    class Meta:
        model = DeviationItem
        fields = ["position", "clause", "requirement", "mandatory", "response", "compliance", "evidence", "owner"]
        widgets = {
            "requirement": forms.Textarea(attrs={"rows": 2}),
            "response": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = active_people()
        self.fields["position"].required = False
        cast(forms.ChoiceField, self.fields["compliance"]).choices = Compliance.choices


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class PocForm(VersionedModelForm):
    test_cases = forms.ModelMultipleChoiceField(
        label=_("Start from library test cases"),
        queryset=TestCase.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Poc
        fields = list(services.POC_FIELDS)
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "signed_off_on": DATE_INPUT,
            "environment": forms.Textarea(attrs={"rows": 2}),
            "equipment": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = active_people()
        if self.instance.pk:
            del self.fields["test_cases"]


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Criterion"), max_length=200, required=False)
    validation = forms.CharField(
        label=_("How success is validated"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    test_case = forms.ModelChoiceField(label=_("From the library"), queryset=TestCase.objects.all(), required=False)

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if not data.get("title") and not data.get("test_case"):
            raise forms.ValidationError(_("Type a criterion or pick one from the library."))
        return data


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=CriterionResult.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    agreed = forms.BooleanField(label=_("Agreed with the customer"), required=False)


class ShareForm(forms.Form):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=14)


class TestCaseForm(forms.ModelForm):
    __test__ = False

    class Meta:
        model = TestCase
        fields = [
            "title",
            "category",
            "description",
            "validation",
            "title_en",
            "category_en",
            "description_en",
            "validation_en",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("description", "validation", "description_en", "validation_en")
        }


class GapForm(forms.ModelForm):
    class Meta:
        model = ProductGap
        fields = ["title", "severity", "product", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "title": forms.TextInput(attrs={"list": "known-gaps"}),
        }
