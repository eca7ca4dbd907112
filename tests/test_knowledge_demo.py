"""The demo company holds knowledge in both languages, tenders in several states, POCs and gaps; searches find them."""

from __future__ import annotations

import pytest

from presales.bids.models import Poc, ProductGap, Tender
from presales.knowledge.models import KnowledgeItem, KnowledgeUse
from presales.knowledge.selectors import search


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")
def test_small_demo_has_knowledge_bids_pocs_and_gaps(small_demo):
    items = KnowledgeItem.objects.all()
    assert items.count() >= 10
    assert [i.title for i in search(items, "双活")][0] == "数据中心双活建设方案"
    # Each demo item is written in Chinese with an English version; either language finds it.
    assert "医院超融合基础架构方案" in [i.title for i in search(items, "converged")]
    assert not items.filter(title_en="").exists()
    assert KnowledgeUse.objects.exists()
    assert set(Tender.objects.values_list("status", flat=True)) >= {"preparing", "submitted"}
    assert Tender.objects.filter(deviations__isnull=False).exists()
    assert Poc.objects.filter(criteria__isnull=False).exists()
    assert ProductGap.objects.values("key").distinct().count() >= 3
