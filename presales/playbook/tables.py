"""The columns of the process pages: the stages, the playbook's versions and the steps of one version."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from presales.core.i18n import in_reader_language
from presales.core.tables import Column, DateColumn, NumberColumn, Table, badge, display, join, link, post_button
from presales.playbook.defaults import DEFAULT_PLAYBOOK_NOTES
from presales.playbook.models import PlaybookVersion, Stage, StepDefinition


class StageTable(Table):
    number = Column("#")
    customer = Column(_("Customer procurement"))
    label = Column(_("Our sales process"))
    default_probability = NumberColumn(_("Default probability"))
    open_deals = NumberColumn(_("Open deals"))

    def render_label(self, stage: Stage) -> SafeString:
        after_sale = badge(_("after the sale")) if stage.is_after_sale else ""
        return join(
            format_html('<strong>{}</strong><br><span class="muted small">{}</span>', stage.label, stage.vendor),
            after_sale,
        )

    def render_default_probability(self, stage: Stage) -> str:
        return f"{stage.default_probability}%"

    def render_open_deals(self, stage: Any) -> SafeString:  # annotated with the person's open deals
        return link(f"{reverse('deals:list')}?stage={stage.pk}", stage.open_deals)


class PlaybookVersionTable(Table):
    css_class = "table compact"

    name = Column(_("Version"))
    published_at = DateColumn(_("Published"), empty="—", cell_classes="")
    step_count = NumberColumn(_("Steps"))
    deals = NumberColumn(_("Deals on it"))
    notes = Column(_("Notes"), classes="hide-phone")

    def render_name(self, version: PlaybookVersion) -> SafeString:
        state: SafeString | str
        if version == self.context.get("current"):
            state = badge(_("current"), "ok")
        elif version.is_draft:
            state = badge(_("draft"), "warn")
        else:
            state = ""
        return join(version, state)

    def render_notes(self, version: PlaybookVersion) -> str:
        return in_reader_language(version.notes, DEFAULT_PLAYBOOK_NOTES)

    def render_published_at(self, version: PlaybookVersion) -> str:
        published = timezone.localdate(version.published_at) if version.published_at else None
        return display(published, "—")


class StepDefinitionTable(Table):
    """The steps of one playbook version; while it is a draft each step can be edited or removed."""

    css_class = "table compact"

    order = Column("#")
    name = Column(_("Step"))
    responsible_role = Column(_("Responsible"))
    consulted = Column(
        _("Consulted"), lambda step: ", ".join(str(label) for label in step.consulted_labels()), classes="hide-phone"
    )
    stage = Column(_("Stage"), classes="hide-phone")
    answer_kind = Column(_("Captured answer"), classes="hide-phone")
    due = Column(_("Due"), classes="hide-phone", cell_classes="small")
    change = Column("", cell_classes="nowrap")

    @property
    def page_columns(self) -> list[Column]:
        # Only a draft can be changed.
        return [column for column in super().page_columns if column.name != "change" or self.context.get("draft")]

    def render_name(self, step: StepDefinition) -> SafeString:
        # The editors keep both names: the reader's language first, the other one marked as such (lang).
        if step.name_en and (get_language() or "").startswith("en"):
            first, second, second_lang = step.name_en, step.name_zh, "zh-Hans"
        else:
            first, second, second_lang = step.name_zh, step.name_en, "en"
        if not second:
            return format_html("{}", first)
        return format_html('{}<br><span class="muted small" lang="{}">{}</span>', first, second_lang, second)

    def render_stage(self, step: StepDefinition) -> str:
        return f"{step.stage.number}. {step.stage.label}"

    def render_due(self, step: StepDefinition) -> str:
        return f"{step.due_days} · {step.get_due_rule_display()}"

    def render_change(self, step: StepDefinition) -> SafeString:
        return join(
            link(reverse("playbook:step_definition_edit", args=[step.pk]), _("Edit")),
            post_button(
                self.request,
                reverse("playbook:step_definition_delete", args=[step.pk]),
                _("Remove"),
                form_class="inline-post",
            ),
        )
