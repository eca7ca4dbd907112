"""The person's notifications: the list (posting marks them all read) and opening one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from presales.core.views import paginate
from presales.notifications import services
from presales.notifications.models import Notification
from presales.people.typing import AuthenticatedHttpRequest


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's notifications, newest first; posting marks them all read."""
    if request.method == "POST":
        services.notification_mark_read(actor=request.user)
        return redirect("notifications:list")
    queryset = Notification.objects.filter(recipient=request.user)
    page = paginate(request, queryset, 25)
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    return render(request, "notifications/notification_list.html", {"page_obj": page, "unread": unread})


@login_required
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open what a notification is about and mark it read."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect(notification.get_absolute_url())
