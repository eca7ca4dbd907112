"""The columns of the deal lists (opportunities, competitors, a person's next steps): pages, downloads and sorting."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from presales.core.tables import (
    Column,
    DateColumn,
    DeadlineColumn,
    MoneyColumn,
    NumberColumn,
    Table,
    badge,
    join,
    link,
)
from presales.core.templatetags.presales import deadline
from presales.deals.models import Competitor, DealStep, Opportunity, OutcomeReason
from presales.deals.templatetags.deals import status_badge


def outcome_badge(deal: Opportunity) -> SafeString | str:
    """A closed deal's outcome next to its name (open deals need none)."""
    return "" if deal.is_open else badge(deal.get_outcome_display(), deal.outcome)


class OpportunityTable(Table):
    html_id = "deal-table"
    footer_template = "deals/_opportunity_totals.html"

    name = Column(_("Opportunity"), sort="name", cell_classes="primary-cell")
    account = Column(_("Account"), "account.name", sort="account__name", classes="hide-phone")
    stage = Column(_("Stage"), "stage.label", sort="stage__number", cell_classes="stage-cell")
    amount = MoneyColumn(_("Amount"), sort="amount")
    currency = Column(_("Currency"), page=False)
    probability = NumberColumn(
        _("Probability"), sort="probability", classes="num hide-phone", export_label=_("Probability (%)")
    )
    weighted = MoneyColumn(_("Weighted"), "weighted_amount", classes="num hide-phone")
    expected_close_date = DateColumn(_("Close date"), sort="expected_close_date")
    outcome = Column(_("Outcome"), page=False)
    closed_on = DateColumn(_("Closed on"), page=False)
    sales_owner = Column(_("Sales owner"), sort="sales_owner__display_name", classes="hide-phone")
    presales_lead = Column(_("Presales lead"), classes="hide-phone", empty="—")
    source = Column(_("Source"), page=False)
    external_id = Column(_("External ID"), page=False)

    def render_name(self, deal: Opportunity) -> SafeString:
        return join(link(deal.get_absolute_url(), deal.name), outcome_badge(deal))

    def render_account(self, deal: Opportunity) -> str:
        return str(deal.account)

    def render_probability(self, deal: Opportunity) -> str:
        return f"{deal.probability}%"


class CompetitorTable(Table):
    name = Column(_("Name"), sort="name", cell_classes="primary-cell")
    # The rows carry `threat_rank` (CompetitorQuerySet.with_threat_rank): sorting follows the danger, not the alphabet.
    threat_level = Column(_("Threat level"), sort="threat_rank")
    strengths = Column(_("Strengths"), classes="hide-phone")
    weaknesses = Column(_("Weaknesses"), classes="hide-phone")
    website = Column(_("Website"), page=False)

    def render_name(self, competitor: Competitor) -> SafeString:
        return link(reverse("deals:competitor_detail", args=[competitor.pk]), competitor.name)

    def render_threat_level(self, competitor: Competitor) -> SafeString:
        return badge(competitor.get_threat_level_display(), competitor.threat_level)

    def render_strengths(self, competitor: Competitor) -> str:
        return Truncator(competitor.strengths).chars(120)

    def render_weaknesses(self, competitor: Competitor) -> str:
        return Truncator(competitor.weaknesses).chars(120)


class OutcomeReasonTable(Table):
    """The managed list of win/loss reasons (both names: administrators keep both), with how many deals use each."""

    html_id = "outcome-reasons"

    order = NumberColumn("#")
    name = Column(_("Chinese name"), cell_classes="primary-cell")
    name_en = Column(_("English name"))
    applies_to = Column(_("Offered for"))
    is_active = Column(_("In use"))
    deal_count = NumberColumn(_("Deals"))

    # Both names on the page where they are kept, each marked with its language.
    def render_name(self, reason: OutcomeReason) -> SafeString:
        return format_html(
            '<a href="{}" lang="zh-Hans">{}</a>', reverse("deals:outcome_reason_edit", args=[reason.pk]), reason.name
        )

    def render_name_en(self, reason: OutcomeReason) -> SafeString:
        return format_html('<span lang="en">{}</span>', reason.name_en)

    def render_is_active(self, reason: OutcomeReason) -> str:
        return str(_("yes") if reason.is_active else _("no"))


class CompetitorDealTable(Table):
    """The deals a competitor appears in (on its profile): one row per link between the competitor and a deal."""

    name = Column(_("Opportunity"), "opportunity.name", cell_classes="primary-cell")
    account = Column(_("Account"), "opportunity.account", classes="hide-phone")
    stage = Column(_("Stage"), "opportunity.stage.label")
    amount = MoneyColumn(_("Amount"), "opportunity.amount", currency="opportunity.currency", compact=True)
    notes = Column(_("Their position"), classes="hide-phone", cell_classes="small")

    def render_name(self, link_row: Any) -> SafeString:
        deal = link_row.opportunity
        ahead = badge(_("Ahead of us"), "danger") if link_row.is_ahead else ""
        return join(link(deal.get_absolute_url(), deal.name), outcome_badge(deal), ahead)

    def render_notes(self, link_row: Any) -> str:
        return Truncator(link_row.notes).chars(140)


class MyStepTable(Table):
    """The steps a person can act on, grouped by deal, overdue first, each completable in place through htmx."""

    due_date = DeadlineColumn(_("Due"))
    overdue = Column(_("Overdue"), lambda step: step.is_overdue(), page=False)  # the download reads the queryset
    number = Column(_("No."), "definition.order", page=False)
    step = Column(_("Step"), lambda step: str(step.definition))
    status = Column(_("Status"), page=False)
    opportunity = Column(_("Opportunity"), "opportunity.name")
    account = Column(_("Account"), "opportunity.account.name", page=False)
    stage = Column(_("Stage"), lambda step: step.opportunity.stage.label, page=False)
    status_badge = Column(_("Status"), classes="hide-phone", export=False)
    complete = Column("", export=False)

    def row_attributes(self, step: DealStep) -> dict[str, str]:
        classes = [
            "step-overdue" if getattr(step, "overdue", False) else "",
            "group-start" if getattr(step, "first_of_deal", False) else "",
        ]
        return {"class": " ".join(c for c in classes if c), "id": f"my-step-{step.pk}"}

    def render_due_date(self, step: DealStep) -> SafeString | str:
        if not step.is_actionable:
            return format_html('<span class="badge">{}</span>', _("upcoming"))
        due = deadline(step.due_date)
        if getattr(step, "overdue", False):
            return format_html('{}<br><span class="badge badge-danger">{}</span>', due, _("overdue"))
        return due

    def render_step(self, step: DealStep) -> SafeString:
        return format_html(
            '<a href="{}">{}. {}</a>',
            reverse("deals:step", args=[step.pk]),
            step.definition.order,
            step.definition.name,
        )

    def render_opportunity(self, step: DealStep) -> SafeString:
        deal = step.opportunity
        if not getattr(step, "first_of_deal", True):
            return format_html('<span class="visually-hidden">{}</span>', deal)  # grouped under the deal's first row
        return format_html(
            '<a href="{}">{}</a><br><span class="muted small">{} · {}</span>',
            deal.get_absolute_url(),
            deal,
            deal.account,
            deal.stage.label,
        )

    def render_status_badge(self, step: DealStep) -> SafeString:
        return status_badge(step)

    def render_complete(self, step: DealStep) -> SafeString:
        return format_html(
            '<div id="complete-{}"><a class="btn btn-small btn-primary" href="{}" hx-get="{}" '
            'hx-target="#complete-{}">{}</a></div>',
            step.pk,
            reverse("deals:step", args=[step.pk]),
            reverse("deals:step_complete", args=[step.pk]),
            step.pk,
            _("Complete"),
        )


class StepTable(Table):
    """Steps of many deals (the accountability board's drill-down): who is late on which step of which deal."""

    html_id = "step-table"

    step = Column(_("Step"), lambda step: str(step.definition), sort="definition__order")
    opportunity = Column(_("Opportunity"), "opportunity.name", sort="opportunity__name")
    responsible = Column(
        _("Responsible"),
        lambda step: str(step.responsible) if step.responsible_id else step.unassigned_label,
        sort="responsible__display_name",
    )
    role = Column(
        _("Responsible role"), lambda step: step.definition.get_responsible_role_display(), classes="hide-phone"
    )
    due_date = DeadlineColumn(_("Due"), sort="due_date")
    status = Column(_("Status"), lambda step: step.get_status_display(), classes="hide-phone")

    def render_step(self, step: DealStep) -> SafeString:
        return format_html(
            '<a href="{}">{}. {}</a>', reverse("deals:step", args=[step.pk]), step.definition.order, step.definition
        )

    def render_opportunity(self, step: DealStep) -> SafeString:
        return link(step.opportunity.get_absolute_url(), step.opportunity.name)

    def render_due_date(self, step: DealStep) -> SafeString | str:
        due = deadline(step.due_date)
        if step.is_overdue():
            return format_html('{} <span class="badge badge-danger">{}</span>', due, _("overdue"))
        return due


class UnassignedStepTable(Table):
    """Steps nobody on the deal can take, on the matching manager's queue, each assigned in one click."""

    html_id = "unassigned-steps"

    step = Column(_("Step"), lambda step: str(step.definition))
    needs = Column(_("Waiting for"), lambda step: step.unassigned_label)
    opportunity = Column(_("Opportunity"), "opportunity.name")
    account = Column(_("Account"), "opportunity.account.name", page=False)
    stage = Column(_("Stage"), lambda step: step.opportunity.stage.label, classes="hide-phone")
    due_date = DeadlineColumn(_("Due"), classes="hide-phone")
    assign = Column(_("Assign"), export=False)

    def row_attributes(self, step: DealStep) -> dict[str, str]:
        return {"id": f"unassigned-{step.pk}"}

    def render_step(self, step: DealStep) -> SafeString:
        return format_html("{}. {}", step.definition.order, step.definition.name)

    def render_needs(self, step: DealStep) -> SafeString:
        return badge(step.unassigned_label, "warn")

    def render_due_date(self, step: DealStep) -> SafeString | str:
        return deadline(step.due_date, str(_("upcoming")))

    def render_assign(self, step: DealStep) -> SafeString:
        """A small form: the people of the step's role (the manager first), and one button."""
        return render_to_string(
            "deals/_assign_step_form.html",
            {
                "step": step,
                "candidates": getattr(step, "candidates", []),
                "csrf_token": getattr(step, "csrf_token", ""),
            },
        )
