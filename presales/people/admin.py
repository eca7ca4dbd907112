from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from presales.people import services
from presales.people.models import MfaRequirement, Skill, Team, User, UserSkill

_DJANGO_USER_FIELDS = {name for _title, options in DjangoUserAdmin.fieldsets or () for name in options["fields"]}
PRESALES_FIELDS = tuple(name for name in services.USER_FIELDS if name not in _DJANGO_USER_FIELDS)


class UserSkillInline(admin.TabularInline):
    model = UserSkill
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "display_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active")
    search_fields = ("username", "display_name", "email")
    inlines = [UserSkillInline]
    actions = ["unlock_signin"]
    # Django's own fieldsets, then every other field the people services write (services.USER_FIELDS).
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Presales Hub"), {"fields": PRESALES_FIELDS}),
    )

    @admin.action(description=_("Unlock sign-in (after too many failed passwords)"))
    def unlock_signin(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        cleared = [services.user_signin_unlock(actor=request.user, user=user) for user in queryset]  # type: ignore[arg-type]
        count = sum(1 for n in cleared if n)
        self.message_user(
            request,
            ngettext("%(count)d account was unlocked.", "%(count)d accounts were unlocked.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(MfaRequirement)
class MfaRequirementAdmin(SimpleHistoryAdmin):
    """Roles that must use two-factor sign-in (administrators always do in production: PRESALES_MFA_REQUIRED_ROLES)."""

    list_display = ("role", "created_at")
    fields = ("role",)

    def get_readonly_fields(self, request, obj=None):
        return ("role",) if obj is not None else ()  # a requirement is added or deleted, never changed

    def save_model(self, request, obj, form, change):
        services.mfa_requirement_set(actor=request.user, role=obj.role, required=True)
        obj.pk = MfaRequirement.objects.get(role=obj.role).pk

    def delete_model(self, request, obj):
        services.mfa_requirement_set(actor=request.user, role=obj.role, required=False)

    def delete_queryset(self, request, queryset):
        for requirement in queryset:
            services.mfa_requirement_set(actor=request.user, role=requirement.role, required=False)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "manager", "parent")
    list_filter = ("kind",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en")
