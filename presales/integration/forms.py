"""Forms of the import pages: upload, column mapping (one select per field) and the final confirmation."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.customers.models import Industry, Region
from presales.integration import mapping as m
from presales.integration import values
from presales.integration.models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GBK/GB18030) or Excel .xlsx; the first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds


class MappingForm(forms.Form):
    """One column choice per field, preset to the automatic matches; defaults for industry and region."""

    def __init__(self, *args: Any, job: ImportJob, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.job = job
        columns = [("", _("— not imported —"))] + [(str(i), h or f"#{i + 1}") for i, h in enumerate(job.headers)]
        for spec in m.fields_for(job.kind):
            self.fields[f"field_{spec.key}"] = forms.ChoiceField(
                label=spec.label, choices=columns, required=False, initial=str(job.mapping.get(spec.key, ""))
            )
        if any(spec.key == "industry" for spec in m.fields_for(job.kind)):
            self.fields["default_industry"] = forms.ChoiceField(
                label=_("Industry when the row has none"),
                choices=[("", "—"), *Industry.choices],
                required=False,
                initial=job.defaults.get("industry", ""),
            )
            self.fields["default_region"] = forms.ChoiceField(
                label=_("Region when the row has none"),
                choices=[("", "—"), *Region.choices],
                required=False,
                initial=job.defaults.get("region", ""),
            )

    def field_rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(spec, self[f"field_{spec.key}"]) for spec in m.fields_for(self.job.kind)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for spec in m.fields_for(self.job.kind):
            column = data.get(f"field_{spec.key}")
            if column:
                if column in used:
                    self.add_error(
                        f"field_{spec.key}", _("This column already feeds “%(field)s”.") % {"field": used[column]}
                    )
                used[column] = str(spec.label)
        return data

    def mapping(self) -> dict[str, int]:
        return {
            spec.key: int(self.cleaned_data[f"field_{spec.key}"])
            for spec in m.fields_for(self.job.kind)
            if self.cleaned_data.get(f"field_{spec.key}")
        }

    def defaults(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"default_{key}"]
            for key in ("industry", "region")
            if self.cleaned_data.get(f"default_{key}")
        }


class ValuesForm(forms.Form):
    """One choice per distinct value of each value field, preset to the automatic match (or its default)."""

    def __init__(self, *args: Any, job: ImportJob, fields: list[values.FieldValues], actor: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.job = job
        self.value_fields = fields
        for field_values in fields:
            choices = values.field_choices(field_values.key, actor=actor)
            for row in field_values.values:
                self.fields[row.form_key] = forms.ChoiceField(
                    label=row.text, choices=choices, required=False, initial=row.choice
                )

    def groups(self) -> list[tuple[values.FieldValues, list[tuple[values.ValueRow, forms.BoundField]]]]:
        return [(fv, [(row, self[row.form_key]) for row in fv.values]) for fv in self.value_fields]

    def value_map(self) -> dict[str, dict[str, str]]:
        return {
            fv.key: {row.text: self.cleaned_data.get(row.form_key) or "" for row in fv.values}
            for fv in self.value_fields
        }


class StartForm(forms.Form):
    skip_errors = forms.BooleanField(label=_("Skip the rows with errors"), required=False)
