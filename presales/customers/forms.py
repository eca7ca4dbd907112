"""Forms for accounts and stakeholders; saving goes through customers.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from presales.customers.models import Account, Contact
from presales.people.models import User

ACCOUNT_FORM_FIELDS = [
    "name",
    "short_name",
    "industry",
    "region",
    "city",
    "is_key_account",
    "owner",
    "website",
    "address",
    "notes",
]
CONTACT_FORM_FIELDS = [
    "name",
    "title",
    "department",
    "level",
    "decision_role",
    "attitude",
    "influence",
    "reports_to",
    "phone",
    "email",
    "notes",
]


class VersionedForm(forms.ModelForm):
    """A model form that carries the version the person started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Editing: without the version we could not tell whether somebody saved in between.
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values the service takes (everything but the version)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data}

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's validation error next to the field it concerns, or at the top of the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error)


class AccountForm(VersionedForm):
    """Create or edit an account."""

    class Meta:
        model = Account
        fields = ACCOUNT_FORM_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        active = User.objects.filter(is_active=True)
        if self.instance.pk and self.instance.owner_id:
            # Keep the current owner selectable even if they have left, so the form still saves.
            active = User.objects.filter(is_active=True) | User.objects.filter(pk=self.instance.owner_id)
        owner_field.queryset = active.order_by("display_name", "username")  # type: ignore[attr-defined]
        if not self.instance.pk and user is not None:
            owner_field.initial = user.pk


class ContactForm(VersionedForm):
    """Create or edit a stakeholder; the boss can only be somebody at the same account."""

    class Meta:
        model = Contact
        fields = CONTACT_FORM_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "influence": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account_id = self.instance.account_id
        bosses = Contact.objects.filter(account_id=account_id).order_by("name")
        if self.instance.pk:
            bosses = bosses.exclude(pk=self.instance.pk)
        reports_to = self.fields["reports_to"]
        reports_to.queryset = bosses  # type: ignore[attr-defined]
        reports_to.empty_label = _("Nobody (top of the chart)")  # type: ignore[attr-defined]
