"""Type-ahead search for knowledge items (core/pickers.py): what the person may see, their own first."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from presales.core.pickers import PickerView, mine_first
from presales.knowledge.models import KnowledgeItem


class KnowledgeItemPickerView(PickerView):
    """Knowledge items the person may read, by title, tags or products; their own first, then the recently changed."""

    search_fields = ("title", "title_en", "tags", "products")

    def get_queryset(self, request: Any) -> QuerySet[KnowledgeItem]:
        return KnowledgeItem.objects.visible_to(request.user)

    def rank(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return mine_first(queryset, Q(owner=request.user))

    def hint(self, row: KnowledgeItem) -> str:
        return str(row.get_kind_display())
