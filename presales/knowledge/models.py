"""Knowledge: industry analyses, solutions, battlecards and reusable documents, with files and use on deals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales import access
from presales.core.fields import TextInReaderLanguage, choice_labels
from presales.core.models import BaseModel
from presales.core.uploads import stored_name
from presales.customers.models import Industry

if TYPE_CHECKING:
    from presales.people.models import User


class KnowledgeKind(models.TextChoices):
    INDUSTRY_ANALYSIS = "industry_analysis", _("Industry analysis")
    SOLUTION = "solution", _("Solution")
    PRODUCT_RECOMMENDATION = "product_recommendation", _("Product recommendation")
    BATTLECARD = "battlecard", _("Competitor battlecard")
    PROPOSAL = "proposal", _("Proposal")
    SLIDE_DECK = "slide_deck", _("Slide deck")
    BID_BOILERPLATE = "bid_boilerplate", _("Bid boilerplate")
    ANSWER = "answer", _("Answer to a common question")


def normalise(text: str) -> str:
    """Lowercase and collapse whitespace: the form both the search column and the query terms take."""
    return " ".join(text.lower().split())


def split_list(value: str) -> list[str]:
    """Tags and products are typed as a comma list (Chinese commas too)."""
    return [part.strip() for part in value.replace("，", ",").replace("、", ",").split(",") if part.strip()]


class KnowledgeItemQuerySet(models.QuerySet["KnowledgeItem"]):
    def visible_to(self, user: User) -> KnowledgeItemQuerySet:
        return access.knowledge_items_visible_to(user, self)

    def for_industry(self, industry: str) -> KnowledgeItemQuerySet:
        return self.filter(industries__contains=f",{industry},")

    def with_usefulness(self) -> KnowledgeItemQuerySet:
        """Uses on won deals first: what helped win is what the next deal should reuse."""
        return self.annotate(
            won_uses=Count("uses", filter=Q(uses__opportunity__outcome="won"), distinct=True),
            use_count=Count("uses", distinct=True),
        )


# The texts an item has in two versions: as written (the company's working language, usually Chinese) and in
# English, shown to English readers when it is filled in (the test-case library works the same way).
TRANSLATED_FIELDS = ("title", "summary", "body", "strengths", "weaknesses", "how_we_win", "proof_points")


class KnowledgeItem(BaseModel):
    """One reusable piece of knowledge: what it is, whom it is for, who keeps it current.

    Chinese and English readers share one library: each text has an English version (`<field>_en`), shown to
    English readers when it is filled in; search finds an item by either version."""

    kind = models.CharField(_("kind"), max_length=30, choices=KnowledgeKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("content"), blank=True)
    # Stored as ",finance,government," so one substring test finds an industry on SQLite and PostgreSQL alike.
    industries = models.CharField(_("industries"), max_length=300, blank=True, default="")
    products = models.CharField(_("products"), max_length=300, blank=True)
    competitors = models.ManyToManyField(
        "deals.Competitor", verbose_name=_("competitors"), blank=True, related_name="knowledge_items"
    )
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    strengths = models.TextField(_("their strengths"), blank=True)
    weaknesses = models.TextField(_("their weaknesses"), blank=True)
    how_we_win = models.TextField(_("how we win"), blank=True)
    proof_points = models.TextField(_("proof points"), blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    body_en = models.TextField(_("content (English)"), blank=True)
    strengths_en = models.TextField(_("their strengths (English)"), blank=True)
    weaknesses_en = models.TextField(_("their weaknesses (English)"), blank=True)
    how_we_win_en = models.TextField(_("how we win (English)"), blank=True)
    proof_points_en = models.TextField(_("proof points (English)"), blank=True)
    owner = models.ForeignKey(
        "people.User", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="knowledge_items"
    )
    review_date = models.DateField(_("review by"), null=True, blank=True)
    restricted = models.BooleanField(
        _("restricted"), default=False, help_text=_("Only the owner's team, their managers and admins can see it.")
    )
    # title + summary + body + tags + products + battlecard + competitor names, normalised: one column to search.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = KnowledgeItemQuerySet.as_manager()
    # The competitors an item is about are part of it: their links are in the history too.
    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=["competitors"])

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")
        indexes = [models.Index(fields=["kind", "restricted"], name="knowledge_kind_restricted")]

    def __str__(self) -> str:
        return self.title_text

    def get_absolute_url(self) -> str:
        return reverse("knowledge:detail", args=[self.pk])

    # Each text of TRANSLATED_FIELDS in the reader's language.
    title_text = TextInReaderLanguage("title")
    summary_text = TextInReaderLanguage("summary")
    body_text = TextInReaderLanguage("body")
    strengths_text = TextInReaderLanguage("strengths")
    weaknesses_text = TextInReaderLanguage("weaknesses")
    how_we_win_text = TextInReaderLanguage("how_we_win")
    proof_points_text = TextInReaderLanguage("proof_points")

    @property
    def industry_list(self) -> list[str]:
        return [code for code in self.industries.split(",") if code]

    @property
    def industry_labels(self) -> list[str]:
        return choice_labels(Industry, self.industry_list)

    @property
    def tag_list(self) -> list[str]:
        return split_list(self.tags)

    @property
    def is_battlecard(self) -> bool:
        return self.kind == KnowledgeKind.BATTLECARD

    def build_search_text(self, competitor_names: list[str] | None = None) -> str:
        parts = [self.tags, self.products, *(competitor_names or [])]
        parts += [getattr(self, name) for name in TRANSLATED_FIELDS]
        parts += [getattr(self, f"{name}_en") for name in TRANSLATED_FIELDS]
        return normalise(" ".join(parts))


def attachment_path(instance: KnowledgeAttachment, filename: str) -> str:
    return stored_name(f"knowledge/{instance.item_id}", filename)


class KnowledgeAttachmentQuerySet(models.QuerySet["KnowledgeAttachment"]):
    def visible_to(self, user: User) -> KnowledgeAttachmentQuerySet:
        """A file is visible exactly when its item is."""
        return self.filter(item__in=KnowledgeItem.objects.visible_to(user).values("pk"))


class KnowledgeAttachment(models.Model):
    """A file attached to a knowledge item, stored outside the web root and served only through a checked view."""

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = KnowledgeAttachmentQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["original_name", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:download", args=[self.pk])


class KnowledgeUse(models.Model):
    """An item used on a deal: who, when, on which deal; won deals make an item rank higher."""

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="uses")
    opportunity = models.ForeignKey("deals.Opportunity", on_delete=models.CASCADE, related_name="knowledge_uses")
    used_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(_("used"), auto_now_add=True)
    note = models.CharField(_("how it was used"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-used_at", "-pk"]
        verbose_name = _("knowledge use")
        verbose_name_plural = _("knowledge uses")
        constraints = [models.UniqueConstraint(fields=["item", "opportunity"], name="unique_knowledge_use_per_deal")]

    def __str__(self) -> str:
        return f"{self.item} → {self.opportunity}"
