"""How a page shows what a service refused: validation errors on the form, and edits that lost a race."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from presales.core.concurrency import ConcurrentEditError

# A date picker that sends ISO dates, whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def optional_choices(label: Any, choices: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    """Tick boxes of which none need be ticked (`help_text` says what ticking none means)."""
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


def apply_validation_error(form: Any, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: on the matching field (renamed through `field_map` where the
    form calls it differently), else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    field_map = field_map or {}
    for name, errors in error.message_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def show_conflict(form: Any, error: ConcurrentEditError) -> None:
    """Keep what the person typed, say what changed, and let the next save start from the current version."""
    form.add_error(None, error.message)
    data = cast(QueryDict, form.data).copy()
    data["version"] = str(getattr(error.instance, "version", ""))
    form.data = data


def editable_fields(service_fields: tuple[str, ...], *, leave_out: tuple[str, ...] = ("external_id",)) -> list[str]:
    """The fields a person edits on a page: those the service takes, but for the ones only imports set."""
    return [name for name in service_fields if name not in leave_out]


class ServiceFormMixin:
    """A form whose fields feed one service's keyword arguments: `service_data()` hands its cleaned values over under
    the service's names (the version the person started from as `expected_version`; `service_names` renames the
    fields the form calls differently)."""

    service_names: ClassVar[dict[str, str]] = {}
    cleaned_data: dict[str, Any]

    def service_data(self) -> dict[str, Any]:
        names = {"version": "expected_version", **self.service_names}
        return {names.get(name, name): value for name, value in self.cleaned_data.items()}


class VersionedModelForm(forms.ModelForm):
    """A model form for an object changed through a service: it carries the version the person started from
    (optimistic locking) and hands the service the model fields it edits.

    Creating, there is no version: the field is left out. Changing, it starts at the object's version; a page whose
    service refuses a change without one sets `version_required`.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    version_required = False
    # Fields that take the whole width of a two-column form (components/field.html reads `field.wide`).
    wide_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.wide_fields:
            if name in self.fields:
                self.fields[name].wide = True  # type: ignore[attr-defined]  # read by the field template
        if self.instance.pk:
            self.fields["version"].required = self.version_required
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values of the model fields (everything but the version and the form's own extra fields)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data}
