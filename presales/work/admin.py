"""Admin pages for presales work: response-time targets and cannot-refuse rules are configured here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.work.models import Activity, CannotRefuseRule, ResponseTarget, SupportRequest


@admin.register(ResponseTarget)
class ResponseTargetAdmin(SimpleHistoryAdmin):
    list_display = ("min_amount", "hours_to_triage", "hours_to_first_response")


@admin.register(CannotRefuseRule)
class CannotRefuseRuleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "requester", "requester_role", "account", "industry", "min_amount", "is_active")
    list_filter = ("is_active", "requester_role", "industry")
    raw_id_fields = ("requester", "account")


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("date", "kind", "owner", "opportunity", "hours", "status")
    list_filter = ("kind", "status")
    list_select_related = ("owner", "opportunity")
    raw_id_fields = ("owner", "opportunity", "account", "request", "participants")
    date_hierarchy = "date"


@admin.register(SupportRequest)
class SupportRequestAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "opportunity", "status", "needed_by", "requester", "assignee", "escalated_at")
    list_filter = ("status", "kind", "is_duty")
    list_select_related = ("opportunity", "requester", "assignee")
    raw_id_fields = ("opportunity", "requester", "assignee", "decided_by")
