from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from presales.people.models import Skill, Team, User, UserSkill


class UserSkillInline(admin.TabularInline):
    model = UserSkill
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "display_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active")
    search_fields = ("username", "display_name", "email")
    inlines = [UserSkillInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Presales Hub"),
            {
                "fields": (
                    "display_name",
                    "role",
                    "team",
                    "title",
                    "phone",
                    "language",
                    "timezone",
                    "weekly_capacity_hours",
                    "weekly_visit_quota",
                    "revenue_target",
                    "is_executive",
                )
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "manager", "parent")
    list_filter = ("kind",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en")
