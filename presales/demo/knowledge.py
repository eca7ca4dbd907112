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

# (kind, (title, English title), (summary, English), (content, English), industries, tags, products). The demo company
# writes in Chinese and keeps an English version of every item for its overseas team.
ITEMS = [
    (
        KnowledgeKind.SOLUTION,
        ("数据中心双活建设方案", "Active-active data centre solution"),
        (
            "面向金融行业的两地三中心、双活数据中心整体方案。",
            "Two sites, three data centres, active-active: the end-to-end design for financial institutions.",
        ),
        (
            "架构：同城双活 + 异地灾备。存储层采用同步复制，网络层大二层互联，RPO=0，RTO<30秒。适用于银行核心、证券交易系统。",
            "Architecture: active-active in one city plus remote disaster recovery. Synchronous storage replication,"
            " layer-2 interconnect, RPO=0, RTO under 30 seconds. For core banking and securities trading systems.",
        ),
        ["finance"],
        "灾备, 双活, 数据中心",
        "存储, 网络",
    ),
    (
        KnowledgeKind.INDUSTRY_ANALYSIS,
        ("2024 政务云行业分析", "Government cloud: 2024 industry analysis"),
        (
            "省级政务云建设的预算、采购方式与决策链。",
            "Budgets, procurement methods and the decision chain of provincial government clouds.",
        ),
        (
            "政务云项目多采用公开招标，信创比例要求逐年提高；大数据局为主要决策部门，财政局把控预算。",
            "Government cloud projects are mostly bought by open tender, with a rising share of domestic (Xinchuang)"
            " technology required each year; the big-data bureau decides, the finance bureau holds the budget.",
        ),
        ["government"],
        "政务云, 信创",
        "云平台",
    ),
    (
        KnowledgeKind.INDUSTRY_ANALYSIS,
        ("制造业：智能工厂采购特点", "Manufacturing: smart factory buying patterns"),
        (
            "工厂 IT 与 OT 团队如何评估边缘计算与 MES 集成项目。",
            "How plant IT and OT teams evaluate edge and MES integration projects.",
        ),
        (
            "厂长掌握预算，IT 部门负责安全验证；先在一条产线试点，再全面推广。",
            "Plant managers own the budget; IT validates security. Pilots on one production line precede roll-out.",
        ),
        ["manufacturing"],
        "智能工厂, 边缘计算, MES",
        "边缘服务器",
    ),
    (
        KnowledgeKind.SOLUTION,
        ("医院超融合基础架构方案", "Hyperconverged infrastructure for hospitals"),
        (
            "面向医院信息系统（HIS、PACS）的超融合容量规划与迁移计划。",
            "HCI sizing and migration plan for hospital information systems (HIS, PACS).",
        ),
        (
            "从 PACS 存储增长入手；每个院区三节点集群；灾备到区域数据中心。",
            "Start with PACS storage growth; three-node clusters per campus; disaster recovery to the regional data"
            " centre.",
        ),
        ["healthcare"],
        "超融合, PACS, 虚拟化",
        "超融合",
    ),
    (
        KnowledgeKind.PRODUCT_RECOMMENDATION,
        ("分布式存储选型建议", "Choosing a distributed storage model"),
        (
            "按容量、性能与预算选择分布式存储型号。",
            "Which distributed storage model fits capacity, performance and budget.",
        ),
        (
            "小于 500TB 推荐入门型号；视频监控与 PACS 场景推荐大容量机型；需同步复制时选择企业级。",
            "Under 500 TB, the entry model; for video surveillance and PACS, the high-capacity model; where"
            " synchronous replication is needed, the enterprise model.",
        ),
        ["healthcare", "government", "education"],
        "存储, 选型",
        "分布式存储",
    ),
    (
        KnowledgeKind.PROPOSAL,
        ("数据中心升级改造方案模板", "Data centre modernisation proposal template"),
        ("数据中心更新换代项目可复用的方案结构。", "A reusable proposal structure for data centre refresh deals."),
        (
            "执行摘要、现状、目标架构、分批迁移、总体拥有成本对比、参考案例。",
            "Executive summary, current state, target architecture, migration waves, TCO comparison, references.",
        ),
        ["finance", "telecom"],
        "方案, 数据中心, TCO",
        "存储, 网络",
    ),
    (
        KnowledgeKind.SLIDE_DECK,
        ("公司介绍与成功案例（2024版）", "Company introduction and customer stories (2024)"),
        ("面向客户高层的公司介绍幻灯片。", "The company introduction for customers' executives."),
        (
            "包含行业案例：某国有大行数据中心、某省政务云、某三甲医院 PACS 扩容。",
            "With customer stories: a state-owned bank's data centre, a provincial government cloud, a top-tier"
            " hospital's PACS expansion.",
        ),
        [],
        "公司介绍, 案例",
        "",
    ),
    (
        KnowledgeKind.BID_BOILERPLATE,
        ("投标文件技术部分通用章节", "Standard sections of a bid's technical part"),
        (
            "售后服务承诺、培训方案、项目实施计划模板。",
            "After-sales commitments, training plan and implementation plan templates.",
        ),
        (
            "售后服务：7×24 小时响应，4 小时到场；培训：管理员培训 3 天；实施：蓝图、部署、割接、验收四阶段。",
            "Support: 24×7 response, on site within 4 hours; training: 3 days for administrators; implementation in"
            " four phases: blueprint, deployment, cut-over, acceptance.",
        ),
        [],
        "标书, 售后服务, 实施计划",
        "",
    ),
    (
        KnowledgeKind.ANSWER,
        ("是否支持国产化 CPU 与操作系统？", "Do you support domestic CPUs and operating systems?"),
        ("信创适配常见问题。", "Common questions about domestic-technology (Xinchuang) compatibility."),
        (
            "支持。已完成与主流国产 CPU 和操作系统的兼容性认证，证书见附件。",
            "Yes. Compatibility with the main domestic CPUs and operating systems is certified; the certificates are"
            " attached.",
        ),
        ["government", "finance"],
        "信创, 国产化, 答疑",
        "",
    ),
    (
        KnowledgeKind.ANSWER,
        ("故障切换时间保证多少？", "What is the guaranteed failover time?"),
        ("招标中关于 RTO 问题的标准答复。", "Standard answer for RTO questions in tenders."),
        (
            "双活集群切换时间小于 30 秒，已在客户 POC 中验证；参见 POC 报告模板。",
            "Under 30 seconds for active-active clusters, verified in customer POCs; see the POC report template.",
        ),
        [],
        "RTO, 故障切换, 标书答疑",
        "",
    ),
]

BATTLECARD_NOTES = {
    "strengths": "品牌认知度高，渠道覆盖广。",
    "strengths_en": "Strong brand and channel reach.",
    "weaknesses": "售后响应慢，定制化能力弱。",
    "weaknesses_en": "Slow support, little customisation.",
    "how_we_win": "用 POC 证明性能与切换时间，强调本地服务团队。",
    "how_we_win_en": "Prove performance and failover in a POC; stress the local service team.",
    "proof_points": "某股份制银行于 2023 年用我们替换了他们。",
    "proof_points_en": "A joint-stock bank replaced them with us in 2023.",
}


def generate_knowledge(ctx: DemoContext) -> None:
    """About a dozen items, each in Chinese with an English version, battlecards for the first competitors, uses on deals."""
    authors = ctx.presales_people
    if not authors:
        return
    items = []
    for index, (kind, title, summary, body, industries, tags, products) in enumerate(ITEMS):
        items.append(
            services.knowledge_item_create(
                actor=authors[index % len(authors)],
                kind=kind,
                title=title[0],
                title_en=title[1],
                summary=summary[0],
                summary_en=summary[1],
                body=body[0],
                body_en=body[1],
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
                title=f"竞争应对卡：{competitor.name}",
                title_en=f"Battlecard: {competitor.name_en or competitor.name}",
                summary=f"如何赢 {competitor.name}",
                summary_en=f"How to win against {competitor.name_en or competitor.name}",
                competitors=[competitor],
                tags="竞争应对, 竞争",
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
