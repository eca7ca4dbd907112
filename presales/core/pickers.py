"""Type-ahead pickers: a select that searches as you type, for lists too long to scroll (deals, accounts, people).

The browser side is Tom Select, whose files come from the django-tomselect package (static files served like our
own, so it works offline); `presales/static/presales/pickers.js` starts it on every `select[data-picker-url]`, so
no inline script is needed (a strict Content-Security-Policy holds).

- `PickerSelect` / `PickerSelectMultiple` render only the selected options (a filter of 2,000 people sends one
  option, not 2,000) and name the endpoint that searches. The form field keeps its queryset: what may be chosen
  is still checked on the server.
- `PickerView` is the endpoint: the rows the person may see (`get_queryset`, from `presales.access` through the
  model's `visible_to`), narrowed by every word typed, the person's own and the recently changed first, at most
  `limit` rows in one query, as JSON `{"results": [{"value", "text", "hint"}]}`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from presales.core import search as text_search

MAX_QUERY_LENGTH = 100


class PickerWidgetMixin:
    """Shared by the single and multiple pickers: the endpoint and only the selected options in the HTML."""

    allow_multiple_selected: bool
    choices: Any

    def __init__(self, url_name: str, *, query: str = "", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)  # type: ignore[call-arg]  # forms.Select's __init__
        self.url_name = url_name
        self.query = query

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]  # forms.Select's get_context
        url = reverse(self.url_name) + (f"?{self.query}" if self.query else "")
        context["widget"]["attrs"].update(
            {
                "data-picker-url": url,
                "data-picker-placeholder": str(_("Type to search")),
                "data-picker-no-results": str(_("Nothing matches")),
            }
        )
        return context

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        queryset = getattr(self.choices, "queryset", None)
        field = getattr(self.choices, "field", None)
        if queryset is None or field is None:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]  # forms.Select's optgroups
        selected = [str(item) for item in value if str(item).isdigit()]
        options = []
        if not self.allow_multiple_selected:
            empty_label = field.empty_label if field.empty_label is not None else ""
            options.append(self.create_option(name, "", empty_label, not selected, 0))  # type: ignore[attr-defined]
        rows = queryset.filter(pk__in=selected) if selected else []
        for index, row in enumerate(rows, start=1):
            label = field.label_from_instance(row)
            options.append(self.create_option(name, str(row.pk), label, True, index))  # type: ignore[attr-defined]
        return [(None, options, 0)]


class PickerSelect(PickerWidgetMixin, forms.Select):
    """Choose one row by typing (a ModelChoiceField's widget)."""


class PickerSelectMultiple(PickerWidgetMixin, forms.SelectMultiple):
    """Choose several rows by typing (a ModelMultipleChoiceField's widget)."""


class PickerView(LoginRequiredMixin, View):
    """Search endpoint of one picker: declare `get_queryset` (visible rows), `search_fields`, and `rank`."""

    search_fields: ClassVar[tuple[str, ...]] = ()
    limit: ClassVar[int] = 20

    def get_queryset(self, request: Any) -> QuerySet[Any]:
        raise NotImplementedError

    def rank(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The order of the results: by default as the queryset comes."""
        return queryset

    def label(self, row: Any) -> str:
        return str(row)

    def hint(self, row: Any) -> str:
        """A second, quieter line (the account of a deal, the team of a person)."""
        return ""

    def search(self, queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
        return text_search.matching(queryset, self.search_fields, text)

    def get(self, request: HttpRequest) -> JsonResponse:
        text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
        rows = self.rank(request, self.search(self.get_queryset(request), text))[: self.limit]
        results = [{"value": str(row.pk), "text": self.label(row), "hint": self.hint(row)} for row in rows]
        return JsonResponse({"results": results})


def mine_first(queryset: QuerySet[Any], mine: Q, *, then: tuple[str, ...] = ("-updated_at",)) -> QuerySet[Any]:
    """Rows matching `mine` (the person's own) first, then by `then` (the recently changed first), then by key."""
    return queryset.annotate(
        picker_rank=Case(When(mine, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("picker_rank", *then, "pk")
