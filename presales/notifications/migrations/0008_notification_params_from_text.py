# Old notifications were stored as rendered text. Recover their parameters by matching the text against the templates
# that made it (frozen here, in English and Chinese), so they too render in the reader's language; a text that matches
# no template is kept as `legacy_text` and shown as it is. An `emailed_at` stamp becomes a sent e-mail delivery.

import re

from django.db import migrations

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# (kind, variant, template); the bid deadline's label was a parameter then and picks the variant now.
TEMPLATES = [
    ("step_assigned", "default", "%(step)s on %(deal)s is now yours."),
    ("step_assigned", "default", "%(deal)s 的“%(step)s”现在由你负责。"),
    ("step_assigned", "many", "%(count)s steps on %(deal)s are now yours."),
    ("step_assigned", "many", "%(deal)s 的 %(count)s 个步骤现在由你负责。"),
    ("step_due_soon", "default", "Due %(date)s: %(step)s on %(deal)s."),
    ("step_due_soon", "default", "%(date)s 到期：%(deal)s 的“%(step)s”。"),
    ("step_overdue", "default", "Overdue since %(date)s: %(step)s on %(deal)s."),
    ("step_overdue", "default", "自 %(date)s 起逾期：%(deal)s 的“%(step)s”。"),
    ("request_assigned", "default", "Support request for you to look at: %(request)s, needed by %(needed_by)s."),
    ("request_assigned", "default", "有支持申请待你查看：%(request)s，需要日期 %(needed_by)s。"),
    ("request_assigned", "accepted", "Accepted and yours: %(request)s, needed by %(needed_by)s."),
    ("request_assigned", "accepted", "已接受，由你负责：%(request)s，需要日期 %(needed_by)s。"),
    ("request_done", "default", "Done: %(request)s (by %(engineer)s)."),
    ("request_done", "default", "已完成：%(request)s（%(engineer)s）。"),
    (
        "request_escalated",
        "default",
        "Nobody picked up in time: %(request)s, asked by %(requester)s, needed by %(needed_by)s.",
    ),
    ("request_escalated", "default", "无人及时接手：%(request)s，申请人 %(requester)s，需要日期 %(needed_by)s。"),
    ("rating_owed", "default", "Rate the presales support of %(engineer)s on %(deal)s (request done)."),
    ("rating_owed", "default", "请评价 %(engineer)s 在 %(deal)s 上的售前支持（申请已完成）。"),
    ("rating_owed", "deal_closed", "Rate the presales support of %(engineer)s on %(deal)s (deal closed)."),
    ("rating_owed", "deal_closed", "请评价 %(engineer)s 在 %(deal)s 上的售前支持（商机已关闭）。"),
    ("debrief_owed", "default", "Debrief %(deal)s (%(outcome)s): main reason, competitor, product gap."),
    ("debrief_owed", "default", "复盘 %(deal)s（%(outcome)s）：主要原因、竞争对手、产品差距。"),
    ("bid_deadline", "default", "%(tender)s: submission deadline in %(days)s day(s); still open for you: %(things)s"),
    ("bid_deadline", "question", "%(tender)s: question deadline in %(days)s day(s); still open for you: %(things)s"),
    ("bid_deadline", "default", "%(tender)s：距投标截止时间还有 %(days)s 天；你尚未完成：%(things)s"),
    ("bid_deadline", "question", "%(tender)s：距答疑截止时间还有 %(days)s 天；你尚未完成：%(things)s"),
]


def _pattern(template):
    parts = re.split(r"%\((\w+)\)s", template)
    regex = ""
    for index, part in enumerate(parts):
        regex += re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
    return re.compile(f"^{regex}$", re.DOTALL)


PATTERNS = [(kind, variant, _pattern(template)) for kind, variant, template in TEMPLATES]


def parse(kind, message):
    """The variant and parameters of an old message, or None when no template of its kind made it."""
    for candidate_kind, variant, pattern in PATTERNS:
        if candidate_kind != kind:
            continue
        match = pattern.match(message)
        if match is None:
            continue
        params = {}
        for name, value in match.groupdict().items():
            if DATE.match(value):
                params[name] = {"date": value}
            elif name in {"count", "days"} and value.isdigit():
                params[name] = int(value)
            else:
                params[name] = value
        return variant, params
    return None


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Delivery = apps.get_model("notifications", "Delivery")
    changed = []
    deliveries = []
    for note in Notification.objects.iterator(chunk_size=2000):
        parsed = parse(note.kind, note.message or "")
        if parsed is None:
            note.legacy_text = note.message or ""
        else:
            note.variant, note.params = parsed
        changed.append(note)
        if note.emailed_at is not None:
            deliveries.append(
                Delivery(
                    notification_id=note.pk,
                    channel="email",
                    status="sent",
                    attempts=1,
                    sent_at=note.emailed_at,
                    next_attempt_at=None,
                )
            )
        if len(changed) >= 2000:
            Notification.objects.bulk_update(changed, ["variant", "params", "legacy_text"])
            changed = []
    if changed:
        Notification.objects.bulk_update(changed, ["variant", "params", "legacy_text"])
    Delivery.objects.bulk_create(deliveries, batch_size=2000, ignore_conflicts=True)


def backwards(apps, schema_editor):
    # The English text comes back from the parameters (the rendered message field returns in 0009's reverse).
    Notification = apps.get_model("notifications", "Notification")
    english = {}
    for kind, variant, template in TEMPLATES:
        english.setdefault((kind, variant), template)
    for note in Notification.objects.iterator(chunk_size=2000):
        if note.legacy_text or not note.params:
            note.message = note.legacy_text[:300]
        else:
            values = {}
            for name, value in note.params.items():
                if isinstance(value, dict):
                    value = value.get("date") or next(iter(value.get("i18n", {}).values()), "") or str(value)
                values[name] = value
            try:
                note.message = (english[(note.kind, note.variant)] % values)[:300]
            except (KeyError, TypeError, ValueError):
                note.message = note.kind
        sent = note.deliveries.filter(channel="email", status="sent").order_by("sent_at").first()
        note.emailed_at = sent.sent_at if sent else None
        note.save(update_fields=["message", "emailed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_webhooks"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
