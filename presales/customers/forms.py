"""Forms for accounts and stakeholders; saving goes through customers.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import VersionedModelForm, editable_fields
from presales.customers import services
from presales.customers.models import Account, Contact
from presales.people.models import User


class AccountForm(VersionedModelForm):
    """Create or edit an account."""

    version_required = True
    wide_fields = ("address", "notes")

    class Meta:
        model = Account
        fields = editable_fields(services.ACCOUNT_FIELDS)
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


class ContactForm(VersionedModelForm):
    """Create or edit a stakeholder; the boss can only be somebody at the same account."""

    version_required = True
    wide_fields = ("notes",)

    class Meta:
        model = Contact
        fields = editable_fields(services.CONTACT_FIELDS)
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
