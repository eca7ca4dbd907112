"""The columns of the activity and support-request lists: the pages, their downloads and their sorting."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, DeadlineColumn, NumberColumn, Table, badge, display, join, link
from presales.work.models import Activity, ActivityStatus, SupportRequest


class ActivityTable(Table):
    html_id = "activity-table"

    date = DateColumn(_("Date"), sort="date")
    kind = Column(_("Type"), sort="kind", cell_classes="primary-cell")
    status = Column(_("Status"), page=False)
    where = Column(_("Opportunity / account"), export=False)
    hours = NumberColumn(_("Hours"), sort="hours")
    owner = Column(_("Owner"), page=False)
    participants = Column(_("Participants"), lambda a: ", ".join(str(p) for p in a.participants.all()), page=False)
    people = Column(_("People"), classes="hide-phone", export=False)
    opportunity = Column(_("Opportunity"), "opportunity.name", page=False)
    account = Column(_("Account"), "account.name", page=False)
    step_key = Column(_("Step served"), page=False)
    outcome = Column(_("Outcome"), classes="hide-phone")
    win_rate_answer = Column(_("How this raises the win rate"), page=False)
    expected_uplift = Column(_("Expected uplift (points)"), page=False)

    def render_date(self, activity: Activity) -> SafeString:
        planned = badge(_("Planned"), "warn") if activity.status == ActivityStatus.PLANNED else ""
        return join(display(activity.date), planned)

    def render_kind(self, activity: Activity) -> SafeString:
        return link(reverse("work:activity_edit", args=[activity.pk]), activity.get_kind_display())

    def render_where(self, activity: Activity) -> SafeString | str:
        if activity.opportunity:
            return link(activity.opportunity.get_absolute_url(), activity.opportunity)
        return str(activity.account or "")

    def render_people(self, activity: Activity) -> str:
        return ", ".join(str(person) for person in (activity.owner, *activity.participants.all()))

    def render_outcome(self, activity: Activity) -> str:
        return Truncator(activity.outcome).chars(80) or "—"


class SupportRequestTable(Table):
    html_id = "request-table"

    kind = Column(_("Type"), sort="kind", cell_classes="primary-cell")
    opportunity = Column(_("Opportunity"), "opportunity.name")
    account = Column(_("Account"), "opportunity.account.name", page=False)
    status = Column(_("Status"), sort="status")
    is_duty = Column(_("Presales duty"), page=False)
    needed_by = DeadlineColumn(_("Needed by"), sort="needed_by")
    estimate = NumberColumn(
        _("Estimate"), "estimate_hours", classes="num hide-phone", export_label=_("Effort estimate (hours)")
    )
    requester = Column(_("Requested by"), classes="hide-phone")
    assignee = Column(_("Engineer"), classes="hide-phone", empty="—")
    description = Column(_("What is needed"), page=False)
    win_rate_answer = Column(_("How this raises the win rate"), page=False)
    expected_uplift = Column(_("Expected uplift (points)"), page=False)
    decision_reason = Column(_("Reason for the decision"), page=False)
    created_at = DateColumn(_("Created"), sort="created_at", page=False)
    escalated_at = DateColumn(_("Escalated"), page=False)

    def render_kind(self, support: SupportRequest) -> SafeString:
        duty = badge(_("duty")) if support.is_duty else ""
        return join(link(support.get_absolute_url(), support.get_kind_display()), duty)

    def render_opportunity(self, support: SupportRequest) -> SafeString:
        return format_html("{}<br><small>{}</small>", support.opportunity, support.opportunity.account)

    def render_status(self, support: SupportRequest) -> SafeString:
        return join(
            badge(support.get_status_display(), "primary"),
            badge(_("forgotten"), "danger") if getattr(support, "forgotten", False) else "",
            badge(_("escalated"), "warn") if support.escalated_at else "",
        )

    def render_estimate(self, support: SupportRequest) -> SafeString:
        return format_html("{} h", display(support.estimate_hours))
