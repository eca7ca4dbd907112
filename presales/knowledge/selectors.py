"""Reads for the knowledge base: ranked bilingual search with highlights, suggestions for a deal."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from presales.customers.names import normalize_account_name
from presales.knowledge.models import KnowledgeItem, normalise

if TYPE_CHECKING:
    from presales.deals.models import Opportunity
    from presales.people.models import User

# How much a hit counts where it lands: the title says what the item is about, tags what it is for.
TITLE_WEIGHT = 10
TAG_WEIGHT = 5
SUMMARY_WEIGHT = 3
TEXT_WEIGHT = 1
MAX_TERMS = 8


def query_terms(query: str) -> list[str]:
    """Terms split by whitespace; a Chinese term matches as a substring (so 数据中心 finds 数据中心建设)."""
    seen: list[str] = []
    for term in normalise(query).split(" "):
        if term and term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def _term_condition(term: str) -> Q:
    """The item's text holds the term, or one of its competitors is called so in any language or by an alias
    (read from the competitor at query time, so renaming a competitor needs no re-indexing of the items)."""
    condition = Q(search_text__contains=term)
    key = normalize_account_name(term)
    if key:
        about = KnowledgeItem.competitors.through.objects.filter(competitor__name_keys__contains=key)
        condition |= Q(pk__in=about.values("knowledgeitem_id"))
    return condition


def search(queryset: QuerySet[KnowledgeItem], query: str) -> QuerySet[KnowledgeItem]:
    """Items holding every term, ranked by where the terms hit (title > tags > summary > the rest) in SQL.

    icontains on a normalised column works the same on SQLite and PostgreSQL, for Chinese (no word
    boundaries needed) and for part of an English word.
    """
    terms = query_terms(query)
    if not terms:
        return queryset.annotate(rank=Value(0, output_field=IntegerField()))
    rank: Any = Value(0, output_field=IntegerField())
    for term in terms:
        queryset = queryset.filter(_term_condition(term))
        rank = (
            rank
            + Case(
                When(Q(title__icontains=term) | Q(title_en__icontains=term), then=Value(TITLE_WEIGHT)),
                default=Value(0),
                output_field=IntegerField(),
            )
            + Case(When(tags__icontains=term, then=Value(TAG_WEIGHT)), default=Value(0), output_field=IntegerField())
            + Case(
                When(Q(summary__icontains=term) | Q(summary_en__icontains=term), then=Value(SUMMARY_WEIGHT)),
                default=Value(0),
                output_field=IntegerField(),
            )
            + Value(TEXT_WEIGHT)
        )
    return queryset.annotate(rank=rank).order_by(F("rank").desc(), "-updated_at", "pk")


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """The text, HTML-escaped, with each term wrapped in <mark> (escaping piece by piece, never the marks)."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the text was escaped above


def snippet(item: KnowledgeItem, terms: Iterable[str], width: int = 160) -> SafeString:
    """A short excerpt around the first hit in the summary or content, highlighted."""
    terms = list(terms)
    pattern = _pattern(terms)
    # The reader's version first; a hit only in the other language's version still shows where it is.
    readers = [item.summary_text, item.body_text, item.how_we_win_text, item.proof_points_text]
    others = [item.summary, item.body, item.how_we_win, item.proof_points]
    others += [item.summary_en, item.body_en, item.how_we_win_en, item.proof_points_en]
    for text in readers + others:
        if not text:
            continue
        match = pattern.search(text) if pattern else None
        if match is None:
            continue
        start = max(0, match.start() - width // 3)
        excerpt = text[start : start + width]
        prefix = "…" if start else ""
        suffix = "…" if start + width < len(text) else ""
        return mark_safe(prefix + highlight(excerpt, terms) + suffix)  # noqa: S308 - highlight() escapes
    fallback = item.summary_text or item.body_text
    return highlight(fallback[:width] + ("…" if len(fallback) > width else ""), terms)


def decorate(items: Iterable[KnowledgeItem], query: str) -> list[KnowledgeItem]:
    """Highlights for one page of results only (done in Python, after the database picked the page)."""
    terms = query_terms(query)
    result = []
    for item in items:
        item.title_html = highlight(item.title_text, terms)  # type: ignore[attr-defined]
        item.snippet_html = snippet(item, terms)  # type: ignore[attr-defined]
        result.append(item)
    return result


def suggestions_for_deal(user: User, opportunity: Opportunity, limit: int = 6) -> list[KnowledgeItem]:
    """Items for the deal's industry or its competitors, the ones that helped win first."""
    from django.db.models import Q

    competitor_ids = list(opportunity.competitor_links.values_list("competitor_id", flat=True))
    condition = Q(industries__contains=f",{opportunity.account.industry},")
    if competitor_ids:
        condition |= Q(competitors__in=competitor_ids)
    matching = KnowledgeItem.objects.filter(condition).values("pk")
    return list(
        KnowledgeItem.objects.visible_to(user)
        .filter(pk__in=matching)
        .with_usefulness()
        .select_related("owner")
        .order_by("-won_uses", "-use_count", "-updated_at", "pk")[:limit]
    )


def suggestions_for_text(user: User, text: str, industry: str = "", limit: int = 5) -> list[KnowledgeItem]:
    """Items for a support request (the three-looks plan): the request's words and the deal's industry."""
    words = [w for w in query_terms(text) if len(w) >= 3][:MAX_TERMS]
    queryset = KnowledgeItem.objects.visible_to(user)
    from django.db.models import Q

    condition = Q()
    for word in words:
        condition |= Q(search_text__contains=word)
    if industry:
        condition |= Q(industries__contains=f",{industry},")
    if not condition:
        return []
    return list(
        queryset.filter(condition)
        .with_usefulness()
        .select_related("owner")
        .order_by("-won_uses", "-updated_at")[:limit]
    )
