"""Admin for the playbook: versions and steps are read here; editing goes through the settings page's services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.playbook.models import PlaybookVersion, Stage, StepDefinition


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("number", "short_name", "vendor_name", "customer_name", "default_probability", "is_after_sale")


class StepDefinitionInline(admin.TabularInline):
    model = StepDefinition
    extra = 0
    fields = ("order", "key", "name_zh", "name_en", "responsible_role", "stage", "answer_kind", "due_rule", "due_days")
    readonly_fields = fields
    can_delete = False


@admin.register(PlaybookVersion)
class PlaybookVersionAdmin(SimpleHistoryAdmin):
    list_display = ("number", "published_at", "notes")
    inlines = [StepDefinitionInline]
    readonly_fields = ("number", "published_at")
