"""Admin for tenders, POCs, the test case library and product gaps."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from presales.bids.models import (
    DeviationItem,
    Poc,
    PocCriterion,
    ProductGap,
    SubmissionItem,
    Tender,
    TenderQuestion,
    TenderSection,
    TestCase,
)
from presales.core.models import STAMP_FIELDS


class SectionInline(admin.TabularInline):
    model = TenderSection
    extra = 0
    raw_id_fields = ("owner",)


class QuestionInline(admin.TabularInline):
    model = TenderQuestion
    extra = 0
    raw_id_fields = ("asked_by", "knowledge_item")


class SubmissionInline(admin.TabularInline):
    model = SubmissionItem
    extra = 0
    fields = ("name", "owner", "done_by", "done_at", "attachment_name")
    readonly_fields = ("attachment_name",)
    raw_id_fields = ("owner", "done_by")


@admin.register(Tender)
class TenderAdmin(SimpleHistoryAdmin):
    list_display = ("title", "opportunity", "status", "procurement_method", "submission_deadline")
    list_filter = ("status", "procurement_method")
    search_fields = ("title", "reference", "opportunity__name")
    raw_id_fields = ("opportunity", "winning_competitor")
    readonly_fields = STAMP_FIELDS
    inlines = [SectionInline, QuestionInline, SubmissionInline]


@admin.register(DeviationItem)
class DeviationItemAdmin(admin.ModelAdmin):
    list_display = ("tender", "table", "position", "mandatory", "compliance")
    list_filter = ("table", "compliance", "mandatory")
    raw_id_fields = ("tender", "owner")


class CriterionInline(admin.TabularInline):
    model = PocCriterion
    extra = 0
    raw_id_fields = ("test_case",)


@admin.register(Poc)
class PocAdmin(SimpleHistoryAdmin):
    list_display = ("title", "opportunity", "status", "outcome", "start_date", "end_date")
    list_filter = ("status", "outcome")
    search_fields = ("title", "opportunity__name")
    raw_id_fields = ("opportunity", "lead")
    readonly_fields = (*STAMP_FIELDS, "share_expires_at", "share_revoked_at")
    exclude = ("share_token_hash",)
    inlines = [CriterionInline]


@admin.register(TestCase)
class TestCaseAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "created_by")
    search_fields = ("title", "validation")
    raw_id_fields = ("created_by",)


@admin.register(ProductGap)
class ProductGapAdmin(SimpleHistoryAdmin):
    list_display = ("title", "opportunity", "severity", "status", "product")
    list_filter = ("severity", "status")
    search_fields = ("title", "product")
    raw_id_fields = ("opportunity", "created_by")
    readonly_fields = ("key", *STAMP_FIELDS)
