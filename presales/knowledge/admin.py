"""Admin for knowledge items and their files (files are downloaded through the checked view, not the admin)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.core.models import STAMP_FIELDS
from presales.knowledge.models import KnowledgeAttachment, KnowledgeItem, KnowledgeUse


class KnowledgeAttachmentInline(admin.TabularInline):
    model = KnowledgeAttachment
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "owner", "restricted", "review_date", "updated_at")
    list_filter = ("kind", "restricted")
    search_fields = ("title", "search_text")
    raw_id_fields = ("owner",)
    filter_horizontal = ("competitors",)
    readonly_fields = STAMP_FIELDS
    inlines = [KnowledgeAttachmentInline]


@admin.register(KnowledgeUse)
class KnowledgeUseAdmin(admin.ModelAdmin):
    list_display = ("item", "opportunity", "used_by", "used_at")
    raw_id_fields = ("item", "opportunity", "used_by")
