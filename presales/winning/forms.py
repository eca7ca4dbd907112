"""The technical verdict form on a deal page."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DATE_INPUT
from presales.deals.models import Competitor, Opportunity
from presales.winning.models import TechnicalVerdict, VerdictPhase


class TechnicalVerdictForm(forms.ModelForm):
    """Phase, verdict, the competitor it was against (the deal's competitors first) and the reasons."""

    class Meta:
        model = TechnicalVerdict
        fields = ["phase", "verdict", "competitor", "reasons", "recorded_on"]
        widgets = {
            "reasons": forms.Textarea(attrs={"rows": 3}),
            "recorded_on": DATE_INPUT,
        }

    def __init__(self, *args: object, opportunity: Opportunity, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # ModelForm's own keywords pass through
        in_deal = Competitor.objects.filter(deal_links__opportunity=opportunity)
        field = self.fields["competitor"]
        field.queryset = in_deal if in_deal.exists() else Competitor.objects.all()  # type: ignore[attr-defined]
        field.empty_label = _("Nobody (we stood alone)")  # type: ignore[attr-defined]
        if opportunity.is_open:
            self.fields["phase"].choices = [(VerdictPhase.EVALUATION.value, VerdictPhase.EVALUATION.label)]  # type: ignore[attr-defined]
        self.fields["recorded_on"].initial = timezone.localdate()
        self.fields["reasons"].help_text = _("What the customer compared, how we scored, what decided it.")
