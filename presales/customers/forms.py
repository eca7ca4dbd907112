"""Forms for accounts and stakeholders; saving goes through customers.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import VersionedModelForm, editable_fields
from presales.customers import services
from presales.customers.models import Account, Contact
from presales.customers.selectors import Duplicates, duplicate_accounts
from presales.people.models import User


class AccountForm(VersionedModelForm):
    """Create or edit an account; a name like an existing account's (客户查重) is saved only once confirmed."""

    version_required = True
    wide_fields = ("aliases", "address", "notes")

    confirm_duplicate = forms.BooleanField(
        label=_("Save anyway: this is a different account"),
        required=False,
        help_text=_("Tick only after checking the similar accounts listed above."),
    )

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
        self.user = user
        self.duplicates = Duplicates()
        # The confirmation is offered once there is something to confirm (see clean()).
        self.fields["confirm_duplicate"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.user is None or self.errors:
            return cleaned
        names = {name: cleaned.get(name) or "" for name in Account.NAME_FIELDS}
        # Renaming checks again; saving other fields of an account that keeps its names does not.
        if self.instance.pk and all(names[n] == getattr(self.instance, n) for n in Account.NAME_FIELDS):
            return cleaned
        probe = Account(**names)
        self.duplicates = duplicate_accounts(self.user, probe.all_names(), exclude_pk=self.instance.pk)
        if self.duplicates:
            self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
            if not cleaned.get("confirm_duplicate"):
                self.add_error(
                    None,
                    _(
                        "An account with a name like this already exists. Check the accounts listed below; "
                        "if this is a different one, tick “Save anyway” and save again."
                    ),
                )
        return cleaned


class AccountMergeForm(forms.Form):
    """Which of two accounts to keep (the other's contacts, deals and everything else move onto it), and why."""

    keep = forms.ModelChoiceField(
        label=_("Account to keep"), queryset=Account.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in both accounts' history, e.g. “the same bank entered twice”."),
    )

    def __init__(self, *args: Any, accounts: tuple[Account, Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.fields["keep"]
        keep.queryset = Account.objects.filter(pk__in=[a.pk for a in accounts]).order_by("pk")  # type: ignore[attr-defined]
        keep.initial = accounts[0].pk


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
