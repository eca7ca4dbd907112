"""Administrator screens for accounts and stakeholders; saves go through the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.core.models import STAMP_FIELDS
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


class ServiceSavesAdmin(SimpleHistoryAdmin):
    """Adding and changing go through the services (`service_create`, `service_update`), given only the fields they
    accept (`service_fields`) of what the form changed."""

    service_fields: tuple[str, ...] = ()

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        fields = form.changed_data if change else form.cleaned_data
        data = {name: form.cleaned_data[name] for name in fields if name in self.service_fields}
        if change:
            saved = self.service_update(request.user, obj, data)
        else:
            saved = self.service_create(request.user, form, data)
        _copy_saved_state(obj, saved)

    def service_create(self, actor: Any, form: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def service_update(self, actor: Any, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError


@admin.register(Account)
class AccountAdmin(ServiceSavesAdmin):
    list_display = ("name", "name_en", "short_name", "industry", "region", "city", "is_key_account", "owner", "team")
    list_filter = ("industry", "region", "is_key_account", "team")
    search_fields = ("name", "name_en", "short_name", "aliases", "city", "external_id")
    list_select_related = ("owner", "team")
    raw_id_fields = ("owner",)
    readonly_fields = ("team", *STAMP_FIELDS)

    service_fields = services.ACCOUNT_FIELDS

    def service_create(self, actor: Any, form: Any, data: dict[str, Any]) -> Account:
        return services.account_create(actor=actor, **data)

    def service_update(self, actor: Any, obj: Account, data: dict[str, Any]) -> Account:
        # `obj` already holds the typed values; the service re-reads the row under a lock.
        return services.account_update(actor=actor, account=obj, expected_version=None, **data)


@admin.register(Contact)
class ContactAdmin(ServiceSavesAdmin):
    list_display = ("name", "title", "account", "level", "decision_role", "attitude", "influence", "reports_to")
    list_filter = ("level", "decision_role", "attitude")
    search_fields = ("name", "title", "department", "account__name", "external_id")
    list_select_related = ("account", "reports_to")
    raw_id_fields = ("account", "reports_to")
    readonly_fields = STAMP_FIELDS

    def get_readonly_fields(self, request: Any, obj: Contact | None = None) -> tuple[str, ...]:
        # A stakeholder stays with their account; moving people between accounts would break the org chart.
        if obj is not None:
            return (*self.readonly_fields, "account")
        return self.readonly_fields

    service_fields = services.CONTACT_FIELDS

    def service_create(self, actor: Any, form: Any, data: dict[str, Any]) -> Contact:
        return services.contact_create(actor=actor, account=form.cleaned_data["account"], **data)

    def service_update(self, actor: Any, obj: Contact, data: dict[str, Any]) -> Contact:
        return services.contact_update(actor=actor, contact=obj, expected_version=None, **data)

    def delete_model(self, request: Any, obj: Contact) -> None:
        services.contact_delete(actor=request.user, contact=obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for contact in queryset:
            services.contact_delete(actor=request.user, contact=contact)
