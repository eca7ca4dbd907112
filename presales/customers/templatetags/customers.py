"""Template helpers for stakeholders: the influence dots shown in lists, the org chart and the contact page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from presales.customers.models import Contact

register = template.Library()


@register.filter
def influence(contact: Contact) -> SafeString:
    """Influence 1–5 as filled and empty dots, with the number for screen readers."""
    label = _("Influence %(n)s of 5") % {"n": contact.influence}
    dots = "".join("●" if position <= (contact.influence or 0) else "○" for position in range(1, 6))
    return format_html('<span class="influence" title="{}" aria-label="{}">{}</span>', label, label, dots)
