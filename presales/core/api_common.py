"""Shared pieces of the REST API: the one error shape, its exception handlers, list filtering and pagination."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AfterValidator, Field, ValidationInfo, create_model, field_validator
from pydantic_core import PydanticCustomError

from presales.core.concurrency import ConcurrentEditError
from presales.core.lookups import get_object_for_user

NON_FIELD = "__all__"
MAX_LIMIT = 100


# --- The error shape ------------------------------------------------------------------------------


class CsrfFailed(HttpError):
    """A session-authenticated write without a valid CSRF token (raised by the session authentication)."""

    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class FieldChangeOut(Schema):
    """One field somebody else changed since the version the caller sent."""

    field: str
    label: str
    theirs: str


class ErrorDetail(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, conflict, invalid.")
    message: str = Field(description="A sentence for people, in the request's language (Accept-Language).")
    fields: dict[str, list[str]] = Field(default_factory=dict, description="Messages per input field.")
    changes: list[FieldChangeOut] = Field(default_factory=list, description="409 only: what changed.")
    current_version: int | None = Field(default=None, description="409 only: the version to send next time.")


class ErrorOut(Schema):
    error: ErrorDetail


def errors(*statuses: int) -> dict[int, type[Schema]]:
    """The `response=` entries for the error statuses an operation can answer with."""
    return dict.fromkeys(statuses, ErrorOut)


READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(401, 403, 404, 422)
UPDATE_ERRORS = errors(401, 403, 404, 409, 422)


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    body = ErrorDetail(code=code, message=str(message), **extra).model_dump()
    return api.create_response(request, {"error": body}, status=status)


def _validation_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
    return {NON_FIELD: [str(m) for m in error.messages]}


# Pydantic's own messages are English only; the common ones get a translated sentence.
def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Ensure this value has at least %(min)s characters.") % {"min": ctx.get("min_length")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind == "date_not_text":
        return _("Write the date as text, e.g. 2026-05-01.")
    if kind == "number_is_boolean":
        return _("Enter a number, not true or false.")
    if kind == "boolean_not_strict":
        return _("Enter true or false.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice.")
    return _("Enter a valid value.")


def _ninja_fields(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "name") -> "name": the caller knows fields, not our parameter names.
        if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form"):
            loc = loc[1:]
        if len(loc) > 1 and loc[0] in ("payload", "filters", "params"):
            loc = loc[1:]
        fields.setdefault(".".join(loc) or NON_FIELD, []).append(_pydantic_message(error))
    return fields


STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "throttled",
}


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error the API returns has the shape {"error": {"code", "message", "fields", ...}}."""

    @api.exception_handler(NinjaValidationError)
    def on_request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(api, request, 422, "invalid", _("Some values are not valid."), fields=_ninja_fields(exc))

    @api.exception_handler(DjangoValidationError)
    def on_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = _validation_fields(exc)
        messages = [m for ms in fields.values() for m in ms]
        message = messages[0] if len(messages) == 1 else _("Some values are not valid.")
        return error_response(api, request, 422, "invalid", message, fields=fields)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, "permission_denied", _("You do not have permission to do this."))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found, or you cannot see it."))

    @api.exception_handler(ConcurrentEditError)
    def on_conflict(request: HttpRequest, exc: ConcurrentEditError) -> HttpResponse:
        changes = [FieldChangeOut(field=c.field, label=c.label, theirs=c.theirs) for c in exc.changes]
        fields = {c.field: [_("Changed by someone else to: %(value)s") % {"value": c.theirs}] for c in exc.changes}
        return error_response(
            api,
            request,
            409,
            "conflict",
            exc.message,
            fields=fields,
            changes=changes,
            current_version=getattr(exc.instance, "version", None),
        )

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api,
            request,
            401,
            "not_authenticated",
            _("Send a valid API token (Authorization: Bearer …) or sign in."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(CsrfFailed)
    def on_csrf(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
        return error_response(
            api, request, 403, "csrf_failed", _("Signed-in writes need the CSRF token in the X-CSRFToken header.")
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = STATUS_CODES.get(exc.status_code, "error")
        return error_response(api, request, exc.status_code, code, exc.message)


# --- Lists: filters, ordering, pagination ----------------------------------------------------------


MAX_ID = 2**63 - 1  # the largest primary key the databases store; bigger numbers would crash the query


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL characters in text; refuse them up front with a 422 instead of a 500.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed.")
    return value


SafeStr = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _accepts(annotation: Any) -> set[type]:
    """The plain types a field annotation accepts (Optional, unions and Annotated unwrapped)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _accepts(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return {kind for arg in get_args(annotation) for kind in _accepts(arg)}
    return {annotation} if isinstance(annotation, type) else set()


class InputSchema(Schema):
    """The base of every request body: JSON types are taken as they are, not coerced.

    Pydantic's lax mode would store `"date": 0` as 1970-01-01, take `"probability": false` as 0 and `"flag": 1` as
    true. Here a date or time must be written as text, a number must not be a boolean, and a boolean must be true or
    false; anything else is a 422 on that field. (Pydantic's strict mode is not usable as such: Ninja validates the
    parsed JSON as Python objects, where strict mode would refuse "2026-05-01" for a date too.)
    """

    @field_validator("*", mode="before")
    @classmethod
    def _json_types_as_sent(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or info.field_name is None:
            return value
        kinds = _accepts(cls.model_fields[info.field_name].annotation) - {type(None)}
        if str in kinds:
            return value
        if kinds & {datetime.date, datetime.datetime, datetime.time} and isinstance(value, int | float | bool):
            raise PydanticCustomError("date_not_text", "A date or time must be written as text")
        if kinds & {int, float, Decimal} and bool not in kinds and isinstance(value, bool):
            raise PydanticCustomError("number_is_boolean", "A number cannot be true or false")
        if kinds == {bool} and not isinstance(value, bool):
            raise PydanticCustomError("boolean_not_strict", "Write true or false")
        return value


def text(default: Any = "", max_length: int = 200, **kwargs: Any) -> Any:
    """A text field for input schemas, with the model's length limit."""
    return Field(default, max_length=max_length, **kwargs)


class VersionedOut(Schema):
    """The fields every editable object has (core.models.BaseModel): the version to send back, and its stamps."""

    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The output of a list endpoint: one page of `item`s and how it sits in the whole (what `paginate` returns)."""
    items: Any = list[item]  # type: ignore[valid-type]  # built at run time, one per list endpoint
    return create_model(
        name, __base__=Schema, count=(int, ...), limit=(int, ...), offset=(int, ...), items=(items, ...)
    )


class PageParams(Schema):
    limit: int = Field(25, ge=1, le=MAX_LIMIT, description="How many rows to return (at most 100).")
    offset: int = Field(0, ge=0, le=10_000_000, description="How many rows to skip.")


def _filter_type(filter_: Any) -> Any:
    """The query-parameter type that documents one django-filter filter in the OpenAPI schema."""
    if isinstance(filter_, django_filters.OrderingFilter):
        return Annotated[SafeStr, Field(max_length=200)]
    if isinstance(filter_, django_filters.BooleanFilter):
        return bool
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        return Id
    if isinstance(filter_, django_filters.DateFilter):
        return datetime.date
    if isinstance(filter_, django_filters.NumberFilter):
        return Annotated[Decimal, Field(max_digits=18, decimal_places=2)]
    if isinstance(filter_, django_filters.ChoiceFilter):
        choices = filter_.extra.get("choices")
        if isinstance(choices, list | tuple) and choices:
            return Literal[tuple(str(value) for value, _label in choices)]
    return Annotated[SafeStr, Field(max_length=200)]


def filter_params(filterset_class: Any, name: str) -> type[Schema]:
    """A query schema generated from a FilterSet: the API documents exactly the filters the list page has."""
    fields: dict[str, Any] = {}
    for field_name, filter_ in filterset_class.base_filters.items():
        description = str(filter_.label or field_name)
        if isinstance(filter_, django_filters.OrderingFilter):
            names = list(getattr(filter_, "param_map", {}))
            description = f"Sort by: {', '.join(sorted(names))} (comma-separated, prefix - for descending)."
        fields[field_name] = (_filter_type(filter_) | None, Field(None, description=description))
    return create_model(name, __base__=Schema, **fields)


def list_endpoint(
    router: Router, filterset_class: Any, item: type[Schema], *, path: str = "/", **operation: Any
) -> Callable[[Callable[[Any], Any]], Callable[..., Any]]:
    """Declare a list endpoint by the rows it starts from: the decorated function takes the request and returns the
    rows the caller may see; the endpoint filters and sorts them with the list page's FilterSet (its filters become
    the query parameters) and answers one page of `item`s::

        @list_endpoint(accounts_router, AccountFilterSet, AccountOut, summary="List accounts")
        def list_accounts(request):
            return Account.objects.visible_to(request.user)
    """
    name = item.__name__.removesuffix("Out")
    filters_schema = filter_params(filterset_class, f"{name}Filters")
    page = page_schema(item, f"{name}Page")

    def register(rows: Callable[[Any], Any]) -> Callable[..., Any]:
        def endpoint(request: HttpRequest, filters: Any, page: PageParams) -> Any:
            return paginate(apply_filterset(filterset_class, request, rows(request), filters), page)

        # Ninja reads the parameters from the annotations, and the operation's id and text from the function.
        endpoint.__annotations__ = {
            "request": HttpRequest,
            "filters": Query[filters_schema],  # type: ignore[valid-type,misc]  # a schema built at run time
            "page": Query[PageParams],
            "return": Any,
        }
        endpoint.__name__ = endpoint.__qualname__ = rows.__name__
        endpoint.__module__ = rows.__module__
        endpoint.__doc__ = rows.__doc__
        return router.get(path, response={200: page, **READ_ERRORS}, **operation)(endpoint)

    return register


def apply_filterset(filterset_class: Any, request: HttpRequest, queryset: models.QuerySet, params: Schema) -> Any:
    """Filter with the same django-filter FilterSet as the list page; its form errors become a 422."""
    data = request.GET.copy()
    for field_name, value in params.dict(exclude_none=True).items():
        # The page's checkboxes and selects spell booleans "true"/"false"; ninja accepted 1/0/yes/no as well.
        if isinstance(value, bool):
            data[field_name] = "true" if value else "false"
    filterset = filterset_class(data=data, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise DjangoValidationError({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.qs


def paginate(queryset: models.QuerySet, params: PageParams) -> dict[str, Any]:
    """One page of rows plus the total count (two queries, whatever the page size)."""
    count = queryset.count()
    items = list(queryset[params.offset : params.offset + params.limit])
    return {"count": count, "limit": params.limit, "offset": params.offset, "items": items}


# --- Looking things up ------------------------------------------------------------------------------


def get_visible(queryset: models.QuerySet, request: HttpRequest, pk: int) -> Any:
    """The object at `pk` if the caller can see it; otherwise 404, whether it exists or not."""
    if not 1 <= pk <= MAX_ID:
        raise Http404
    return get_object_for_user(queryset, request.user, pk=pk)


def resolve(queryset: models.QuerySet, pk: int | None, field: str, message: str) -> Any:
    """A related object named by id in a request body; an unknown or hidden id is a 422 on that field."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise DjangoValidationError({field: [message]})
    return found


class UserRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class TeamRef(Schema):
    id: int
    name: str
