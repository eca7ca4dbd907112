"""Demo knowledge base: battlecards, industry analyses, solutions and reusable answers in Chinese and English.

Registered from KnowledgeConfig.ready(). The same small library at every size (it is what people search),
created through the services by presales engineers, and used on some won and open deals so the
"most useful first" ranking has something to show.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from presales.deals.models import Opportunity, Outcome
from presales.knowledge import services
from presales.knowledge.models import KnowledgeKind

if TYPE_CHECKING:
    from presales.demo.context import DemoContext

ITEMS = [
    (
        KnowledgeKind.SOLUTION,
        "数据中心双活建设方案",
        "面向金融行业的两地三中心、双活数据中心整体方案。",
        "架构：同城双活 + 异地灾备。存储层采用同步复制，网络层大二层互联，RPO=0，RTO<30秒。适用于银行核心、证券交易系统。",
        ["finance"],
        "灾备, 双活, 数据中心",
        "存储, 网络",
    ),
    (
        KnowledgeKind.INDUSTRY_ANALYSIS,
        "2024 政务云行业分析",
        "省级政务云建设的预算、采购方式与决策链。",
        "政务云项目多采用公开招标，信创比例要求逐年提高；大数据局为主要决策部门，财政局把控预算。",
        ["government"],
        "政务云, 信创",
        "云平台",
    ),
    (
        KnowledgeKind.INDUSTRY_ANALYSIS,
        "Manufacturing: smart factory buying patterns",
        "How plant IT and OT teams evaluate edge and MES integration projects.",
        "Plant managers own the budget; IT validates security. Pilots on one production line precede roll-out.",
        ["manufacturing"],
        "smart factory, edge, MES",
        "Edge server",
    ),
    (
        KnowledgeKind.SOLUTION,
        "Hyperconverged infrastructure for hospitals",
        "HCI sizing and migration plan for hospital information systems (HIS, PACS).",
        "Start with PACS storage growth; three-node clusters per campus; disaster recovery to the regional data centre.",
        ["healthcare"],
        "HCI, PACS, virtualization",
        "HCI",
    ),
    (
        KnowledgeKind.PRODUCT_RECOMMENDATION,
        "分布式存储选型建议",
        "按容量、性能与预算选择分布式存储型号。",
        "小于 500TB 推荐入门型号；视频监控与 PACS 场景推荐大容量机型；需同步复制时选择企业级。",
        ["healthcare", "government", "education"],
        "存储, 选型",
        "分布式存储",
    ),
    (
        KnowledgeKind.PROPOSAL,
        "Data centre modernisation proposal template",
        "A reusable proposal structure for data centre refresh deals.",
        "Executive summary, current state, target architecture, migration waves, TCO comparison, references.",
        ["finance", "telecom"],
        "proposal, data center, TCO",
        "Storage, Network",
    ),
    (
        KnowledgeKind.SLIDE_DECK,
        "公司介绍与成功案例（2024版）",
        "面向客户高层的公司介绍幻灯片。",
        "包含行业案例：某国有大行数据中心、某省政务云、某三甲医院 PACS 扩容。",
        [],
        "公司介绍, 案例",
        "",
    ),
    (
        KnowledgeKind.BID_BOILERPLATE,
        "投标文件技术部分通用章节",
        "售后服务承诺、培训方案、项目实施计划模板。",
        "售后服务：7×24 小时响应，4 小时到场；培训：管理员培训 3 天；实施：蓝图、部署、割接、验收四阶段。",
        [],
        "标书, 售后服务, 实施计划",
        "",
    ),
    (
        KnowledgeKind.ANSWER,
        "是否支持国产化 CPU 与操作系统？",
        "信创适配常见问题。",
        "支持。已完成与主流国产 CPU 和操作系统的兼容性认证，证书见附件。",
        ["government", "finance"],
        "信创, 国产化, 答疑",
        "",
    ),
    (
        KnowledgeKind.ANSWER,
        "What is the guaranteed failover time?",
        "Standard answer for RTO questions in tenders.",
        "Under 30 seconds for active-active clusters, verified in customer POCs; see the POC report template.",
        [],
        "RTO, failover, tender Q&A",
        "",
    ),
]

BATTLECARD_NOTES = {
    "strengths": "品牌认知度高，渠道覆盖广 / Strong brand and channel reach.",
    "weaknesses": "售后响应慢，定制化能力弱 / Slow support, little customisation.",
    "how_we_win": "用 POC 证明性能与切换时间，强调本地服务团队 / Prove failover in a POC; stress local service.",
    "proof_points": "某股份制银行替换案例 / A joint-stock bank replaced them with us in 2023.",
}


def generate_knowledge(ctx: DemoContext) -> None:
    """About a dozen items in both languages, battlecards for the first competitors, uses on deals."""
    authors = ctx.presales_people
    if not authors:
        return
    items = []
    for index, (kind, title, summary, body, industries, tags, products) in enumerate(ITEMS):
        items.append(
            services.knowledge_item_create(
                actor=authors[index % len(authors)],
                kind=kind,
                title=title,
                summary=summary,
                body=body,
                industries=industries,
                tags=tags,
                products=products,
                review_date=ctx.today + datetime.timedelta(days=ctx.rng.randint(-30, 180)),
            )
        )
    for index, competitor in enumerate(ctx.competitors[:3]):
        items.append(
            services.knowledge_item_create(
                actor=authors[index % len(authors)],
                kind=KnowledgeKind.BATTLECARD,
                title=f"Battlecard: {competitor.name}",
                summary=f"如何赢 {competitor.name} / How to win against {competitor.name}",
                competitors=[competitor],
                tags="battlecard, 竞争",
                restricted=index == 2,
                **BATTLECARD_NOTES,
            )
        )
    deals = list(
        Opportunity.objects.filter(presales_lead__isnull=False, outcome__in=[Outcome.WON, Outcome.OPEN])
        .select_related("presales_lead")
        .order_by("pk")[:40]
    )
    uses = 0
    for deal in deals:
        for item in ctx.rng.sample(items, k=2):
            if item.restricted:
                continue
            services.knowledge_use_record(actor=deal.presales_lead, item=item, opportunity=deal, note="")
            uses += 1
    ctx.counts["knowledge items"] = len(items)
    ctx.counts["knowledge uses"] = uses
