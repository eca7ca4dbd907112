"""Writes for the knowledge base: items, their files, and recording that an item was used on a deal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_checked, save_with_version_check
from presales.core.history import attribute_change, delete_with_history, save_with_history
from presales.core.uploads import clean_filename, validate_upload
from presales.deals.models import Opportunity
from presales.knowledge.models import KnowledgeAttachment, KnowledgeItem, KnowledgeUse

if TYPE_CHECKING:
    from presales.deals.models import Competitor, Opportunity
    from presales.people.models import User

# The fields an item changes through the services (the page's form offers them in this order, the industries as
# checkboxes; the owner is set by whoever writes the item).
ITEM_FIELDS = (
    "kind",
    "title",
    "summary",
    "body",
    "industries",
    "products",
    "tags",
    "strengths",
    "weaknesses",
    "how_we_win",
    "proof_points",
    "title_en",
    "summary_en",
    "body_en",
    "strengths_en",
    "weaknesses_en",
    "how_we_win_en",
    "proof_points_en",
    "review_date",
    "restricted",
    "owner",
)


def pack_industries(codes: Iterable[str]) -> str:
    codes = [code for code in codes if code]
    return f",{','.join(sorted(set(codes)))}," if codes else ""


def _refresh_search_text(item: KnowledgeItem) -> None:
    names = list(item.competitors.values_list("name", flat=True))
    item.search_text = item.build_search_text(names)
    KnowledgeItem.objects.filter(pk=item.pk).update(search_text=item.search_text)


@transaction.atomic
def knowledge_item_create(
    *, actor: User, competitors: Iterable[Competitor] = (), industries: Iterable[str] = (), **fields: Any
) -> KnowledgeItem:
    """Add an item to the knowledge base; the author owns it unless an owner is given."""
    if not access.can_create_knowledge(actor):
        raise PermissionDenied
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fields.setdefault("owner", actor)
    item = KnowledgeItem(industries=pack_industries(industries), **fields)
    save_checked(item, actor=actor)
    item.competitors.set(list(competitors))
    _refresh_search_text(item)
    return item


@transaction.atomic
def knowledge_item_update(
    *,
    actor: User,
    item: KnowledgeItem,
    expected_version: int | None,
    competitors: Iterable[Competitor] | None = None,
    industries: Iterable[str] | None = None,
    **changes: Any,
) -> KnowledgeItem:
    """Change an item if nobody saved it since the person started editing."""
    if not access.can_edit_knowledge(actor, item):
        raise PermissionDenied
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if industries is not None:
        changes["industries"] = pack_industries(industries)
    updated = cast(
        KnowledgeItem, save_with_version_check(item, changes=changes, expected_version=expected_version, actor=actor)
    )
    if competitors is not None:
        updated.competitors.set(list(competitors))
    _refresh_search_text(updated)
    return updated


@transaction.atomic
def knowledge_item_delete(*, actor: User, item: KnowledgeItem) -> None:
    """Remove an item and its files."""
    if not access.can_edit_knowledge(actor, item):
        raise PermissionDenied
    files = []
    # Each attachment and use goes with its own history row naming the person (a cascade would name nobody).
    for attachment in item.attachments.all():
        files.append(attachment.file)
        delete_with_history(attachment, actor=actor)
    # Tender answers copied from or saved to this item lose the link (the database would set it null unrecorded).
    for entry in item.tender_questions.all():
        entry.knowledge_item = None
        attribute_change(entry, actor=actor)
        entry.save(update_fields=["knowledge_item"])
    for use in item.uses.all():
        delete_with_history(use, actor=actor)
    attribute_change(item, actor=actor)
    if item.competitors.exists():
        item.competitors.clear()  # recorded as a change of the item (its history keeps the competitor links)
        attribute_change(item, actor=actor)
    item.delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


@transaction.atomic
def knowledge_attachment_add(*, actor: User, item: KnowledgeItem, upload: Any) -> KnowledgeAttachment:
    """Store a checked file (size, extension, content) with an item."""
    if not access.can_edit_knowledge(actor, item):
        raise PermissionDenied
    content_type = validate_upload(upload)
    attachment = KnowledgeAttachment(
        item=item,
        original_name=clean_filename(upload.name),
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    save_with_history(attachment, actor=actor)
    return attachment


@transaction.atomic
def knowledge_attachment_delete(*, actor: User, attachment: KnowledgeAttachment) -> None:
    """Remove a file from an item (and from disk once the transaction commits)."""
    if not access.can_edit_knowledge(actor, attachment.item):
        raise PermissionDenied
    stored = attachment.file
    delete_with_history(attachment, actor=actor)
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def knowledge_use_record(*, actor: User, item: KnowledgeItem, opportunity: Opportunity, note: str = "") -> KnowledgeUse:
    """Record that an item was used on a deal (once per deal: the latest note wins)."""

    if not KnowledgeItem.objects.visible_to(actor).filter(pk=item.pk).exists():
        raise PermissionDenied
    if not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise PermissionDenied
    if len(note) > 300:
        raise ValidationError({"note": _("Keep the note under 300 characters.")})
    use = KnowledgeUse.objects.filter(item=item, opportunity=opportunity).first()
    if use is None:
        use = KnowledgeUse(item=item, opportunity=opportunity, used_by=actor, note=note)
        save_with_history(use, actor=actor)
    elif note:
        use.note = note
        attribute_change(use, actor=actor)
        use.save(update_fields=["note"])
    return use
