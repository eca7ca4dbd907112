"""The columns of the booking and leave lists."""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from presales.capacity.models import Booking, Leave
from presales.core.tables import Column, DateColumn, NumberColumn, Table, link, post_button


class BookingTable(Table):
    html_id = "booking-table"

    date = DateColumn(_("Date"))
    time = Column(_("Time"), lambda b: f"{b.start:%H:%M}–{b.end:%H:%M}", cell_classes="nowrap")
    engineer = Column(_("Engineer"))
    what = Column(_("For"), lambda b: b.label, cell_classes="primary-cell")
    mode = Column(_("Where"), lambda b: b.get_mode_display())
    travel = NumberColumn(_("Travel (minutes each way)"), "travel_minutes", classes="num hide-phone")
    opportunity = Column(_("Opportunity"), classes="hide-phone")

    def render_what(self, booking: Booking) -> SafeString:
        return link(reverse("capacity:booking_edit", args=[booking.pk]), booking.label)

    def render_opportunity(self, booking: Booking) -> SafeString | str:
        if booking.opportunity is None:
            return "—"
        return link(booking.opportunity.get_absolute_url(), booking.opportunity)


class LeaveTable(Table):
    html_id = "leave-table"

    person = Column(_("Person"), cell_classes="primary-cell")
    kind = Column(_("Kind"), lambda leave: leave.get_kind_display())
    start_date = DateColumn(_("First day"))
    end_date = DateColumn(_("Last day"))
    note = Column(_("Note"), classes="hide-phone")
    change = Column("", export=False)

    def render_change(self, leave: Leave) -> SafeString:
        return post_button(self.request, reverse("capacity:leave_delete", args=[leave.pk]), _("Delete"))
