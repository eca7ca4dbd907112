"""Free-text search of lists and pickers: one rule, in one place.

Every word of the text must appear in one of the fields (case-insensitive, part of a word: Chinese has no word
boundaries, and "华东 银行" narrows instead of widening). The same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

# At most this many words count (a pasted paragraph is not a search).
MAX_WORDS = 8


def words(text: str) -> list[str]:
    """The words of a search text (split on white space), at most MAX_WORDS."""
    return text.split()[:MAX_WORDS]


def matching(
    queryset: QuerySet[Any],
    fields: Iterable[str],
    text: str,
    *,
    also: Callable[[str], Q] | None = None,
) -> QuerySet[Any]:
    """The rows of `queryset` where every word of `text` is part of one of `fields` (or meets `also(word)`, e.g. a
    normalised name column); all rows when the text has no words."""
    fields = tuple(fields)
    condition = Q()
    for word in words(text):
        word_condition = Q()
        for field in fields:
            word_condition |= Q(**{f"{field}__icontains": word})
        if also is not None:
            word_condition |= also(word)
        condition &= word_condition
    return queryset.filter(condition) if condition else queryset
