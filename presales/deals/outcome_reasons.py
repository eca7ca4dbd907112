"""The default win/loss reasons: a managed list with a Chinese and an English name (docs/domain.md, Deal figures).

Installed by migration 0009 and kept by administrators on the reasons page. A deal closed with a reason typed as
text (the API, an import, an older version of the close form) gets the reason whose name, English name or one of the
`aliases` below is that text; the aliases are the reasons earlier versions of the demo data typed, so a database
seeded before the list existed is grouped by reason too.
"""

from __future__ import annotations

from typing import Any

# key, Chinese name, English name, applies to (won / lost / any), aliases (earlier free-text values)
DEFAULT_OUTCOME_REASONS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("poc_won", "POC 验证通过", "Won the POC", "won", ("方案通过POC验证,性能指标领先", "Won the POC on performance")),
    ("price_won", "价格与总成本优势", "Best price and total cost", "won",
     ("价格有竞争力,服务承诺获得客户认可", "Best total cost and local support")),
    ("relationship_won", "客户关系与高层支持", "Customer relationship and executive support", "won",
     ("与信息中心主任关系稳固,技术评分第一", "行业案例丰富,客户高层支持", "Executive sponsor backed us")),
    ("service_won", "本地服务与交付能力", "Local service and delivery", "won", ("本地化服务团队响应快,交付风险低",)),
    ("price_lost", "价格偏高", "Price too high", "lost", ("报价高于华为约15%", "Price 15% above the winner")),
    ("service_lost", "本地服务不如对手", "Weaker local service", "lost", ("客户选择了本地化服务更强的厂商",)),
    ("technical_lost", "技术评分落后或资质不足", "Behind on the technical score or certification", "lost",
     ("技术评分落后,缺少国产化认证",)),
    ("competitor_early", "竞争对手提前介入", "Competitor engaged earlier", "lost",
     ("竞争对手提前介入,参与了需求编写", "Competitor wrote the requirements")),
    ("poc_lost", "POC 未达要求", "Failed the POC", "lost", ("POC测试未达到客户性能要求", "Failed a POC criterion")),
    ("decision_maker_changed", "决策人变化", "Decision maker changed", "lost", ("决策人更换,新领导倾向原有供应商",)),
    ("budget_cancelled", "客户预算取消", "Customer budget cancelled", "lost",
     ("客户预算取消", "Customer cancelled the budget")),
    ("merged_tender", "并入集团统一采购", "Merged into a group-wide tender", "lost", ("项目合并到集团统一采购",)),
    ("postponed", "需求推迟", "Need postponed", "lost", ("客户需求推迟到明年", "Postponed to next year")),
    ("not_qualified", "资质不满足，主动放弃", "Not qualified, withdrew", "lost", ("资质要求不满足,主动放弃",)),
    ("no_go", "内部评估决定放弃", "Internal no-go decision", "lost", ()),
    ("duplicate", "重复商机（撞单）", "Duplicate deal", "lost", ()),
    ("other", "其他", "Other", "any", ()),
]  # fmt: skip


def install_default_outcome_reasons(reason_model: Any) -> None:  # a historical model in migrations
    """Create the default reasons that are missing (by key); an administrator's changes to existing ones stay."""
    existing = set(reason_model.objects.values_list("key", flat=True))
    taken = set(reason_model.objects.values_list("name", flat=True))
    for order, (key, name, name_en, applies_to, _aliases) in enumerate(DEFAULT_OUTCOME_REASONS, start=1):
        if key in existing or name in taken:
            continue
        reason_model.objects.create(
            key=key, name=name, name_en=name_en, applies_to=applies_to, order=order * 10, is_active=True
        )


def reason_aliases() -> dict[str, str]:
    """Earlier free-text reasons (case-folded) -> the key of the default reason they mean."""
    return {alias.strip().casefold(): key for key, *_names, aliases in DEFAULT_OUTCOME_REASONS for alias in aliases}
