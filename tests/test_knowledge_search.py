"""Bilingual search: Chinese phrases and parts of English words, ranked, highlighted (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from presales.knowledge import selectors, services
from presales.knowledge.models import KnowledgeItem, KnowledgeKind


def make_item(actor, **fields):
    fields.setdefault("kind", KnowledgeKind.SOLUTION)
    return services.knowledge_item_create(actor=actor, **fields)


@pytest.fixture
def library(personas):
    author = personas.engineer
    return {
        "dc_title": make_item(author, title="数据中心建设方案", body="双活架构，两地三中心。", tags="灾备"),
        "dc_body": make_item(author, title="银行核心系统迁移", body="迁移到新的数据中心时的步骤与风险。"),
        "virt": make_item(
            author, title="Virtualization sizing guide", summary="How to size clusters", body="Hyperconverged nodes."
        ),
        "other": make_item(author, title="Retail loyalty analysis", kind=KnowledgeKind.INDUSTRY_ANALYSIS),
    }


def titles(queryset):
    return [item.title for item in queryset]


def test_chinese_phrase_found_inside_longer_text_and_title_hit_ranks_first(library):
    found = titles(selectors.search(KnowledgeItem.objects.all(), "数据中心"))
    assert found == ["数据中心建设方案", "银行核心系统迁移"]


def test_part_of_an_english_word_and_any_case(library):
    assert titles(selectors.search(KnowledgeItem.objects.all(), "VIRTUAL")) == ["Virtualization sizing guide"]
    assert titles(selectors.search(KnowledgeItem.objects.all(), "converge")) == ["Virtualization sizing guide"]


def test_every_term_must_match(library):
    assert titles(selectors.search(KnowledgeItem.objects.all(), "数据中心 灾备")) == ["数据中心建设方案"]
    assert titles(selectors.search(KnowledgeItem.objects.all(), "sizing retail")) == []


def test_tag_hit_outranks_body_hit(personas):
    body_hit = make_item(personas.engineer, title="A", body="mentions 容灾 once")
    tag_hit = make_item(personas.engineer, title="B", tags="容灾")
    ranked = list(selectors.search(KnowledgeItem.objects.all(), "容灾"))
    assert ranked == [tag_hit, body_hit]
    assert ranked[0].rank > ranked[1].rank


def test_competitor_names_are_searchable(personas):
    from tests.factories import CompetitorFactory

    rival = CompetitorFactory(name="Huawei")
    card = make_item(personas.engineer, title="Battlecard", kind=KnowledgeKind.BATTLECARD, competitors=[rival])
    assert list(selectors.search(KnowledgeItem.objects.all(), "huawei")) == [card]


def test_wildcards_are_literal(library):
    assert titles(selectors.search(KnowledgeItem.objects.all(), "%")) == []
    assert titles(selectors.search(KnowledgeItem.objects.all(), "_")) == []


def test_highlight_escapes_html_and_marks_terms():
    html = selectors.highlight("<b>数据中心</b> & Data", ["数据中心", "data"])
    assert html == "&lt;b&gt;<mark>数据中心</mark>&lt;/b&gt; &amp; <mark>Data</mark>"
    # A term that is part of an entity must not break the escaping.
    assert selectors.highlight("a & b", ["amp"]) == "a &amp; b"


def test_update_refreshes_the_search_text(library, personas):
    item = library["other"]
    services.knowledge_item_update(
        actor=personas.engineer, item=item, expected_version=item.version, body="会员体系与数据中台"
    )
    assert titles(selectors.search(KnowledgeItem.objects.all(), "数据中台")) == ["Retail loyalty analysis"]


def test_search_page_shows_highlights(library, personas, login):
    response = login(personas.outsider).get("/knowledge/", {"q": "数据中心"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>数据中心</mark>建设方案" in body
    assert "Virtualization" not in body
