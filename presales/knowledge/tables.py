"""The columns of the knowledge list: the page (with search highlights), its download and its sorting."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from presales.core.tables import Column, DateColumn, NumberColumn, Table, badge, display, join
from presales.knowledge.models import KnowledgeItem


class KnowledgeItemTable(Table):
    html_id = "knowledge-table"

    title = Column(_("Title"), sort="title", cell_classes="primary-cell")
    kind = Column(_("Kind"), sort="kind")
    summary = Column(_("Summary"), page=False)
    industries = Column(
        _("Industries"), lambda item: ", ".join(str(label) for label in item.industry_labels), page=False
    )
    products = Column(_("Products"), page=False)
    tags = Column(_("Tags"), page=False)
    owner = Column(_("Owner"), classes="hide-phone")
    restricted = Column(_("Restricted"), page=False)
    review_date = DateColumn(_("Review by"), page=False)
    won_uses = NumberColumn(_("Used on won deals"), sort="won_uses")
    use_count = NumberColumn(_("Uses"), page=False)
    updated_at = DateColumn(_("Updated"), sort="updated_at", classes="hide-phone")

    def render_title(self, item: Any) -> SafeString:  # decorated with highlights
        # title_html and snippet_html are the search highlights, escaped and marked by selectors.decorate.
        return join(
            format_html('<a href="{}">{}</a>', reverse("knowledge:detail", args=[item.pk]), item.title_html),
            badge(_("Restricted"), "warn") if item.restricted else "",
            format_html('\n<div class="muted knowledge-snippet">{}</div>', item.snippet_html),
        )

    def render_won_uses(self, item: Any) -> SafeString:  # annotated with_usefulness()
        return format_html('{} <span class="muted">/ {}</span>', item.won_uses, item.use_count)

    def render_updated_at(self, item: KnowledgeItem) -> SafeString:
        return display(timezone.localtime(item.updated_at).date())
