"""Forms of the forecast pages: the period, a deal's category, a manager's call, quotas and the stage categories."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.forecast.models import OPEN_CATEGORY_CHOICES


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Forecast category"), choices=OPEN_CATEGORY_CHOICES)
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("Required: what makes this deal commit, best case or pipeline."),
    )


class CallForm(forms.Form):
    amount = forms.DecimalField(label=_("My call"), min_value=Decimal("0"), max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class StageCategoryForm(forms.Form):
    """One choice per stage (fields named stage_<id>)."""

    def __init__(self, *args: Any, stages: list[Any], current: dict[int, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for stage in stages:
            self.fields[f"stage_{stage.pk}"] = forms.ChoiceField(
                label=str(stage), choices=OPEN_CATEGORY_CHOICES, initial=current.get(stage.pk)
            )


class QuotaForm(forms.Form):
    """The quotas of a period: one amount per team (team_<id>) and person (person_<id>); blank means none."""

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.targets: dict[str, tuple[str, Any, Any]] = {}
        for row in rows:
            self._add(f"team_{row['team'].pk}", "team", row["team"], row["quota"], row["can_set"])
            for line in row["people"]:
                self._add(f"person_{line['person'].pk}", "person", line["person"], line["quota"], line["can_set"])

    def _add(self, name: str, kind: str, target: Any, quota: Any, can_set: bool) -> None:
        self.fields[name] = forms.DecimalField(
            label=str(target),
            required=False,
            min_value=Decimal("0"),
            max_digits=16,
            decimal_places=2,
            initial=quota.amount if quota is not None else None,
            disabled=not can_set,
        )
        self.targets[name] = (kind, target, quota)

    def changes(self) -> list[tuple[str, Any, Decimal | None]]:
        """(kind, person or team, new amount or None) for every field whose value changed."""
        result = []
        for name, (kind, target, quota) in self.targets.items():
            if self.fields[name].disabled:
                continue
            value = self.cleaned_data.get(name)
            old = quota.amount if quota is not None else None
            if value != old:
                result.append((kind, target, value))
        return result
