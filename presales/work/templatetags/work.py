"""Template tags of the work app: the deal page's "Presales work" panel."""

from __future__ import annotations

from typing import Any

from django import template

from presales import access
from presales.work import selectors

register = template.Library()


@register.inclusion_tag("work/_deal_panel.html", takes_context=True)
def deal_work_panel(context: dict[str, Any], deal: Any) -> dict[str, Any]:
    """Buttons to log work and ask presales, the deal's last activities and open requests the viewer can see."""
    user = context["request"].user
    data = selectors.deal_work(deal)
    return {
        "deal": deal,
        "can_log": access.can_log_activity(user),
        "can_ask": access.can_create_request(user) and deal.is_open,
        "can_book": access.can_book_someone(user),
        **data,
    }
