"""Pages (being written)."""

from django.http import Http404, HttpRequest, HttpResponse


def account_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def account_create(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def account_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def account_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def account_org_chart(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def contact_create(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def contact_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def contact_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def contact_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def contact_delete(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
