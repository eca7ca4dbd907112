"""Forms for knowledge items, their files and recording use on a deal."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DATE_INPUT, VersionedModelForm, editable_fields, optional_choices
from presales.core.pickers import PickerSelect, PickerSelectMultiple
from presales.core.uploads import allowed_extensions
from presales.customers.models import Industry
from presales.deals.models import Competitor, Opportunity
from presales.knowledge import services
from presales.knowledge.models import KnowledgeItem

# The battlecard's texts, each also written in English (`<name>_en`).
BATTLECARD_FIELDS = ("strengths", "weaknesses", "how_we_win", "proof_points")
BATTLECARD_FIELDS_EN = tuple(f"{name}_en" for name in BATTLECARD_FIELDS)


class KnowledgeItemForm(VersionedModelForm):
    """Everything about an item; the battlecard fields matter only for battlecards."""

    industry_codes = optional_choices(_("Industries"), Industry.choices)
    competitors = forms.ModelMultipleChoiceField(
        label=_("Competitors"),
        queryset=Competitor.objects.all(),
        required=False,
        widget=PickerSelectMultiple("deals:competitor_pick"),
    )

    class Meta:
        model = KnowledgeItem
        fields = editable_fields(services.ITEM_FIELDS, leave_out=("industries", "owner"))
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 10}),
            "summary_en": forms.Textarea(attrs={"rows": 2}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in BATTLECARD_FIELDS + BATTLECARD_FIELDS_EN},
            "review_date": DATE_INPUT,
        }
        help_texts = {"tags": _("Separate with commas."), "products": _("Separate with commas.")}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["industry_codes"] = self.instance.industry_list
            self.initial["competitors"] = list(self.instance.competitors.values_list("pk", flat=True))

    def battlecard_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in BATTLECARD_FIELDS]

    def battlecard_fields_en(self) -> list[forms.BoundField]:
        return [self[name] for name in BATTLECARD_FIELDS_EN]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Allowed: %(types)s.") % {"types": ", ".join(allowed_extensions())}
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in allowed_extensions())


class UseForm(forms.Form):
    opportunity = forms.ModelChoiceField(
        label=_("Opportunity"), queryset=Opportunity.objects.none(), widget=PickerSelect("deals:pick")
    )
    note = forms.CharField(label=_("How it was used"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["opportunity"]).queryset = Opportunity.objects.visible_to(
            user
        ).select_related("account")
