"""Admin for approvals: read here; flows are edited on the flows page (approvals:flow_list) through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.approvals.models import (
    ApprovalDelegation,
    ApprovalFlow,
    ApprovalFlowApprover,
    ApprovalRequest,
    ApprovalTask,
)


class ApproverInline(admin.TabularInline):
    model = ApprovalFlowApprover
    extra = 0
    fields = ("order", "role", "user")
    readonly_fields = fields
    can_delete = False


@admin.register(ApprovalFlow)
class ApprovalFlowAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "step_key", "mode", "min_amount", "min_discount_percent", "is_active")
    readonly_fields = (
        "name",
        "kind",
        "step_key",
        "mode",
        "min_amount",
        "industries",
        "min_discount_percent",
        "is_active",
    )
    inlines = [ApproverInline]


class TaskInline(admin.TabularInline):
    model = ApprovalTask
    extra = 0
    fields = ("order", "approver", "status", "decided_by", "comment", "decided_at")
    readonly_fields = fields
    can_delete = False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "opportunity", "requested_by", "status", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = (
        "flow",
        "kind",
        "step_key",
        "opportunity",
        "requested_by",
        "comment",
        "amount",
        "currency",
        "discount_percent",
        "status",
        "decided_at",
    )
    inlines = [TaskInline]


@admin.register(ApprovalDelegation)
class ApprovalDelegationAdmin(SimpleHistoryAdmin):
    list_display = ("approver", "delegate", "starts_on", "ends_on", "note")
    readonly_fields = ("approver", "delegate", "starts_on", "ends_on", "note")
