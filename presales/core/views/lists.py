"""The list view: the rows a person may see, filtered, sorted, paged, downloadable, and re-rendered in place by htmx."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views import View

from presales.core import exports
from presales.core.tables import Table

# The id of the element holding a list's rows, its count, pages and empty state (see components/list_partial.html).
RESULTS_ID = "list-results"
# Query parameters that change what is shown without filtering it.
NOT_FILTERS = frozenset({"page", "ordering", "export"})


def paginate(request: HttpRequest, rows: Any, per_page: int | None = None, *, count: int | None = None) -> Page:
    """The page of `rows` that `?page=` asks for (the last one if it is too large, the first if it is not a number).

    `count`: the number of rows when the caller has it already (from the totals' query), so it is not counted again.
    """
    paginator = Paginator(rows, per_page or settings.PRESALES_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached property: the value the paginator would have computed
    return paginator.get_page(request.GET.get("page"))


def wants_results_only(request: HttpRequest) -> bool:
    """True when htmx asked for the list's results alone (sorting or paging in place), not the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and htmx.target == RESULTS_ID and not htmx.history_restore_request


class ObjectListView(LoginRequiredMixin, View):
    """A list page: `queryset` narrowed to what the person may see, `filterset_class` over it, `table_class` for the
    columns, the page of rows, and the download when the URL carries `?export=csv|xlsx`. A list only some people may
    open at all (the people pages, a manager's queue) says who in `has_permission`.

    The template receives `table`, `page_obj`, the rows under `context_object_name`, the FilterSet under
    `filter`, `filtered` (whether any filter is set) and `list_base`: list templates start with
    `{% extends list_base|default:"base.html" %}` and put their results in `{% block results %}`, so an htmx
    request for the results alone gets just that block.
    """

    queryset: ClassVar[QuerySet | None] = None
    filterset_class: ClassVar[Any] = None
    table_class: ClassVar[type[Table]]
    template_name: ClassVar[str]
    context_object_name: ClassVar[str] = "rows"
    # The download's file name (without date and extension); None: the list offers no download.
    export_basename: ClassVar[str | None] = None
    # Whether the rows come in pages (of `paginate_by`, else the site's PRESALES_PAGE_SIZE); lists that are short by
    # nature show every row.
    paginated: ClassVar[bool] = True
    paginate_by: ClassVar[int | None] = None

    def has_permission(self, request: Any) -> bool:
        """Whether the person may open the list at all (a 403 otherwise); the rows are narrowed by `get_queryset`."""
        return True

    def get_queryset(self, request: Any) -> Any:
        """The rows this person may see: the model's `visible_to(user)`, as everywhere else."""
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no queryset")
        return self.queryset.visible_to(request.user)  # type: ignore[attr-defined]  # every listed model has it

    def get_filterset(self, request: Any, queryset: Any) -> Any:
        if self.filterset_class is None:
            return None
        return self.filterset_class(request.GET, queryset=queryset, request=request)

    def get_rows(self, request: Any, filterset: Any, queryset: Any) -> Any:
        """The rows to page and download (the FilterSet's result unless a list reshapes it, e.g. a ranking)."""
        return filterset.qs if filterset is not None else queryset

    def prepare_rows(self, request: Any, rows: list[Any]) -> list[Any]:
        """Decorate the shown rows (only those) before the table renders them."""
        return rows

    def is_filtered(self, request: Any, filterset: Any) -> bool:
        """Whether the person narrowed the list (the empty state then says so, and "Clear" shows)."""
        if filterset is None:
            return False
        return any(value for key, value in request.GET.items() if key not in NOT_FILTERS and key in filterset.filters)

    def get_export_basename(self, request: Any) -> str:
        return self.export_basename or "export"

    def get_table(self, request: Any, rows: list[Any]) -> Table:
        return self.table_class(rows, request=request)

    def get_extra_context(self, request: Any, rows: Any) -> dict[str, Any]:
        """What else the page shows (permissions for its buttons, totals over the filtered rows). When it counts the
        rows anyway, it may return that number as `row_count`: the pages then do not count them again."""
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.has_permission(request):
            raise PermissionDenied
        queryset = self.get_queryset(request)
        filterset = self.get_filterset(request, queryset)
        rows = self.get_rows(request, filterset, queryset)
        if self.export_basename is not None and (fmt := exports.requested_format(request)):
            return exports.export_response(
                queryset=rows,
                columns=self.table_class.export_columns(),
                fmt=fmt,
                basename=self.get_export_basename(request),
            )
        extra = self.get_extra_context(request, rows)
        page_obj = paginate(request, rows, self.paginate_by, count=extra.get("row_count")) if self.paginated else None
        shown = self.prepare_rows(request, list(page_obj.object_list if page_obj is not None else rows))
        if page_obj is not None:
            page_obj.object_list = shown
        context: dict[str, Any] = {
            "table": self.get_table(request, shown),
            "page_obj": page_obj,
            self.context_object_name: shown,
            "filter": filterset,
            "filtered": self.is_filtered(request, filterset),
            "exportable": self.export_basename is not None,
            "results_id": RESULTS_ID,
            "list_base": "components/list_partial.html" if wants_results_only(request) else "base.html",
        }
        context.update(extra)
        return render(request, self.template_name, context)
