"""The documents people sign and send: a print-friendly page and a PDF of each, in the reader's language.

Each view fetches its object through `presales.access` (a 404 for anyone who may not see it, as every page does),
builds the document's context with `selectors`, and answers with the print page or the PDF; both leave an audit
record (`services.document_download_record`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from presales.bids.models import Poc, Tender
from presales.core.lookups import get_object_for_user
from presales.deals.models import Opportunity
from presales.documents import selectors, services
from presales.documents.models import DocumentFormat, DocumentKind
from presales.documents.rendering import render_pdf
from presales.people.typing import AuthenticatedHttpRequest
from presales.scoring import selectors as scoring
from presales.scoring.forms import requested_period


@dataclass
class Document:
    """One document about to be shown or rendered: what it is, about which object, and its content."""

    kind: DocumentKind
    context: dict[str, Any]
    object_id: int
    object_label: str  # the object's name, recorded with the download
    header: str  # the running header of each PDF page: whose company, which deal or person
    filename: str  # ASCII: every browser and mail client keeps it
    back_url: str
    back_label: str
    query: str = ""  # carried by the PDF link (a scorecard's period)

    @classmethod
    def of_record(
        cls, kind: DocumentKind, record: Any, *, label: str, header: str, context: dict[str, Any]
    ) -> Document:
        """The document about one record (a POC, a tender, a deal): named after it, linking back to its page."""
        return cls(
            kind=kind,
            context=context,
            object_id=record.pk,
            object_label=label,
            header=header,
            filename=f"{kind.replace('_', '-')}-{record.pk}.pdf",
            back_url=record.get_absolute_url(),
            back_label=label,
        )

    @property
    def body_template(self) -> str:
        """Each kind's body has its own template, named after the kind."""
        return f"documents/_{self.kind}.html"


def css_string(text: str) -> str:
    """`text` as a quoted CSS string; `<` escaped too, so the text cannot close the <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return f'"{escaped}"'


def page_number_content() -> str:
    """The CSS `content` of the page-number footer, from the translated "Page %(number)s of %(total)s"."""
    parts = re.split(r"(%\(number\)s|%\(total\)s)", _("Page %(number)s of %(total)s"))
    tokens = []
    for part in parts:
        if part == "%(number)s":
            tokens.append("counter(page)")
        elif part == "%(total)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(css_string(part))
    return " ".join(tokens)


def page_css(document: Document, title: str) -> SafeString:
    """The PDF's page rules that carry text: the running header (company / deal, document) and the page numbers."""
    rules = (
        "@page { "
        f"@top-left {{ content: {css_string(document.header)}; }} "
        f"@top-right {{ content: {css_string(title)}; }} "
        f"@bottom-right {{ content: {page_number_content()}; }} "
        "}"
    )
    return mark_safe(rules)  # noqa: S308  # built from css_string only: every text is quoted and escaped


def _respond(request: AuthenticatedHttpRequest, document: Document, file_format: DocumentFormat) -> HttpResponse:
    language = translation.get_language() or "en"
    title = str(document.kind.label)
    pdf_url = reverse(f"documents:{document.kind}_pdf", args=[document.object_id])
    if document.query:
        pdf_url = f"{pdf_url}?{document.query}"
    context = {
        **document.context,
        "document": document,
        "title": title,
        "body_template": document.body_template,
        "pdf_url": pdf_url,
        "generated_at": timezone.localtime(),
        "generated_by": request.user,
    }
    if file_format == DocumentFormat.PRINT:
        response = render(request, "documents/document_page.html", context)
    else:
        html = render_to_string(
            "documents/document_pdf.html", {**context, "page_css": page_css(document, title)}, request=request
        )
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
    # Recorded once the document exists: a rendering that failed gave the person nothing.
    services.document_download_record(
        actor=request.user,
        kind=document.kind,
        file_format=file_format,
        object_id=document.object_id,
        object_label=document.object_label,
        language=language,
    )
    return response


DocumentBuilder = Callable[[AuthenticatedHttpRequest, int], Document]


def document_views(build: DocumentBuilder) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    """The print page and the PDF of one kind of document, both made of the document `build` gives."""

    @login_required
    def print_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _respond(request, build(request, pk), DocumentFormat.PRINT)

    @login_required
    def pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _respond(request, build(request, pk), DocumentFormat.PDF)

    return print_page, pdf


# --- the POC sign-off ---------------------------------------------------------------------------------------------


def _poc_document(request: AuthenticatedHttpRequest, pk: int) -> Document:
    poc = get_object_for_user(Poc.objects.select_related("opportunity__account", "lead"), request.user, pk=pk)
    header = f"{poc.opportunity.account} · {poc.opportunity}"
    context = selectors.poc_signoff(poc)
    return Document.of_record(DocumentKind.POC_SIGNOFF, poc, label=poc.title, header=header, context=context)


# The POC sign-off sheet (criteria, results and the signature blocks), ready to print and as PDF.
poc_signoff, poc_signoff_pdf = document_views(_poc_document)


# --- the tender's deviation tables and submission checklist ----------------------------------------------------------


def _tender_document(request: AuthenticatedHttpRequest, pk: int) -> Document:
    tender = get_object_for_user(Tender.objects.select_related("opportunity__account"), request.user, pk=pk)
    header = f"{tender.opportunity.account} · {tender.reference or tender.title}"
    context = selectors.tender_deviations(tender)
    return Document.of_record(
        DocumentKind.TENDER_DEVIATIONS, tender, label=tender.title, header=header, context=context
    )


# The technical and commercial deviation tables and the submission checklist, ready to print and as PDF.
tender_deviations, tender_deviations_pdf = document_views(_tender_document)


# --- the engineer's scorecard -------------------------------------------------------------------------------------


def _scorecard_document(request: AuthenticatedHttpRequest, pk: int) -> Document:
    engineer = scoring.engineers_visible_to(request.user).filter(pk=pk).first()
    if engineer is None:
        raise Http404
    # The period the scorecard page shows.
    kind, start, _end = requested_period(request.GET)
    query = urlencode({"kind": kind, "start": start.isoformat()})
    context = selectors.scorecard(engineer, kind, start)
    card = context["card"]
    period = f"{date_format(card.start, 'SHORT_DATE_FORMAT')} – {date_format(card.end, 'SHORT_DATE_FORMAT')}"
    return Document(
        kind=DocumentKind.SCORECARD,
        context=context,
        object_id=engineer.pk,
        object_label=f"{card.engineer_name} {card.start.isoformat()}–{card.end.isoformat()}",
        header=" · ".join(part for part in (card.team_name, card.engineer_name, period) if part),
        filename=f"scorecard-{engineer.pk}-{kind}-{card.start.isoformat()}.pdf",
        back_url=f"{reverse('scoring:scorecard', args=[engineer.pk])}?{query}",
        back_label=card.engineer_name,
        query=query,
    )


# The engineer's scorecard for one period, ready to print and sign, and as PDF.
scorecard, scorecard_pdf = document_views(_scorecard_document)


# --- the win/loss debrief -----------------------------------------------------------------------------------------


def _debrief_document(request: AuthenticatedHttpRequest, pk: int) -> Document:
    # Only a closed deal has a debrief: an open one is a 404 here, like a deal the person cannot see.
    opportunity = get_object_for_user(
        Opportunity.objects.closed().select_related("account", "sales_owner", "presales_lead"), request.user, pk=pk
    )
    header = f"{opportunity.account} · {opportunity}"
    context = selectors.debrief(opportunity)
    return Document.of_record(DocumentKind.DEBRIEF, opportunity, label=opportunity.name, header=header, context=context)


# The win/loss debrief of a closed deal, ready to print and as PDF.
debrief, debrief_pdf = document_views(_debrief_document)
