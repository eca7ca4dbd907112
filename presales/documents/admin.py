from django.contrib import admin
from django.http import HttpRequest

from presales.documents.models import DocumentDownload


@admin.register(DocumentDownload)
class DocumentDownloadAdmin(admin.ModelAdmin):
    """The audit records of documents produced: read-only."""

    list_display = ("downloaded_at", "user", "kind", "file_format", "object_label", "language")
    list_filter = ("kind", "file_format", "language")
    search_fields = ("object_label", "user__username")
    date_hierarchy = "downloaded_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DocumentDownload | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DocumentDownload | None = None) -> bool:
        return False
