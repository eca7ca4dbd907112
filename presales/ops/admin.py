"""Admin: the scheduled jobs' run records, read only (the worker writes them)."""

from django.contrib import admin

from presales.ops.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "slot", "started_at", "finished_at", "outcome", "message", "worker"]
    list_filter = ["job", "outcome"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
