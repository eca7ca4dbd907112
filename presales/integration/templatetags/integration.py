"""`{% calendar_feed_panel %}`: the calendar address section of the profile page, rendered by this app."""

from __future__ import annotations

from typing import Any

from django import template

from presales.integration.calendar import feed_for

register = template.Library()


@register.inclusion_tag("integration/_calendar_panel.html", takes_context=True)
def calendar_feed_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {"feed": feed_for(request.user), "new_url": "", "request": request, "csrf_token": context.get("csrf_token")}
