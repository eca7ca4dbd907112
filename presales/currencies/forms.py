from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import ServiceFormMixin
from presales.currencies.models import Currency, ExchangeRate, company_currency


class ExchangeRateForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "rate", "valid_from", "note"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(code, label) for code, label in Currency.choices if code != company_currency()]
        self.fields["currency"] = forms.ChoiceField(label=_("Currency"), choices=choices)
        self.fields["rate"].help_text = _("How much one unit of this currency is worth in %(currency)s.") % {
            "currency": company_currency()
        }

    def validate_unique(self) -> None:
        """The service says when the day already has a rate (in the reader's words)."""
