"""Attachment views shared by every app that stores files: upload onto an object, and the permission-checked download.

Files live outside the web root (core.uploads); these views are the only way to them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views import View

from presales.core.lookups import get_object_for_user
from presales.core.uploads import download_response


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Serve a stored file to a person who can see the row holding it (anyone else gets a 404).

    A page declares `queryset` and the names of the row's file, original-name and content-type fields.
    """

    queryset: ClassVar[Any] = None
    file_field: ClassVar[str] = "file"
    name_field: ClassVar[str] = "original_name"
    type_field: ClassVar[str] = "content_type"

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        row = get_object_for_user(self.queryset, request.user, pk=pk)
        stored = getattr(row, self.file_field)
        if not stored:
            raise Http404
        return download_response(
            stored, filename=getattr(row, self.name_field), content_type=getattr(row, self.type_field)
        )


class AttachmentUploadView(LoginRequiredMixin, View):
    """Attach an uploaded file to an object through its service (POST only).

    A page declares `queryset` (the objects files are attached to), `form_class` (with a `file` field),
    `has_permission`, `attach` (calling the service) and `render_invalid` (the object's page again, with the form
    saying why the file was refused, status 400). The upload checks themselves are in core.uploads.
    """

    queryset: ClassVar[Any] = None
    form_class: ClassVar[Any]
    success_message: ClassVar[Any] = None

    def has_permission(self, request: Any, obj: Any) -> bool:
        raise NotImplementedError

    def attach(self, request: Any, obj: Any, upload: Any) -> Any:
        raise NotImplementedError

    def render_invalid(self, request: Any, obj: Any, form: Any) -> HttpResponse:
        raise NotImplementedError

    def get_success_url(self, request: Any, obj: Any) -> str:
        return obj.get_absolute_url()

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_for_user(self.queryset, request.user, pk=pk)
        if not self.has_permission(request, obj):
            raise PermissionDenied
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.attach(request, obj, form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error("file", error)
            else:
                if self.success_message is not None:
                    messages.success(request, str(self.success_message))
                return redirect(self.get_success_url(request, obj))
        response = self.render_invalid(request, obj, form)
        response.status_code = 400
        return response
