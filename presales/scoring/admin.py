"""Admin: read and correct evaluation records; the pages and services remain the normal way to change them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.scoring.models import (
    CapabilityDimension,
    CapabilityScore,
    SalesRating,
    ScorecardSnapshot,
    ScoringPeriod,
    ScoringWeights,
    VisitQuotaChange,
    WinLossDebrief,
)


@admin.register(CapabilityDimension)
class CapabilityDimensionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(CapabilityScore)
class CapabilityScoreAdmin(SimpleHistoryAdmin):
    list_display = ["engineer", "dimension", "period_kind", "period_start", "score", "scored_by"]
    list_filter = ["period_kind", "dimension"]
    list_select_related = ["engineer", "dimension", "scored_by"]
    raw_id_fields = ["engineer", "scored_by"]


@admin.register(SalesRating)
class SalesRatingAdmin(SimpleHistoryAdmin):
    list_display = ["engineer", "rater", "opportunity", "occasion", "responsiveness", "quality", "impact", "rated_on"]
    list_filter = ["occasion"]
    list_select_related = ["engineer", "rater", "opportunity"]
    raw_id_fields = ["engineer", "rater", "opportunity", "request"]


@admin.register(WinLossDebrief)
class WinLossDebriefAdmin(SimpleHistoryAdmin):
    list_display = ["opportunity", "author", "role", "outcome", "main_reason", "competitor"]
    list_filter = ["outcome", "main_reason", "role"]
    list_select_related = ["opportunity", "author", "competitor"]
    raw_id_fields = ["opportunity", "author"]


@admin.register(VisitQuotaChange)
class VisitQuotaChangeAdmin(admin.ModelAdmin):
    list_display = ["engineer", "quota", "previous_quota", "effective_from", "changed_by", "changed_at"]
    list_select_related = ["engineer", "changed_by"]
    raw_id_fields = ["engineer", "changed_by"]


@admin.register(ScoringWeights)
class ScoringWeightsAdmin(SimpleHistoryAdmin):
    list_display = ["results", "visits", "capability", "rating", "technical"]


@admin.register(ScoringPeriod)
class ScoringPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "start", "end", "status", "closed_by", "closed_at"]
    list_filter = ["kind", "status"]


@admin.register(ScorecardSnapshot)
class ScorecardSnapshotAdmin(admin.ModelAdmin):
    list_display = ["period", "engineer", "composite", "rank", "frozen_at"]
    list_select_related = ["period", "engineer"]
    readonly_fields = ["period", "engineer", "team", "composite", "rank", "data", "frozen_at"]
