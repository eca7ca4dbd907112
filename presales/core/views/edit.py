"""The edit view (create and update through a service) and `run_service`, the one place that turns what a service
refused into what the page shows: a lost race as the conflict report, a ValidationError on the form's fields."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from presales.core.concurrency import ConcurrentEditError
from presales.core.forms import apply_validation_error, show_conflict
from presales.core.lookups import get_object_for_user

T = TypeVar("T")


@dataclass
class ServiceResult(Generic[T]):
    """What a service call gave: its result, or the conflict it raised (the form already says why)."""

    value: T | None = None
    conflict: ConcurrentEditError | None = None
    ok: bool = False


def run_service(
    form: Any, call: Callable[[], T], *, field_map: dict[str, str] | None = None, keep_typed: bool = True
) -> ServiceResult[T]:
    """Call a service for a valid form; put a refusal on the form instead of raising.

    A `ConcurrentEditError` (somebody saved first) goes to the top of the form, which keeps what the person typed and
    now carries the saved version, so a deliberate second save goes through (`keep_typed=False`: only the message,
    for forms without a version field). A `ValidationError` goes on the fields it names (`field_map` renames the
    service's field names to the form's).
    """
    try:
        value = call()
    except ConcurrentEditError as error:
        if keep_typed:
            show_conflict(form, error)
        else:
            form.add_error(None, error.message)
        return ServiceResult(conflict=error)
    except ValidationError as error:
        apply_validation_error(form, error, field_map)
        return ServiceResult()
    return ServiceResult(value=value, ok=True)


def submit_form(
    form: Any, call: Callable[[], T], *, field_map: dict[str, str] | None = None, keep_typed: bool = True
) -> ServiceResult[T]:
    """`run_service` once the form is valid: an unbound form (a GET) or an invalid one (its errors already on it) is
    not sent to the service and gives a result that is not ok."""
    if not form.is_valid():
        return ServiceResult()
    return run_service(form, call, field_map=field_map, keep_typed=keep_typed)


def run_action(request: HttpRequest, call: Callable[[], T]) -> ServiceResult[T]:
    """Call a service for a button that has no form to show errors on (move, reopen, publish): a lost race or a
    refusal becomes an error message on the page the person goes to next."""
    try:
        value = call()
    except ConcurrentEditError as error:
        messages.error(request, error.message)
        return ServiceResult(conflict=error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return ServiceResult()
    return ServiceResult(value=value, ok=True)


class ObjectEditView(LoginRequiredMixin, View):
    """Create (no `pk` in the URL) or change (a `pk`) one object through its service.

    A page declares `queryset` (the objects it edits; visibility comes from their `visible_to`), `form_class`,
    `template_name`, `context_object_name`, who may do it (`has_permission`), and `create`/`update` calling the
    service. The form is bound to a copy of the object, so the page header and the permission check keep the stored
    values while the form holds what was typed. A conflict or a refused value re-renders the form with what was typed.
    """

    queryset: ClassVar[Any] = None
    # Objects everybody sees (the shared competitor profiles, the rubric): no `visible_to`, only who may change them.
    visible_to_everyone: ClassVar[bool] = False
    form_class: ClassVar[Any]
    template_name: ClassVar[str]
    context_object_name: ClassVar[str] = "object"
    creating: bool = False
    # Service field name -> form field name, where the form calls a field differently.
    field_map: ClassVar[dict[str, str] | None] = None
    created_message: ClassVar[Any] = None
    updated_message: ClassVar[Any] = None

    # --- what a page declares ---

    def get_object(self, request: Any, **kwargs: Any) -> Any:
        """The object to change (404 unless the person can see it), or a new, unsaved one to create."""
        if "pk" not in kwargs:
            return self.queryset.model()
        if self.visible_to_everyone:
            return get_object_or_404(self.queryset, pk=kwargs["pk"])
        return get_object_for_user(self.queryset, request.user, pk=kwargs["pk"])

    def has_permission(self, request: Any, obj: Any) -> bool:
        raise NotImplementedError

    def create(self, request: Any, form: Any, obj: Any) -> Any:
        raise NotImplementedError

    def update(self, request: Any, form: Any, obj: Any) -> Any:
        raise NotImplementedError

    def get_form_kwargs(self, request: Any, obj: Any) -> dict[str, Any]:
        return {}

    def get_initial(self, request: Any, obj: Any) -> dict[str, Any]:
        return {}

    def get_extra_context(self, request: Any, obj: Any, form: Any) -> dict[str, Any]:
        return {}

    def get_success_url(self, request: Any, obj: Any) -> str:
        return obj.get_absolute_url()

    def success_message(self, obj: Any, created: bool) -> str | None:
        message = self.created_message if created else self.updated_message
        return None if message is None else str(message) % {"name": obj}

    # --- the mechanics ---

    @staticmethod
    def is_new(obj: Any) -> bool:
        return obj is None or (isinstance(obj, models.Model) and obj._state.adding)

    def get_form(self, request: Any, obj: Any, data: Any = None, files: Any = None) -> Any:
        """The form: bound to a copy of the object when changing one (a new object's form gets no instance unless
        `get_form_kwargs` gives one, so that its fields' own initial values apply)."""
        kwargs = self.get_form_kwargs(request, obj)
        if data is None:
            kwargs.setdefault("initial", self.get_initial(request, obj))
        if not self.is_new(obj):
            kwargs["instance"] = obj if data is None else copy.copy(obj)
        return self.form_class(data, files, **kwargs) if data is not None else self.form_class(**kwargs)

    def render_form(self, request: Any, obj: Any, form: Any, conflict: Any = None) -> HttpResponse:
        context = {
            "form": form,
            "conflict": conflict,
            **({} if self.is_new(obj) else {self.context_object_name: obj}),
        }
        context.update(self.get_extra_context(request, obj, form))
        return render(request, self.template_name, context)

    def _checked_object(self, request: Any, kwargs: dict[str, Any]) -> Any:
        obj = self.get_object(request, **kwargs)
        # Whether this request creates: the hooks below may differ (the object is saved by the time of the redirect).
        self.creating = self.is_new(obj)
        if not self.has_permission(request, obj):
            raise PermissionDenied
        return obj

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = self._checked_object(request, kwargs)
        return self.render_form(request, obj, self.get_form(request, obj))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = self._checked_object(request, kwargs)
        form = self.get_form(request, obj, request.POST, request.FILES)
        conflict = None
        if form.is_valid():
            save = self.create if self.creating else self.update
            result = run_service(form, lambda: save(request, form, obj), field_map=self.field_map)
            if result.ok:
                if message := self.success_message(result.value, self.creating):
                    messages.success(request, message)
                return redirect(self.get_success_url(request, result.value))
            conflict = result.conflict
        return self.render_form(request, obj, form, conflict)
