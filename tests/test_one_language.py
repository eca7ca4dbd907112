"""One language at a time (issue 14, item 5): the cases the issue quoted, each in both languages.

The page-wide scan of every demo role is tests/test_language_scan.py; these are the single fixes it relies on.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from presales.bids import services as bids
from presales.core.i18n import in_reader_language
from presales.knowledge.services import knowledge_item_create
from presales.playbook.defaults import DEFAULT_PLAYBOOK_NOTES
from presales.playbook.models import PlaybookVersion
from tests.factories.bids import make_poc, make_tender
from tests.factories.customers import ContactFactory
from tests.test_playbook_services import step

pytestmark = pytest.mark.django_db


def chinese(user):
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    return user


def in_both_languages(**fields: tuple[str, str]) -> dict[str, str]:
    """A record's fields typed in both languages: `title=("中文", "English")` gives `title` and `title_en`."""
    return {key: text for name, (zh, en) in fields.items() for key, text in ((name, zh), (f"{name}_en", en))}


def test_a_document_title_and_a_job_title_are_two_words_in_chinese(personas, login):
    chinese(personas.admin)
    knowledge_item_create(actor=personas.admin, kind="solution", title="数据中心方案")
    knowledge = login(personas.admin).get(reverse("knowledge:list")).content.decode()
    assert ">标题<" in knowledge and "职务" not in knowledge
    ContactFactory(account=personas.account, name="李四", title="CIO")
    contacts = login(personas.admin).get(reverse("customers:contact_list")).content.decode()
    assert "职务" in contacts and "姓名" in contacts


def test_the_rubric_column_is_the_dimension_in_the_readers_language(personas, login):
    page = login(chinese(personas.admin)).get(reverse("scoring:setup")).content.decode()
    assert "姓名" not in page and ">维度<" in page
    personas.admin.language = "en"
    personas.admin.save(update_fields=["language"])
    page = login(personas.admin).get(reverse("scoring:setup")).content.decode()
    assert ">Dimension<" in page and "English name" not in page


def test_step_names_are_in_the_readers_language_only(personas, login):
    first = step(personas.deal, 1)
    url = reverse("deals:step", args=[first.pk])
    english = login(personas.owner).get(url).content.decode()
    assert first.definition.name_en in english and first.definition.name_zh not in english
    chinese(personas.owner)
    page = login(personas.owner).get(url).content.decode()
    assert first.definition.name_zh in page and first.definition.name_en not in page
    checklist = login(personas.owner).get(reverse("deals:checklist", args=[personas.deal.pk])).content.decode()
    assert first.definition.name_zh in checklist and first.definition.name_en not in checklist


def test_the_default_playbook_note_is_in_the_readers_language(personas, login):
    version = PlaybookVersion.objects.get(number=1)
    assert in_reader_language(version.notes, DEFAULT_PLAYBOOK_NOTES) == str(DEFAULT_PLAYBOOK_NOTES[0])
    personas.admin.language = "zh-hans"
    personas.admin.save(update_fields=["language"])
    page = login(personas.admin).get(reverse("playbook:settings")).content.decode()
    assert "文章中的 24 个步骤及默认的职责矩阵。" in page
    assert "PRODUCT.md" not in page and "article" not in page


def test_typed_notes_stay_as_typed():
    with translation.override("zh-hans"):
        assert in_reader_language("改了第 5 步", DEFAULT_PLAYBOOK_NOTES) == "改了第 5 步"
        assert in_reader_language("", DEFAULT_PLAYBOOK_NOTES) == ""


def test_default_submission_items_follow_the_reader_not_the_creator(personas, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("zh-hans"):  # created by a Chinese reader: stored in Chinese
        tender = make_tender(personas)
    assert tender.submission_items.filter(name="投标保证金已缴纳").exists()
    bids.submission_item_add(actor=personas.engineer, tender=tender, name="盖章的授权书原件", owner=None)
    page = login(personas.engineer).get(reverse("bids:tender_detail", args=[tender.pk])).content.decode()
    assert "Bid bond paid" in page and "Sealed original and copies prepared" in page
    # What someone typed is shown as typed.
    assert "盖章的授权书原件" in page
    with translation.override("zh-hans"):
        labels = [item.label for item in tender.submission_items.all()]
    assert all("Bid bond" not in label for label in labels)


def test_the_rating_page_has_no_english_full_stop_in_chinese(personas, login):
    from tests.test_scoring_selectors import close

    close(personas.deal, "won", on=timezone.localdate())
    page = login(chinese(personas.owner)).get(reverse("scoring:rate", args=[personas.deal.pk])).content.decode()
    assert "1 = 差，3 = 符合预期，5 = 优秀。" in page
    assert "上的支持." not in page and "上的支持 ." not in page


def test_the_test_case_library_is_shown_and_copied_in_the_readers_language(personas, login):
    case = bids.test_case_create(
        actor=personas.engineer,
        **in_both_languages(
            title=("备份恢复", "Backup and restore"),
            category=("数据保护", "Data protection"),
            description=("恢复 1TB 数据库", "Restore a 1 TB database"),
            validation=("4 小时内恢复完成", "Restored within 4 hours"),
        ),
    )
    url = reverse("bids:test_cases")
    english = login(personas.engineer).get(url).content.decode()
    assert "Backup and restore" in english and "Restored within 4 hours" in english and "备份恢复" not in english
    chinese(personas.engineer)
    page = login(personas.engineer).get(url).content.decode()
    assert "备份恢复" in page and "数据保护" in page and "Backup and restore" not in page
    with translation.override("zh-hans"):  # a Chinese reader's POC copies the Chinese criterion
        poc = make_poc(
            personas, title="POC", end_date=timezone.localdate() + datetime.timedelta(days=14), test_cases=[case]
        )
    assert list(poc.criteria.values_list("title", "validation")) == [("备份恢复", "4 小时内恢复完成")]
    # A case typed in one language only is shown as typed to everybody.
    only = bids.test_case_create(actor=personas.engineer, title="Failover", validation="< 30 s")
    with translation.override("zh-hans"):
        assert str(only) == "Failover"


def test_a_knowledge_item_shows_its_version_in_the_readers_language(personas, login):
    item = knowledge_item_create(
        actor=personas.admin,
        kind="battlecard",
        **in_both_languages(
            title=("竞争应对卡：华为", "Battlecard: Huawei"),
            summary=("如何赢华为", "How to win against Huawei"),
            how_we_win=("用 POC 证明切换时间。", "Prove failover in a POC."),
        ),
    )
    chinese(personas.admin)
    page = login(personas.admin).get(reverse("knowledge:detail", args=[item.pk])).content.decode()
    assert "竞争应对卡：华为" in page and "用 POC 证明切换时间。" in page
    assert "Battlecard: Huawei" not in page and "Prove failover" not in page
    personas.admin.language = "en"
    personas.admin.save(update_fields=["language"])
    page = login(personas.admin).get(reverse("knowledge:detail", args=[item.pk])).content.decode()
    assert "Battlecard: Huawei" in page and "Prove failover in a POC." in page
    assert "竞争应对卡" not in page and "用 POC" not in page
    # Search finds it by either version, in either language.
    listing = login(personas.admin).get(reverse("knowledge:list"), {"q": "如何赢"}).content.decode()
    assert "Battlecard: Huawei" in listing
    with translation.override("zh-hans"):
        assert str(item) == "竞争应对卡：华为"


def test_an_item_without_an_english_version_shows_what_was_written(personas, login):
    item = knowledge_item_create(actor=personas.admin, kind="solution", title="数据中心方案", body="同城双活。")
    personas.admin.language = "en"
    personas.admin.save(update_fields=["language"])
    page = login(personas.admin).get(reverse("knowledge:detail", args=[item.pk])).content.decode()
    assert "数据中心方案" in page and "同城双活。" in page
