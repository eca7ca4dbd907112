"""Forms for bookings (new, and the edit form that is the calendar's keyboard alternative to dragging), leave,
travel times and the forecast's "what if"."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales import access
from presales.capacity.models import Booking, BookingMode, Leave, LeaveKind
from presales.core.forms import DATE_INPUT, ServiceFormMixin
from presales.core.pickers import PickerSelect
from presales.customers.models import Industry, Region
from presales.deals.models import Opportunity
from presales.people.models import Team, TeamKind, User
from presales.work.models import WorkType

TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": "900"}, format="%H:%M")
# The fields whose change re-checks the booking before saving (htmx).
CHECKED_FIELDS = ("engineer", "date", "start", "duration_minutes", "mode", "region")


class BookingForm(ServiceFormMixin, forms.Form):
    """Book an engineer: for a support request, a planned activity, or a deal."""

    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start = forms.TimeField(label=_("Start"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=720, initial=120)
    mode = forms.ChoiceField(label=_("Where"), choices=BookingMode.choices, initial=BookingMode.REMOTE)
    region = forms.ChoiceField(
        label=_("Region"),
        choices=[("", _("The account's region")), *Region.choices],
        required=False,
        help_text=_("On-site visits add the region's travel time before and after."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=WorkType.choices)
    opportunity = forms.ModelChoiceField(
        label=_("Opportunity"),
        queryset=Opportunity.objects.none(),
        required=False,
        widget=PickerSelect("deals:pick", query="open=1"),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, fixed_deal: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["engineer"]).queryset = access.bookable_engineers(
            user, User.objects.order_by("display_name", "username")
        )
        cast(forms.ModelChoiceField, self.fields["opportunity"]).queryset = (
            Opportunity.objects.visible_to(user).open().select_related("account")
        )
        if fixed_deal:
            # The request or activity names the deal already.
            del self.fields["opportunity"]
        else:
            self.fields["opportunity"].required = True
        for name in CHECKED_FIELDS:
            self.fields[name].widget.attrs["data-booking-check"] = "1"


class BookingEditForm(ServiceFormMixin, forms.Form):
    """Move or change a booking without dragging: engineer, day, time, length, where."""

    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start = forms.TimeField(label=_("Start"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=720)
    mode = forms.ChoiceField(label=_("Where"), choices=BookingMode.choices)
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", _("The account's region")), *Region.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, booking: Booking, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "engineer": booking.engineer,
                "date": booking.date,
                "start": booking.start,
                "duration_minutes": booking.duration_minutes,
                "mode": booking.mode,
                "region": booking.region,
                "note": booking.note,
            },
        )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["engineer"]).queryset = access.bookable_engineers(
            user, User.objects.order_by("display_name", "username")
        )
        for name in CHECKED_FIELDS:
            self.fields[name].widget.attrs["data-booking-check"] = "1"


class BookingMoveForm(forms.Form):
    """What the calendar's drag sends: the engineer and day dropped on, and for the day view the hour."""

    engineer = forms.ModelChoiceField(queryset=User.objects.none())
    date = forms.DateField()
    hour = forms.IntegerField(min_value=0, max_value=23, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["engineer"]).queryset = access.bookable_engineers(
            user, User.objects.all()
        )


class LeaveForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = Leave
        fields = ["person", "kind", "start_date", "end_date", "note"]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).filter(
            Q(pk=user.pk) | Q(pk__in=access.people_visible_to(user, User.objects.all()).values("pk"))
        )
        people = people.order_by("display_name", "username")
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people
        self.fields["kind"].initial = LeaveKind.ANNUAL

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("start_date"), data.get("end_date")
        if first and last and last < first:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data


class TravelTimesForm(forms.Form):
    """One number per region: minutes of travel each way to an on-site visit there."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for value, label in Region.choices:
            self.fields[value] = forms.IntegerField(
                label=label, min_value=0, max_value=1440, required=False, initial=current.get(value)
            )


class WhatIfForm(forms.Form):
    """A hypothetical deal for the forecast: not saved anywhere."""

    amount = forms.DecimalField(label=_("Amount (company currency)"), min_value=0, max_digits=16, decimal_places=2)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    expected_close = forms.DateField(label=_("Expected close date"), widget=DATE_INPUT)
    team = forms.ModelChoiceField(label=_("Presales team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(kind=TeamKind.PRESALES)
        self.fields["expected_close"].initial = timezone.localdate() + datetime.timedelta(days=60)
