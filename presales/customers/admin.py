"""Administrator screens for accounts and stakeholders; saves go through the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.customers import services
from presales.customers.models import Account, Contact


def _copy_saved_state(obj: Any, saved: Any) -> None:
    # The admin keeps using its own object (log entry, redirect), so give it what the service stored.
    obj.pk = saved.pk
    obj.version = saved.version
    obj.created_at = saved.created_at
    obj.updated_at = saved.updated_at
    obj._state.adding = False
    if hasattr(saved, "team_id"):
        obj.team_id = saved.team_id


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ("name", "name_en", "short_name", "industry", "region", "city", "is_key_account", "owner", "team")
    list_filter = ("industry", "region", "is_key_account", "team")
    search_fields = ("name", "name_en", "short_name", "aliases", "city", "external_id")
    list_select_related = ("owner", "team")
    raw_id_fields = ("owner",)
    readonly_fields = ("team", "version", "created_at", "updated_at")

    def save_model(self, request: Any, obj: Account, form: Any, change: bool) -> None:
        fields = form.changed_data if change else form.cleaned_data
        data = {name: form.cleaned_data[name] for name in fields if name in services.ACCOUNT_FIELDS}
        if change:
            # `obj` already holds the typed values; the service re-reads the row under a lock.
            saved = services.account_update(actor=request.user, account=obj, expected_version=None, **data)
        else:
            saved = services.account_create(actor=request.user, **data)
        _copy_saved_state(obj, saved)


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "title", "account", "level", "decision_role", "attitude", "influence", "reports_to")
    list_filter = ("level", "decision_role", "attitude")
    search_fields = ("name", "title", "department", "account__name", "external_id")
    list_select_related = ("account", "reports_to")
    raw_id_fields = ("account", "reports_to")
    readonly_fields = ("version", "created_at", "updated_at")

    def get_readonly_fields(self, request: Any, obj: Contact | None = None) -> tuple[str, ...]:
        # A stakeholder stays with their account; moving people between accounts would break the org chart.
        if obj is not None:
            return (*self.readonly_fields, "account")
        return self.readonly_fields

    def save_model(self, request: Any, obj: Contact, form: Any, change: bool) -> None:
        fields = form.changed_data if change else form.cleaned_data
        data = {name: form.cleaned_data[name] for name in fields if name in services.CONTACT_FIELDS}
        if change:
            saved = services.contact_update(actor=request.user, contact=obj, expected_version=None, **data)
        else:
            saved = services.contact_create(actor=request.user, account=form.cleaned_data["account"], **data)
        _copy_saved_state(obj, saved)

    def delete_model(self, request: Any, obj: Contact) -> None:
        services.contact_delete(actor=request.user, contact=obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for contact in queryset:
            services.contact_delete(actor=request.user, contact=contact)
