"""Documents people sign and send (issue 19, item 3): each PDF is produced, read back (tests/pdf_text.py), and carries
the right text and figures in the reader's language; only those who see the object get it; every one is recorded.

PDF rendering is slow on a loaded machine, so each test renders as few PDFs as it can; access, audit and query
counts are checked on the print pages, which share the PDF's lookups and contents.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation

from presales.bids import services as bids
from presales.deals.services.competitors import deal_competitor_add
from presales.deals.services.opportunities import opportunity_close
from presales.documents.models import DocumentDownload, DocumentFormat, DocumentKind
from presales.documents.rendering import OfflineFetcher, render_pdf
from presales.documents.views import css_string
from presales.scoring import formulas
from presales.scoring import selectors as scoring
from presales.scoring.services import debrief_create
from tests.factories import CompetitorFactory
from tests.factories.bids import make_poc, make_tender
from tests.pdf_text import pdf_fonts, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def _poc(personas):
    poc = make_poc(personas, title="存储双活 POC", lead=personas.engineer, signed_off_by="客户 张工")
    for title, result in (
        ("故障切换 RTO 小于 30 秒", "passed"),
        ("吞吐不低于 10GB/s", "passed"),
        ("快照恢复", "failed"),
    ):
        criterion = bids.poc_criterion_add(actor=personas.engineer, poc=poc, title=title, validation="现场演示")
        bids.poc_criterion_record(actor=personas.engineer, criterion=criterion, result=result, notes="实测")
    return poc


def _tender(personas, rows=3):
    tender = make_tender(personas, title="数据中心升级项目招标", reference="ZB-2026-018")
    compliances = ["exceeding", "compliant", "deviating"]
    for index in range(rows):
        bids.deviation_add(
            actor=personas.engineer,
            tender=tender,
            table="technical",
            requirement=f"第 {index + 1} 项：支持双活数据中心，切换时间不超过 30 秒，并提供第三方检测报告",
            mandatory=index == 0,
            response="完全支持，切换时间 12 秒",
            compliance=compliances[index % 3],
        )
    bids.deviation_add(
        actor=personas.engineer,
        tender=tender,
        table="commercial",
        requirement="付款方式：验收后 30 日内",
        compliance="compliant",
    )
    return tender


def _closed_deal(personas):
    deal = personas.deal
    rival = CompetitorFactory(name="华为")
    deal_competitor_add(actor=personas.owner, opportunity=deal, competitor=rival, notes="报价低 15%", is_ahead=True)
    deal = opportunity_close(
        actor=personas.owner, opportunity=deal, outcome="lost", reason="价格高于竞争对手", expected_version=deal.version
    )
    debrief_create(
        actor=personas.owner, opportunity=deal, main_reason="price", explanation="客户最终选择最低价", competitor=rival
    )
    return deal


def _reader(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def _pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    return response.content


def test_poc_signoff_pdf_in_chinese(personas, login):
    poc = _poc(personas)
    reader = _reader(personas.engineer, "zh-hans")
    pdf = _pdf(login(reader).get(f"/documents/pocs/{poc.pk}/pdf/"))
    # The Chinese is set in a CJK font the install provides (embedded), not left to the reader's machine.
    assert any("WenQuanYi" in name or "NotoSansCJK" in name for name in pdf_fonts(pdf)), pdf_fonts(pdf)
    text = pdf_text(pdf)
    # Title, criteria with their results, the results counted, the signature blocks.
    for expected in (
        "POC 测试确认书",
        "存储双活 POC",
        "故障切换 RTO 小于 30 秒",
        "吞吐不低于 10GB/s",
        "成功标准 3",
        "通过 2",
        "未通过 1",
        "部分通过 0",
        "客户方",
        "厂商方（POC 负责人）",
        "客户 张工",
        "单位盖章",
        # The running header (customer · deal) and the page numbers, in Chinese.
        "华东银行 · 数据中心升级",
        "第 1 页，共 1 页",
    ):
        assert expected in text, expected
    assert "Passed" not in text
    record = DocumentDownload.objects.get()
    assert (record.kind, record.file_format, record.object_id, record.user, record.language) == (
        DocumentKind.POC_SIGNOFF,
        DocumentFormat.PDF,
        poc.pk,
        reader,
        "zh-hans",
    )


def test_deviation_tables_pdf_break_across_pages_with_the_header_repeated(personas, login):
    tender = _tender(personas, rows=45)
    pages = pdf_pages(_pdf(login(_reader(personas.engineer, "zh-hans")).get(f"/documents/tenders/{tender.pk}/pdf/")))
    assert len(pages) >= 3
    text = " ".join(" ".join(pages).split())
    for expected in (
        "偏离表及投标提交检查清单",
        "ZB-2026-018",
        "技术偏离表",
        "商务偏离表",
        # 45 technical rows: 15 of each, one mandatory (★) row met; the commercial table's one row.
        "要求条目 45",
        "正偏离 15",
        "无偏离 15",
        "负偏离 15",
        "未满足的实质性条款（★） 0",
        "要求条目 1",
        "投标提交检查清单",
        "投标人（盖单位公章）",
        "付款方式：验收后 30 日内",
    ):
        assert expected in text, expected
    # Every page carries the header (customer · tender number) and its number; every page of the technical table
    # repeats the table's header row.
    for number, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert "华东银行 · ZB-2026-018" in flat
        assert f"第 {number} 页，共 {len(pages)} 页" in flat
    assert sum("招标要求" in page for page in pages) >= 2


def test_scorecard_pdf_in_chinese_carries_the_figures(personas, login):
    deal = personas.deal
    opportunity_close(
        actor=personas.owner, opportunity=deal, outcome="lost", reason="预算取消", expected_version=deal.version
    )
    reader = _reader(personas.presales_manager, "zh-hans")
    start = timezone.localdate().replace(day=1)
    query = f"kind=month&start={start.isoformat()}"
    text = pdf_text(_pdf(login(reader).get(f"/documents/scorecards/{personas.engineer.pk}/pdf/?{query}")))
    with translation.override("zh-hans"):
        card = scoring.scorecard_for(personas.engineer, formulas.MONTH, start)
    assert (card.lost, len(card.deals)) == (1, 1)
    for expected in (
        "工程师考核表",
        "Engineer Zhao",
        "Presales",
        "业绩",
        "拜访",
        "丢单 1",
        "数据中心升级",
        f"{card.visits} / {floatformat(card.expected_visits, '-2')}",
        f"{card.weights['results']}%",
        "Engineer Zhao",
    ):
        assert expected in text, expected
    assert DocumentDownload.objects.get().object_label.startswith("Engineer Zhao")


def test_debrief_pdf_in_english(personas, login):
    deal = _closed_deal(personas)
    reader = _reader(personas.owner, "en")
    text = pdf_text(_pdf(login(reader).get(f"/documents/deals/{deal.pk}/debrief/pdf/")))
    for expected in (
        "Win/loss debrief",
        "数据中心升级",
        "Lost",
        "价格高于竞争对手",
        "华为",
        "报价低 15%",
        "Price 1",
        "客户最终选择最低价",
        "Owner Wang",
        "Page 1 of 1",
        "¥1,000,000",
    ):
        assert expected in text, expected
    assert deal.amount == Decimal("1000000")


def test_only_people_who_see_the_object_get_its_documents(personas, login, client):
    poc = _poc(personas)
    tender = _tender(personas)
    deal = _closed_deal(personas)
    urls = [
        f"/documents/pocs/{poc.pk}/",
        f"/documents/pocs/{poc.pk}/pdf/",
        f"/documents/tenders/{tender.pk}/",
        f"/documents/tenders/{tender.pk}/pdf/",
        f"/documents/scorecards/{personas.engineer.pk}/",
        f"/documents/scorecards/{personas.engineer.pk}/pdf/",
        f"/documents/deals/{deal.pk}/debrief/",
        f"/documents/deals/{deal.pk}/debrief/pdf/",
    ]
    for url in urls:
        assert login(personas.outsider).get(url).status_code == 404, url
        assert client.get(url).status_code == 302, url
    # A teammate sees the deal (so its POC, tender and debrief), not an engineer's scorecard.
    teammate = login(personas.teammate)
    for url in urls[0:8:2]:
        expected = 404 if "scorecards" in url else 200
        assert teammate.get(url).status_code == expected, url
    assert not DocumentDownload.objects.filter(user=personas.outsider).exists()
    assert DocumentDownload.objects.filter(user=personas.teammate, file_format=DocumentFormat.PRINT).count() == 3


def test_open_deal_has_no_debrief_and_pages_offer_the_downloads(personas, login):
    engineer = login(personas.engineer)
    assert engineer.get(f"/documents/deals/{personas.deal.pk}/debrief/").status_code == 404
    assert "/debrief/pdf/" not in engineer.get(f"/deals/{personas.deal.pk}/").content.decode()
    poc = _poc(personas)
    tender = _tender(personas)
    assert f"/documents/pocs/{poc.pk}/pdf/" in engineer.get(f"/bids/pocs/{poc.pk}/").content.decode()
    assert f"/documents/tenders/{tender.pk}/pdf/" in engineer.get(f"/bids/{tender.pk}/").content.decode()
    scorecard = engineer.get(f"/scoring/engineers/{personas.engineer.pk}/?kind=month&start=2026-11-01").content.decode()
    assert f"/documents/scorecards/{personas.engineer.pk}/pdf/?kind=month&amp;start=2026-11-01" in scorecard
    deal = _closed_deal(personas)
    assert f"/documents/deals/{deal.pk}/debrief/pdf/" in engineer.get(f"/deals/{deal.pk}/").content.decode()


def test_print_pages_query_count_does_not_grow_with_rows(personas, login, django_assert_max_num_queries):
    tender = _tender(personas, rows=3)
    poc = _poc(personas)
    client = login(personas.engineer)
    client.get(f"/documents/tenders/{tender.pk}/")  # warm the per-process caches (company currency, navigation)
    for row in range(30):
        bids.deviation_add(actor=personas.engineer, tender=tender, table="commercial", requirement=f"条款 {row}")
        bids.poc_criterion_add(actor=personas.engineer, poc=poc, title=f"标准 {row}")
    with django_assert_max_num_queries(20):
        response = client.get(f"/documents/tenders/{tender.pk}/")
    assert response.status_code == 200
    assert "条款 29" in response.content.decode()
    with django_assert_max_num_queries(20):
        assert "标准 29" in client.get(f"/documents/pocs/{poc.pk}/").content.decode()


def test_rendering_fetches_nothing_and_header_text_cannot_escape_the_style(monkeypatch):
    asked = []

    def refuse(self, url, headers=None):
        asked.append(url)
        raise ValueError("refused")

    monkeypatch.setattr(OfflineFetcher, "fetch", refuse)
    html = (
        '<html><head><link rel="stylesheet" href="https://cdn.example.com/x.css"></head><body>'
        '<img src="http://169.254.169.254/latest/meta-data/"><img src="file:///etc/passwd"><p>正文</p></body></html>'
    )
    assert "正文" in pdf_text(render_pdf(html))
    assert sorted(asked) == [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://cdn.example.com/x.css",
    ]
    assert css_string('a"b</style><script>') == '"a\\"b\\3c /style>\\3c script>"'
