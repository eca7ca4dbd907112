"""Pages (being written)."""

from django.http import Http404, HttpRequest, HttpResponse


def opportunity_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def board(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_create(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_move_stage(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_close(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_reopen(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def deal_member_add(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def deal_member_remove(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def deal_competitor_add(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def deal_competitor_remove(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def competitor_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def competitor_create(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def competitor_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def competitor_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
