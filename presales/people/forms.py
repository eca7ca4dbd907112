"""Forms a person fills in about themselves."""

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.people.models import User

COMMON_TIMEZONES = [
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
]


class PreferencesForm(forms.ModelForm):
    """Display name, contact details, language and time zone."""

    timezone = forms.ChoiceField(label=_("time zone"), choices=[(tz, tz.replace("_", " ")) for tz in COMMON_TIMEZONES])

    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "language", "timezone"]

    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return value
