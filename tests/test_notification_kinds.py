"""Notifications store a kind and parameters and are rendered in the reader's language and time zone.

Also: old notifications (stored as rendered text before kinds had parameters) are recovered by the data migration
and then read in Chinese by a Chinese reader.
"""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.urls import reverse
from django.utils import translation

from presales.notifications import kinds
from presales.notifications.models import Notification

MIGRATION = importlib.import_module("presales.notifications.migrations.0008_notification_params_from_text")


@pytest.fixture(autouse=True)
def _language_reset():
    """A request of a Chinese reader activates Chinese in this thread: give the next test the default back."""
    yield
    translation.activate("en")


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_template_keeps_its_placeholders_in_every_language(language):
    for kind in kinds.KINDS.values():
        for variant, template in kind.templates.items():
            with translation.override("en"):
                english = str(template)
            with translation.override(language):
                translated = str(template)
            assert _placeholders(translated) == _placeholders(english), (kind.key, variant, language)
            assert translated != english or language == "en", (kind.key, variant)


def test_a_notification_is_rendered_in_the_readers_language():
    params = {
        "date": kinds.date(datetime.date(2026, 3, 1)),
        "step": {"i18n": {"en": "3. Discovery", "zh-hans": "3. 需求调研"}},
        "deal": "数据中心升级",
    }
    note = Notification(kind="step_overdue", params=params)
    with translation.override("en"):
        assert note.text == "Overdue since 1 Mar 2026: 3. Discovery on 数据中心升级."
    with translation.override("zh-hans"):
        assert note.text == "自 2026年3月1日 起逾期：数据中心升级 的“3. 需求调研”。"


def test_a_moment_is_shown_in_the_readers_time_zone():
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    shanghai, berlin = (
        kinds.render_for(
            "request_done",
            "default",
            {"request": kinds.moment(moment), "engineer": "E"},
            language="en",
            time_zone=time_zone,
        )
        for time_zone in ("Asia/Shanghai", "Europe/Berlin")
    )
    assert "2 Mar 2026, 07:30" in shanghai and "2 Mar 2026, 00:30" in berlin


def test_a_long_list_is_cut_and_deviation_rows_are_named_in_the_readers_language():
    things = kinds.items(["A", "B", kinds.deviation_row(4), "D", "E", "F"])
    with translation.override("zh-hans"):
        assert kinds.format_value(things) == "A; B; 偏离表第 4 行; D; E…"


def test_old_english_text_is_recovered_by_the_migration():
    variant, params = MIGRATION.parse("step_overdue", "Overdue since 2026-03-01: 3. Discovery on 数据中心升级.")
    assert variant == "default"
    assert params == {"date": {"date": "2026-03-01"}, "step": "3. Discovery", "deal": "数据中心升级"}
    assert MIGRATION.parse("step_assigned", "5 steps on 数据中心升级 are now yours.") == (
        "many",
        {"count": 5, "deal": "数据中心升级"},
    )
    # An old Chinese text is recovered too, and the bid deadline's label picks the variant.
    assert MIGRATION.parse("bid_deadline", "数据中心招标：距答疑截止时间还有 3 天；你尚未完成：技术方案") == (
        "question",
        {"tender": "数据中心招标", "days": 3, "things": "技术方案"},
    )
    assert MIGRATION.parse("step_overdue", "Something nobody wrote") is None


def test_a_chinese_reader_sees_an_old_notification_in_chinese(personas, login, django_assert_max_num_queries):
    reader = personas.engineer
    reader.language = "zh-hans"
    reader.save(update_fields=["language"])
    variant, params = MIGRATION.parse("request_done", "Done: Demo · 数据中心升级 (by Engineer Zhao).")
    Notification.objects.create(recipient=reader, kind="request_done", variant=variant, params=params)
    Notification.objects.create(recipient=reader, kind="request_done", legacy_text="A text from long ago")
    for number in range(5):
        Notification.objects.create(
            recipient=reader,
            kind="step_due_soon",
            params={"date": kinds.date(datetime.date(2026, 3, number + 1)), "step": "S", "deal": f"D{number}"},
        )
    client = login(reader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:list"))
    page = response.content.decode()
    assert "已完成：Demo · 数据中心升级（Engineer Zhao）。" in page
    assert "A text from long ago" in page
    assert "2026年3月5日 到期：D4 的“S”。" in page
