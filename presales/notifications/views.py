"""The person's notifications (the list, opening one), the channel settings of a person and of a team, and the
administrators' webhooks with their delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from presales import access
from presales.core.views import ObjectListView, paginate, requires, run_action, submit_form
from presales.notifications import services, webhooks
from presales.notifications.filters import WebhookDeliveryFilter
from presales.notifications.forms import ChatRobotForm, EmailChoiceForm, WebhookForm
from presales.notifications.models import ChatRobot, Notification, Webhook, WebhookDelivery
from presales.notifications.tables import WebhookDeliveryTable
from presales.people.models import Team
from presales.people.typing import AuthenticatedHttpRequest


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's notifications, newest first, in their language; posting marks them all read."""
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


# --- channels -----------------------------------------------------------------------------------------------------------


def _add_robot(request: AuthenticatedHttpRequest, form: ChatRobotForm, team: Team | None) -> bool:
    result = submit_form(
        form,
        lambda: services.chat_robot_create(actor=request.user, team=team, **form.cleaned_data),
        field_map={"kinds": "kinds_chosen"},
        keep_typed=False,
    )
    if result.ok:
        messages.success(request, _("The robot was added. Its address and secret are stored encrypted."))
    return result.ok


@login_required
@require_http_methods(["GET", "POST"])
def my_channels(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's channels: in-app always, e-mail on or off, and their own chat robots."""
    email_form = EmailChoiceForm(initial={"email_notifications": request.user.email_notifications})
    robot_form = ChatRobotForm()
    if request.method == "POST":
        if "email" in request.POST:
            email_form = EmailChoiceForm(request.POST)
            if email_form.is_valid():
                services.email_choice_set(actor=request.user, enabled=email_form.cleaned_data["email_notifications"])
                messages.success(request, _("Your e-mail choice was saved."))
                return redirect("notifications:channels")
        else:
            robot_form = ChatRobotForm(request.POST)
            if _add_robot(request, robot_form, None):
                return redirect("notifications:channels")
    robots = ChatRobot.objects.filter(user=request.user)
    teams = [team for team in _teams_to_manage(request) if team is not None]
    return render(
        request,
        "notifications/channels.html",
        {"email_form": email_form, "robot_form": robot_form, "robots": robots, "team": None, "teams": teams},
    )


def _teams_to_manage(request: AuthenticatedHttpRequest) -> list[Team | None]:
    if access.can_manage_webhooks(request.user):  # administrators manage every team's channels
        return list(Team.objects.order_by("name"))
    return list(Team.objects.filter(manager=request.user).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def team_channels(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    """A team's chat robots: its members' notifications (of the kinds chosen) go to the team's group too."""
    team = get_object_or_404(Team, pk=team_id)
    if not access.can_manage_team_channels(request.user, team):
        raise Http404
    robot_form = ChatRobotForm()
    if request.method == "POST":
        robot_form = ChatRobotForm(request.POST)
        if _add_robot(request, robot_form, team):
            return redirect("notifications:team_channels", team_id=team.pk)
    robots = ChatRobot.objects.filter(team=team)
    return render(request, "notifications/channels.html", {"robot_form": robot_form, "robots": robots, "team": team})


def _robot_for(request: AuthenticatedHttpRequest, pk: int) -> ChatRobot:
    robot = get_object_or_404(ChatRobot.objects.select_related("team"), pk=pk)
    if not access.can_change_chat_robot(request.user, owner_id=robot.user_id, team=robot.team):
        raise Http404
    return robot


def _back_to(robot: ChatRobot) -> HttpResponse:
    if robot.team_id:
        return redirect("notifications:team_channels", team_id=robot.team_id)
    return redirect("notifications:channels")


@login_required
@require_POST
def robot_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    robot = _robot_for(request, pk)
    services.chat_robot_set_enabled(actor=request.user, robot=robot, enabled=not robot.enabled)
    return _back_to(robot)


@login_required
@require_POST
def robot_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    robot = _robot_for(request, pk)
    back = _back_to(robot)
    services.chat_robot_delete(actor=request.user, robot=robot)
    messages.success(request, _("The robot was removed."))
    return back


# --- webhooks (administrators) ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@requires(access.can_manage_webhooks)
def webhook_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The webhooks, and a form to add one (its signing secret is shown once, right after)."""
    form = WebhookForm()
    new_secret = ""
    if request.method == "POST":
        form = WebhookForm(request.POST)
        result = submit_form(
            form, lambda: webhooks.webhook_create(actor=request.user, **form.cleaned_data), keep_typed=False
        )
        if result.ok and result.value is not None:
            _webhook, new_secret = result.value
            form = WebhookForm()
    hooks = Webhook.objects.all()
    return render(
        request, "notifications/webhook_list.html", {"form": form, "webhooks": hooks, "new_secret": new_secret}
    )


@login_required
@require_POST
@requires(access.can_manage_webhooks)
def webhook_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hook = get_object_or_404(Webhook, pk=pk)
    webhooks.webhook_set_enabled(actor=request.user, webhook=hook, enabled=not hook.enabled)
    return redirect("notifications:webhooks")


@login_required
@require_POST
@requires(access.can_manage_webhooks)
def webhook_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    webhooks.webhook_delete(actor=request.user, webhook=get_object_or_404(Webhook, pk=pk))
    messages.success(request, _("The webhook was removed."))
    return redirect("notifications:webhooks")


class WebhookDeliveryListView(ObjectListView):
    """The delivery log: every event sent (or still being tried) to every webhook, failed ones first to hand."""

    queryset = WebhookDelivery.objects.select_related("webhook")
    filterset_class = WebhookDeliveryFilter
    table_class = WebhookDeliveryTable
    template_name = "notifications/webhook_delivery_list.html"
    context_object_name = "deliveries"
    export_basename = "webhook-deliveries"

    def has_permission(self, request: Any) -> bool:
        return access.can_manage_webhooks(request.user)


webhook_delivery_list = WebhookDeliveryListView.as_view()


@login_required
@require_POST
@requires(access.can_manage_webhooks)
def webhook_delivery_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(WebhookDelivery, pk=pk)
    if run_action(request, lambda: webhooks.webhook_delivery_retry(actor=request.user, delivery=row)).ok:
        messages.success(request, _("The event is being sent again."))
    return redirect("notifications:webhook_deliveries")
