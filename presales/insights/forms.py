"""The filter bar every dashboard shares: period, team, industry, region (money is always in the company currency)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.currencies.models import company_currency
from presales.customers.models import Industry, Region
from presales.people.models import Team


@dataclass(frozen=True)
class InsightFilters:
    """What a dashboard is asked about; every selector takes one."""

    start: datetime.date
    end: datetime.date
    team: Team | None = None
    industry: str = ""
    region: str = ""
    today: datetime.date | None = None

    @property
    def currency(self) -> str:
        """Every amount of a dashboard is converted to the company currency (docs/domain.md, Money)."""
        return company_currency()

    @property
    def as_of(self) -> datetime.date:
        return self.today or timezone.localdate()


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months up to the end of the next quarter: closed results behind, forecast ahead."""
    start = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    end_month = today.month + 5
    end_year = today.year + (end_month - 1) // 12
    end_month = (end_month - 1) % 12 + 1
    end = datetime.date(end_year, end_month, 1) - datetime.timedelta(days=1)
    return start, end


class InsightFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", _("All"))] + Industry.choices, required=False)
    region = forms.ChoiceField(label=_("Region"), choices=[("", _("All"))] + Region.choices, required=False)

    def clean(self) -> dict:
        # Form.clean() returns self.cleaned_data (the stubs allow None for overrides).
        data = cast(dict[str, Any], super().clean())
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes after its start."))
        return data

    def filters(self, today: datetime.date | None = None) -> InsightFilters:
        """The chosen filters, with the default period for what was left empty or invalid."""
        today = today or timezone.localdate()
        default_start, default_end = default_period(today)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return InsightFilters(
            start=data.get("start") or default_start,
            end=data.get("end") or default_end,
            team=data.get("team"),
            industry=data.get("industry") or "",
            region=data.get("region") or "",
            today=today,
        )
