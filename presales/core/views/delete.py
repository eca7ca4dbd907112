"""The delete view: a confirmation page (optional), then the service removes the object."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views import View

from presales.core.lookups import get_object_for_user


class ObjectDeleteView(LoginRequiredMixin, View):
    """Remove one object the person can see and may change.

    A page declares `queryset`, `has_permission`, `delete` (calling the service) and `get_success_url`; with a
    `template_name` a GET shows a confirmation page, without one only a POST (from a button on another page) deletes.
    A service that refuses (ValidationError) leaves the object and says why.
    """

    queryset: ClassVar[Any] = None
    template_name: ClassVar[str | None] = None
    context_object_name: ClassVar[str] = "object"
    success_message: ClassVar[Any] = None

    def get_object(self, request: Any, **kwargs: Any) -> Any:
        return get_object_for_user(self.queryset, request.user, pk=kwargs["pk"])

    def has_permission(self, request: Any, obj: Any) -> bool:
        raise NotImplementedError

    def delete(self, request: Any, obj: Any) -> None:
        raise NotImplementedError

    def get_success_url(self, request: Any, obj: Any) -> str:
        raise NotImplementedError

    def get_extra_context(self, request: Any, obj: Any) -> dict[str, Any]:
        return {}

    def get_success_message(self, obj: Any) -> str | None:
        """What to say once it is gone (worked out before the delete, while the object's relations still load)."""
        return None if self.success_message is None else str(self.success_message) % {"name": obj}

    def _checked_object(self, request: Any, kwargs: dict[str, Any]) -> Any:
        obj = self.get_object(request, **kwargs)
        if not self.has_permission(request, obj):
            raise PermissionDenied
        return obj

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.template_name is None:  # a button elsewhere deletes; there is no page to show
            return HttpResponseNotAllowed(["POST"])
        obj = self._checked_object(request, kwargs)
        context = {self.context_object_name: obj, **self.get_extra_context(request, obj)}
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = self._checked_object(request, kwargs)
        # Where to go is worked out first: after the delete the object's relations may be gone.
        success_url = self.get_success_url(request, obj)
        message = self.get_success_message(obj)
        try:
            self.delete(request, obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if message:
                messages.success(request, message)
        return redirect(success_url)
