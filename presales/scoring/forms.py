"""Forms for evaluation pages: capability scores, sales ratings, debriefs, quotas, rubric, weights, periods."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DATE_INPUT, VersionedModelForm
from presales.core.views.params import date_param
from presales.deals.models import Competitor, DealRole
from presales.scoring import formulas
from presales.scoring.models import CapabilityDimension, DebriefReason, ScoringWeights


def requested_period(query: Any) -> tuple[str, datetime.date, datetime.date]:
    """The scoring period a page shows (`?kind=&start=`, a month by default): its kind, first and last day."""
    kind = query.get("kind", formulas.MONTH)
    if kind not in formulas.PERIOD_KINDS:
        kind = formulas.MONTH
    start, end = formulas.period_bounds(kind, date_param(query, "start"))
    return kind, start, end


MARKS = [("", "—"), *[(str(mark), str(mark)) for mark in range(1, 6)]]
RATING_MARKS = [(str(mark), str(mark)) for mark in range(1, 6)]


class CapabilityScoresForm(forms.Form):
    """One 1–5 mark and a comment per active rubric dimension, for a week or a month."""

    period_kind = forms.ChoiceField(label=_("Period"), choices=[("month", _("Month")), ("week", _("Week"))])
    period_start = forms.DateField(label=_("Any day in the period"), widget=DATE_INPUT)

    def __init__(self, *args: Any, dimensions: list[CapabilityDimension], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            self.fields[f"score_{dimension.pk}"] = forms.TypedChoiceField(
                label=str(dimension), choices=MARKS, coerce=int, empty_value=None, required=False
            )
            self.fields[f"comment_{dimension.pk}"] = forms.CharField(
                label=_("Comment on %(dimension)s") % {"dimension": dimension},
                required=False,
                widget=forms.TextInput,
            )

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"score_{d.pk}"], self[f"comment_{d.pk}"]) for d in self.dimensions]

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if not any(data.get(f"score_{d.pk}") for d in self.dimensions):
            raise forms.ValidationError(_("Give at least one score."))
        return data

    def scores(self) -> dict[CapabilityDimension, tuple[int, str]]:
        data = self.cleaned_data
        return {
            d: (data[f"score_{d.pk}"], data.get(f"comment_{d.pk}", ""))
            for d in self.dimensions
            if data.get(f"score_{d.pk}")
        }


class SalesRatingForm(forms.Form):
    responsiveness = forms.TypedChoiceField(
        label=_("Responsiveness"), choices=RATING_MARKS, coerce=int, widget=forms.RadioSelect
    )
    quality = forms.TypedChoiceField(label=_("Quality"), choices=RATING_MARKS, coerce=int, widget=forms.RadioSelect)
    impact = forms.TypedChoiceField(
        label=_("Impact on the deal"), choices=RATING_MARKS, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


# What each role is best placed to say: the question is worded for them.
ROLE_PROMPTS = {
    "sales_owner": _("From the customer relationship and the buying process: what decided it?"),
    "presales_lead": _("From the solution, demo and POC: what decided it, and what did the product lack?"),
    DealRole.PRESALES_MEMBER: _(
        "From your technical work on the deal: what decided it, and what did the product lack?"
    ),
    DealRole.COMMERCIAL: _("From price, terms and the contract: what decided it?"),
    DealRole.AFTER_SALES: _("From delivery and service: what decided it?"),
}


class DebriefForm(forms.Form):
    main_reason = forms.ChoiceField(label=_("Main reason"), choices=DebriefReason.choices)
    explanation = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    competitor = forms.ModelChoiceField(
        label=_("Competitor that mattered"), queryset=Competitor.objects.all(), required=False
    )
    product_gap = forms.CharField(
        label=_("Product gap behind the result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, role: str, opportunity: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["explanation"].help_text = ROLE_PROMPTS.get(role, "")
        # The deal's own competitors first is what people pick; any competitor stays possible.
        cast(forms.ModelChoiceField, self.fields["competitor"]).queryset = Competitor.objects.order_by("name")
        if role in (DealRole.COMMERCIAL, DealRole.AFTER_SALES):
            self.fields["product_gap"].help_text = _("Leave empty if you saw none.")


class VisitQuotaForm(forms.Form):
    quota = forms.IntegerField(label=_("Weekly visit quota"), min_value=0, max_value=50)
    effective_from = forms.DateField(
        label=_("From the week of"),
        widget=DATE_INPUT,
        initial=timezone.localdate,
        help_text=_("Weeks before keep the quota they had."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DimensionForm(VersionedModelForm):
    class Meta:
        model = CapabilityDimension
        fields = ["key", "name", "name_en", "description", "order", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


# One weight per scorecard part, in the order of formulas.PARTS.
WEIGHT_FIELDS = ("results", "visits", "capability", "rating", "technical")


class WeightsForm(VersionedModelForm):
    class Meta:
        model = ScoringWeights
        fields = list(WEIGHT_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The optional part: left empty, it weighs 0.
        self.fields["technical"].required = False

    def clean_technical(self) -> int:
        return self.cleaned_data.get("technical") or 0

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        if sum(data.get(name) or 0 for name in WEIGHT_FIELDS) != 100:
            raise forms.ValidationError(_("The weights must add up to 100."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen"), max_length=250)
