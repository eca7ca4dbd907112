"""Writes of the documents app: the audit record of each document produced."""

from __future__ import annotations

from django.db import transaction

from presales.documents.models import DocumentDownload, DocumentFormat, DocumentKind
from presales.people.models import User


@transaction.atomic
def document_download_record(
    *, actor: User, kind: DocumentKind, file_format: DocumentFormat, object_id: int, object_label: str, language: str
) -> DocumentDownload:
    """Record that `actor` was given a document (PDF or print page): who, what, about which object, in which language."""
    return DocumentDownload.objects.create(
        user=actor,
        kind=kind,
        file_format=file_format,
        object_id=object_id,
        object_label=object_label[:300],
        language=language,
    )
