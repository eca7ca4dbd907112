"""Admin for opportunities, deal teams, competitors and checklists, with their change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.core.models import STAMP_FIELDS
from presales.deals.models import (
    Competitor,
    DealConflict,
    DealPlaybook,
    DealStep,
    DealTeamMember,
    Opportunity,
    OpportunityCompetitor,
    OutcomeReason,
    ProductLine,
)


class DealTeamMemberInline(admin.TabularInline):
    model = DealTeamMember
    extra = 0
    raw_id_fields = ("user",)


class OpportunityCompetitorInline(admin.TabularInline):
    model = OpportunityCompetitor
    extra = 0


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "account", "stage", "amount", "currency", "probability", "expected_close_date", "outcome")
    list_filter = ("outcome", "stage", "currency", "team")
    search_fields = ("name", "account__name", "external_id")
    list_select_related = ("account", "stage")
    raw_id_fields = ("account", "sales_owner", "presales_lead")
    date_hierarchy = "expected_close_date"
    readonly_fields = STAMP_FIELDS
    inlines = [DealTeamMemberInline, OpportunityCompetitorInline]


@admin.register(DealTeamMember)
class DealTeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ("opportunity", "user", "role")
    list_filter = ("role",)
    search_fields = ("opportunity__name", "user__username", "user__display_name")
    list_select_related = ("opportunity", "user")
    raw_id_fields = ("opportunity", "user")


@admin.register(Competitor)
class CompetitorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "name_en", "threat_level", "website")
    list_filter = ("threat_level",)
    search_fields = ("name", "name_en", "aliases", "strengths", "weaknesses")
    readonly_fields = STAMP_FIELDS


@admin.register(DealPlaybook)
class DealPlaybookAdmin(SimpleHistoryAdmin):
    list_display = ("opportunity", "playbook")
    raw_id_fields = ("opportunity",)
    readonly_fields = ("playbook",)


@admin.register(DealStep)
class DealStepAdmin(SimpleHistoryAdmin):
    list_display = ("opportunity", "definition", "status", "responsible", "due_date")
    list_filter = ("status", "definition__responsible_role")
    list_select_related = ("opportunity", "definition", "responsible")
    raw_id_fields = ("opportunity", "responsible", "completed_by", "answer_contact")
    readonly_fields = ("definition",)


@admin.register(ProductLine)
class ProductLineAdmin(SimpleHistoryAdmin):
    list_display = ("name", "name_en", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "aliases")
    readonly_fields = STAMP_FIELDS


@admin.register(OutcomeReason)
class OutcomeReasonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "name_en", "applies_to", "order", "is_active")
    list_filter = ("applies_to", "is_active")
    search_fields = ("name", "name_en")
    readonly_fields = ("key", *STAMP_FIELDS)


@admin.register(DealConflict)
class DealConflictAdmin(SimpleHistoryAdmin):
    list_display = ("first", "second", "resolution", "resolved_by", "resolved_at")
    list_filter = ("resolution",)
    raw_id_fields = ("first", "second")
    readonly_fields = (*STAMP_FIELDS, "resolved_by", "resolved_at")
