"""Forms a person fills in about themselves."""

import zoneinfo

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from presales.people.models import User

# The zone's identifier, and its city in the reader's language.
COMMON_TIMEZONES = [
    ("Asia/Shanghai", _("Shanghai")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Taipei", _("Taipei")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Tokyo", _("Tokyo")),
    ("Asia/Kolkata", _("Kolkata")),
    ("Asia/Dubai", _("Dubai")),
    ("Europe/London", _("London")),
    ("Europe/Berlin", _("Berlin")),
    ("America/New_York", _("New York")),
    ("America/Los_Angeles", _("Los Angeles")),
    ("UTC", _("Coordinated Universal Time")),
]


class PreferencesForm(forms.ModelForm):
    """Display name, contact details, language and time zone."""

    timezone = forms.ChoiceField(
        label=_("time zone"), choices=[(tz, format_lazy("{} ({})", city, tz)) for tz, city in COMMON_TIMEZONES]
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "language", "timezone"]

    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return value
