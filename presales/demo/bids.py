"""Demo tenders in several states, POCs with library test cases and a customer sign-off, product gaps.

Registered from BidsConfig.ready(). A bounded number at every size, through the services (by each deal's
presales lead), so the pages, reminders and the gaps ranking have realistic rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from presales.bids import services
from presales.bids.models import (
    Compliance,
    DeviationTable,
    GapSeverity,
    PocStatus,
    SectionKind,
    TenderStatus,
)
from presales.deals.models import Opportunity, Outcome

if TYPE_CHECKING:
    from presales.demo.context import DemoContext

# The test-case library in both languages: title, category, what is tested, how success is validated (Chinese,
# then English); each reader sees their own language.
TEST_CASES = [
    (("同城双活故障切换", "高可用", "切断主站点电源，观察业务切换", "业务中断时间 < 30 秒，无数据丢失"),
     ("Active-active failover", "High availability", "Cut the primary site's power and watch the switch-over",
      "Service interrupted < 30 s, no data lost")),
    (("混合负载吞吐量", "性能", "70/30 读写比，8K 块", "延迟 < 1 毫秒时 ≥ 200,000 IOPS"),
     ("Throughput under mixed load", "Performance", "70/30 read/write, 8K blocks", "≥ 200,000 IOPS at < 1 ms latency")),
    (("备份恢复", "数据保护", "恢复 1TB 数据库到指定时间点", "4 小时内恢复完成，校验一致"),
     ("Backup and restore", "Data protection", "Restore a 1 TB database to a point in time",
      "Restored within 4 hours, checksums match")),
    (("不停机滚动升级", "运维", "逐个节点升级固件", "客户端无 I/O 错误"),
     ("Rolling upgrade without downtime", "Operations", "Upgrade firmware node by node", "No I/O errors on clients")),
    (("国产化适配", "信创", "在国产 CPU 与操作系统上部署", "全部功能用例通过"),
     ("Domestic platform compatibility", "Domestic IT (Xinchuang)", "Deploy on domestic CPUs and operating systems",
      "Every functional case passes")),
]  # fmt: skip
GAPS = [
    ("国密算法 SM2/SM4 支持", GapSeverity.DEAL_BREAKER, "存储"),
    ("Native Kubernetes CSI snapshot support", GapSeverity.CHALLENGE, "Storage"),
    ("中文运维界面", GapSeverity.CHALLENGE, "Management"),
    ("Multi-tenant billing reports", GapSeverity.NICE_TO_HAVE, "Cloud platform"),
    ("三级等保审计日志", GapSeverity.DEAL_BREAKER, "Security"),
]
SECTIONS = [
    ("技术方案", SectionKind.TECHNICAL),
    ("技术偏离表", SectionKind.TECHNICAL),
    ("商务偏离表", SectionKind.COMMERCIAL),
    ("资格证明文件", SectionKind.QUALIFICATION),
    ("报价一览表", SectionKind.PRICING),
]
REQUIREMENTS = [
    ("★支持同城双活，RPO=0", True, "支持，见技术白皮书第 3 章", Compliance.COMPLIANT),
    ("单系统可用容量不低于 500TB", False, "提供 600TB", Compliance.COMPLIANT),
    ("提供原厂 5 年维保", False, "提供 3 年，可续保", Compliance.DEVIATING),
    ("★通过国产化适配认证", True, "", Compliance.OPEN),
]


def _at(ctx: DemoContext, days: int, hour: int = 10) -> datetime.datetime:
    day = ctx.today + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _tender(ctx: DemoContext, deal: Opportunity, status: str, days: int) -> None:
    lead = deal.presales_lead
    assert lead is not None  # noqa: S101 - deals are chosen with a presales lead
    tender = services.tender_create(
        actor=lead,
        opportunity=deal,
        title=f"{deal.account.name} {deal.name} 招标",
        reference=f"ZB-{ctx.today.year}-{deal.pk:05d}",
        procurement_method=ctx.rng.choice(["open", "open", "negotiation", "consultation"]),
        status=TenderStatus.PREPARING,
        published_on=ctx.today + datetime.timedelta(days=days - 25),
        question_deadline=_at(ctx, days - 7, 17),
        submission_deadline=_at(ctx, days, 9),
        opening_at=_at(ctx, days, 10),
        bid_bond=Decimal(ctx.rng.choice([50000, 100000, 200000])),
    )
    commercial = ctx.commercial_people[0] if ctx.commercial_people else deal.sales_owner
    for name, kind in SECTIONS:
        owner = (
            lead
            if kind == SectionKind.TECHNICAL
            else commercial
            if kind != SectionKind.QUALIFICATION
            else deal.sales_owner
        )
        section = services.tender_section_add(actor=lead, tender=tender, name=name, kind=kind, owner=owner)
        if status != TenderStatus.PREPARING or ctx.rng.random() < 0.4:
            services.tender_section_toggle(actor=lead, section=section)
    for text, mandatory, response, compliance in REQUIREMENTS:
        services.deviation_add(
            actor=lead,
            tender=tender,
            table=DeviationTable.TECHNICAL,
            requirement=text.lstrip("★"),
            mandatory=mandatory,
            response=response,
            compliance=compliance,
            owner=lead,
        )
    services.deviation_add(
        actor=lead,
        tender=tender,
        table=DeviationTable.COMMERCIAL,
        requirement="付款方式：3-6-1",
        response="接受",
        compliance=Compliance.COMPLIANT,
        owner=commercial,
    )
    services.tender_question_add(
        actor=lead, tender=tender, question="招标文件第 3.2 条容量是否指可用容量？", answer="是，指 RAID 后可用容量。"
    )
    for index, item in enumerate(tender.submission_items.all()):
        item.owner = commercial if index % 2 else lead
        item.save(update_fields=["owner"])
        if status != TenderStatus.PREPARING:
            services.submission_item_tick(actor=lead, item=item)
    if status != TenderStatus.PREPARING:
        changes: dict = {"status": status}
        if status in (TenderStatus.WON, TenderStatus.LOST):
            changes.update(rank=1 if status == TenderStatus.WON else 2, technical_score=Decimal("86.5"))
        if status == TenderStatus.LOST and ctx.competitors:
            changes.update(
                winning_competitor=ctx.rng.choice(ctx.competitors),
                winning_price=(deal.amount * Decimal("0.9")).quantize(Decimal("0.01")),
            )
        services.tender_update(actor=lead, tender=tender, expected_version=None, **changes)


def generate_bids(ctx: DemoContext) -> None:
    """A dozen tenders (preparing with near deadlines, submitted, won, lost), POCs, and recurring gaps."""
    lead_deals = Opportunity.objects.filter(presales_lead__isnull=False).select_related(
        "account", "presales_lead", "sales_owner"
    )
    open_deals = list(lead_deals.filter(outcome=Outcome.OPEN).order_by("pk")[:30])
    won = list(lead_deals.filter(outcome=Outcome.WON).order_by("pk")[:6])
    lost = list(lead_deals.filter(outcome=Outcome.LOST).order_by("pk")[:6])
    if not open_deals or not ctx.presales_people:
        return
    tenders = 0
    for deal, days in zip(open_deals[:6], (2, 3, 6, 7, 12, 20), strict=False):
        _tender(ctx, deal, TenderStatus.PREPARING, days)
        tenders += 1
    for deal in open_deals[6:9]:
        _tender(ctx, deal, TenderStatus.SUBMITTED, -3)
        tenders += 1
    for deal in won[:3]:
        _tender(ctx, deal, TenderStatus.WON, -40)
        tenders += 1
    for deal in lost[:3]:
        _tender(ctx, deal, TenderStatus.LOST, -40)
        tenders += 1

    cases = [
        services.test_case_create(
            actor=ctx.presales_people[0],
            title=t,
            category=c,
            description=d,
            validation=v,
            title_en=t_en,
            category_en=c_en,
            description_en=d_en,
            validation_en=v_en,
        )
        for (t, c, d, v), (t_en, c_en, d_en, v_en) in TEST_CASES
    ]
    pocs = 0
    for index, deal in enumerate(open_deals[9:15] + won[3:5] + lost[3:5]):
        lead = deal.presales_lead
        start = ctx.today + datetime.timedelta(days=ctx.rng.randint(-20, 5))
        closed = deal.outcome != Outcome.OPEN
        poc = services.poc_create(
            actor=lead,
            opportunity=deal,
            title=f"POC: {deal.name}",
            lead=lead,
            start_date=start,
            end_date=start + datetime.timedelta(days=14),
            status=PocStatus.COMPLETED if closed else (PocStatus.RUNNING if start <= ctx.today else PocStatus.PLANNED),
            environment="客户测试机房，两台服务器 + 万兆交换机 / customer lab, two servers, 10GbE",
            equipment="2× storage nodes (loan), 30-day licences",
            people=f"{lead}; 客户信息中心 2 人",
            test_cases=ctx.rng.sample(cases, k=3),
        )
        if closed or index % 2 == 0:
            for criterion in poc.criteria.all():
                result = "passed" if deal.outcome != Outcome.LOST else ctx.rng.choice(["passed", "failed", "partly"])
                services.poc_criterion_record(actor=lead, criterion=criterion, result=result, notes="")
        if closed:
            # Status and outcome followed the results recorded above; the customer's sign-off is added here.
            services.poc_update(actor=lead, poc=poc, expected_version=None, signed_off_by="王主任", signed_off_on=start)
        pocs += 1

    gaps = 0
    for deal in open_deals[:20] + lost:
        for title, severity, product in ctx.rng.sample(GAPS, k=ctx.rng.randint(0, 2)):
            services.product_gap_create(
                actor=deal.presales_lead, opportunity=deal, title=title, severity=severity, product=product
            )
            gaps += 1
    ctx.counts.update({"tenders": tenders, "POCs": pocs, "product gaps": gaps})
