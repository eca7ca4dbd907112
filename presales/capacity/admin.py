from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.capacity.models import Booking, Leave, TravelTime


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "start", "engineer", "account", "kind", "mode"]
    list_filter = ["mode", "kind"]
    raw_id_fields = ["engineer", "opportunity", "account", "request", "activity", "booked_by"]


@admin.register(Leave)
class LeaveAdmin(SimpleHistoryAdmin):
    list_display = ["person", "kind", "start_date", "end_date"]
    raw_id_fields = ["person"]


@admin.register(TravelTime)
class TravelTimeAdmin(SimpleHistoryAdmin):
    list_display = ["region", "minutes"]
