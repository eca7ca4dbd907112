"""The default capability rubric (docs/domain.md, Scorecards), installed by a data migration."""

DEFAULT_DIMENSIONS = [
    ("technical_depth", "技术深度", "Technical depth"),
    ("solution_design_writing", "方案设计与写作", "Solution design and writing"),
    ("presentation_demo", "讲解与演示", "Presentation and demo"),
    ("industry_insight", "行业洞察", "Industry insight"),
    ("customer_guidance", "客户引导", "Customer guidance"),
    ("sales_sense", "销售意识", "Sales sense"),
]


def install_default_dimensions(dimension_model) -> None:
    for order, (key, name, name_en) in enumerate(DEFAULT_DIMENSIONS, start=1):
        dimension_model.objects.get_or_create(key=key, defaults={"name": name, "name_en": name_en, "order": order})
