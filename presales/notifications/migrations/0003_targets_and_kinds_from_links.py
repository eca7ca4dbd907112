# Existing notifications keep what they pointed at: the step (else the deal) becomes the target, and the old three
# kinds (assigned, due soon, overdue), which every source shared, become one kind per source. The source is told
# by the dedupe key each source writes ("rate-request:...", "debrief:...", "bid:...", "request-...:...").

from django.db import migrations

# (dedupe key prefix, new kind), first match wins; rows without a key were step assignments.
SOURCES = [
    ("request-escalated:", "request_escalated"),
    ("request-done:", "request_done"),
    ("request-", "request_assigned"),
    ("rate-", "rating_owed"),
    ("debrief:", "debrief_owed"),
    ("bid:", "bid_deadline"),
]
STEP_KINDS = {"assigned": "step_assigned", "due_soon": "step_due_soon", "overdue": "step_overdue"}


def new_kind(old_kind, dedupe_key, has_step):
    if not has_step:
        for prefix, kind in SOURCES:
            if dedupe_key and dedupe_key.startswith(prefix):
                return kind
    return STEP_KINDS.get(old_kind, "step_assigned")


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    changed = []
    for note in Notification.objects.only("pk", "kind", "dedupe_key", "step_id", "opportunity_id").iterator(
        chunk_size=2000
    ):
        note.kind = new_kind(note.kind, note.dedupe_key, note.step_id is not None)
        if note.step_id is not None:
            note.target_type, note.target_id = "deal_step", note.step_id
        elif note.opportunity_id is not None:
            note.target_type, note.target_id = "opportunity", note.opportunity_id
        changed.append(note)
        if len(changed) >= 2000:
            Notification.objects.bulk_update(changed, ["kind", "target_type", "target_id"])
            changed = []
    if changed:
        Notification.objects.bulk_update(changed, ["kind", "target_type", "target_id"])


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    DealStep = apps.get_model("playbook", "DealStep")
    old = {"step_due_soon": "due_soon", "bid_deadline": "due_soon", "step_overdue": "overdue", "request_escalated": "overdue"}
    for note in Notification.objects.iterator(chunk_size=2000):
        note.kind = old.get(note.kind, "assigned")
        note.step_id = note.target_id if note.target_type == "deal_step" else None
        note.opportunity_id = note.target_id if note.target_type == "opportunity" else None
        if note.step_id is not None:
            # A step's notification also named its deal.
            note.opportunity_id = DealStep.objects.filter(pk=note.step_id).values_list("opportunity_id", flat=True).first()
        note.save(update_fields=["kind", "step_id", "opportunity_id"])


def move_content_type(apps, schema_editor):
    """Permissions and admin log entries of the model follow it to its new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="notifications", model="notification").exists():
        ContentType.objects.filter(app_label="playbook", model="notification").update(app_label="notifications")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="playbook", model="notification").exists():
        ContentType.objects.filter(app_label="notifications", model="notification").update(app_label="playbook")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0002_targets"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
