"""Template helpers for the checklist: a step's status as a coloured badge."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from presales.deals.models import DealStep, StepStatus

register = template.Library()

STATUS_TONES: dict[str, str] = {
    StepStatus.DONE: "badge-ok",
    StepStatus.BLOCKED: "badge-danger",
    StepStatus.IN_PROGRESS: "badge-primary",
    StepStatus.SKIPPED: "badge-abandoned",
}


@register.filter
def status_badge(step: DealStep) -> SafeString:
    """The step's status, coloured by how it stands (done, blocked, in progress, skipped; others plain)."""
    return format_html('<span class="badge {}">{}</span>', STATUS_TONES.get(step.status, ""), step.get_status_display())
