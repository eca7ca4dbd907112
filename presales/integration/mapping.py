"""Which column feeds which field (automatic matches for Salesforce, HubSpot and Chinese headers) and how cell
text becomes our values: stages, owners, industries, regions, dates, amounts."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from presales.customers.models import Industry, Region
from presales.integration import parsers
from presales.people.models import User
from presales.playbook.models import PlaybookVersion, Stage
from presales.work.models import ActivityStatus, WorkType


class ImportKind:
    ACCOUNTS = "accounts"
    CONTACTS = "contacts"
    OPPORTUNITIES = "opportunities"
    ACTIVITIES = "activities"

    choices = [
        (ACCOUNTS, gettext_lazy("Accounts")),
        (CONTACTS, gettext_lazy("Contacts")),
        (OPPORTUNITIES, gettext_lazy("Opportunities")),
        (ACTIVITIES, gettext_lazy("Activities")),
    ]


@dataclass(frozen=True)
class FieldSpec:
    """A field a file can fill, its label, whether a row needs it, and the headers that mean it."""

    key: str
    label: Any
    synonyms: tuple[str, ...] = ()
    required: bool = False


def normalise_header(text: str) -> str:
    """Compare headers loosely: case, width, spaces and punctuation do not matter ("Close Date" = "close_date")."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\s_\-./()（）:：%#*]+", "", text)


# Account columns shared by the kinds that can create a missing account.
ACCOUNT_LINK_FIELDS = (
    FieldSpec(
        "account_name",
        gettext_lazy("Account name"),
        ("Account Name", "Associated Company", "Company name", "Company", "客户名称", "客户", "公司名称", "单位名称"),
    ),
    FieldSpec(
        "account_external_id",
        gettext_lazy("Account external ID"),
        ("Account ID", "Company ID", "Associated Company ID", "客户编号", "客户ID"),
    ),
    FieldSpec("industry", gettext_lazy("Industry"), ("Industry", "行业", "所属行业")),
    FieldSpec(
        "region",
        gettext_lazy("Region"),
        ("Region", "Billing State/Province", "State/Region", "State", "Province", "区域", "地区", "大区", "省份"),
    ),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    ImportKind.ACCOUNTS: (
        FieldSpec(
            "name",
            gettext_lazy("Name"),
            ("Account Name", "Company name", "Name", "客户名称", "客户", "公司名称", "单位名称"),
            required=True,
        ),
        FieldSpec(
            "external_id",
            gettext_lazy("External ID"),
            ("Account ID", "Record ID", "Company ID", "客户编号", "客户ID", "编号"),
        ),
        FieldSpec("short_name", gettext_lazy("Short name"), ("Short name", "简称", "客户简称")),
        FieldSpec("industry", gettext_lazy("Industry"), ("Industry", "行业", "所属行业")),
        FieldSpec(
            "region",
            gettext_lazy("Region"),
            ("Region", "Billing State/Province", "State/Region", "State", "Province", "区域", "地区", "大区", "省份"),
        ),
        FieldSpec("city", gettext_lazy("City"), ("Billing City", "City", "城市")),
        FieldSpec(
            "owner", gettext_lazy("Owner"), ("Account Owner", "Company owner", "Owner", "负责人", "客户经理", "销售")
        ),
        FieldSpec("website", gettext_lazy("Website"), ("Website", "Website URL", "网站", "官网")),
        FieldSpec("address", gettext_lazy("Address"), ("Billing Street", "Address", "Street Address", "地址")),
        FieldSpec("is_key_account", gettext_lazy("Key account"), ("Key account", "重点客户", "是否重点客户")),
        FieldSpec("notes", gettext_lazy("Notes"), ("Description", "Notes", "备注", "描述")),
    ),
    ImportKind.CONTACTS: (
        FieldSpec(
            "name",
            pgettext_lazy("person", "Name"),
            ("Full Name", "Name", "Contact Name", "联系人", "姓名", "联系人姓名"),
        ),
        FieldSpec("first_name", gettext_lazy("First name"), ("First Name", "名")),
        FieldSpec("last_name", gettext_lazy("Last name"), ("Last Name", "姓")),
        FieldSpec("external_id", gettext_lazy("External ID"), ("Contact ID", "Record ID", "联系人编号", "编号")),
        *ACCOUNT_LINK_FIELDS,
        FieldSpec("title", pgettext_lazy("job title", "Title"), ("Title", "Job Title", "职务", "职位")),
        FieldSpec("department", gettext_lazy("Department"), ("Department", "部门")),
        FieldSpec(
            "phone",
            gettext_lazy("Phone"),
            ("Phone", "Mobile", "Mobile Phone", "Phone Number", "电话", "手机", "联系电话"),
        ),
        FieldSpec("email", gettext_lazy("E-mail"), ("Email", "E-mail", "Email Address", "邮箱", "电子邮件")),
        FieldSpec("notes", gettext_lazy("Notes"), ("Description", "Notes", "备注")),
    ),
    ImportKind.OPPORTUNITIES: (
        FieldSpec(
            "name",
            gettext_lazy("Opportunity name"),
            ("Opportunity Name", "Deal Name", "项目名称", "商机名称", "机会名称"),
            required=True,
        ),
        FieldSpec(
            "external_id",
            gettext_lazy("External ID"),
            ("Opportunity ID", "Record ID", "Deal ID", "项目编号", "商机编号", "编号"),
        ),
        *ACCOUNT_LINK_FIELDS,
        FieldSpec("amount", gettext_lazy("Amount"), ("Amount", "金额", "项目金额", "预计金额", "合同金额")),
        FieldSpec(
            "currency", gettext_lazy("Currency"), ("Opportunity Currency", "Currency", "Deal currency code", "币种")
        ),
        FieldSpec(
            "expected_close_date",
            gettext_lazy("Expected close date"),
            ("Close Date", "预计签约日期", "预计成交日期", "签约日期", "成交日期"),
            required=True,
        ),
        FieldSpec("stage", gettext_lazy("Stage"), ("Stage", "Deal Stage", "阶段", "销售阶段", "项目阶段")),
        FieldSpec(
            "probability",
            gettext_lazy("Probability (%)"),
            ("Probability (%)", "Probability", "Deal probability", "赢率", "成功率", "概率"),
        ),
        FieldSpec(
            "owner",
            gettext_lazy("Sales owner"),
            ("Opportunity Owner", "Deal owner", "Owner", "负责人", "销售", "销售负责人"),
        ),
        FieldSpec("presales_lead", gettext_lazy("Presales lead"), ("Presales lead", "售前", "售前负责人")),
        FieldSpec("source", gettext_lazy("Source"), ("Lead Source", "Source", "Original Source", "来源", "项目来源")),
        FieldSpec("description", gettext_lazy("Description"), ("Description", "备注", "描述")),
    ),
    ImportKind.ACTIVITIES: (
        FieldSpec(
            "kind",
            gettext_lazy("Type"),
            ("Type", "Activity Type", "Task Type", "类型", "活动类型", "工作类型"),
            required=True,
        ),
        FieldSpec(
            "date", gettext_lazy("Date"), ("Date", "Activity Date", "Due Date", "日期", "活动日期"), required=True
        ),
        FieldSpec("hours", gettext_lazy("Hours"), ("Hours", "Duration", "工时", "小时")),
        FieldSpec("status", gettext_lazy("Status"), ("Status", "状态")),
        FieldSpec(
            "external_id", gettext_lazy("External ID"), ("Activity ID", "Record ID", "Task ID", "活动编号", "编号")
        ),
        FieldSpec(
            "opportunity_external_id",
            gettext_lazy("Opportunity external ID"),
            ("Opportunity ID", "Deal ID", "项目编号"),
        ),
        FieldSpec("opportunity_name", gettext_lazy("Opportunity name"), ("Opportunity Name", "Deal Name", "项目名称")),
        *ACCOUNT_LINK_FIELDS[:2],
        FieldSpec(
            "owner", gettext_lazy("Owner"), ("Assigned", "Assigned To", "Owner", "Activity Owner", "负责人", "售前")
        ),
        FieldSpec(
            "outcome",
            gettext_lazy("Outcome"),
            ("Subject", "Outcome", "Comments", "Description", "结果", "内容", "备注"),
        ),
    ),
}


def fields_for(kind: str) -> tuple[FieldSpec, ...]:
    return FIELDS[kind]


def auto_mapping(kind: str, headers: list[str]) -> dict[str, int]:
    """Field -> column index for every header that matches a known name; each column feeds one field at most."""
    normalised = [normalise_header(h) for h in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for spec in fields_for(kind):
        # The field's own label matches too (a file exported from Presales Hub maps onto itself).
        for synonym in (*spec.synonyms, str(spec.label)):
            wanted = normalise_header(synonym)
            index = next((i for i, h in enumerate(normalised) if h == wanted and i not in used), None)
            if index is not None:
                mapping[spec.key] = index
                used.add(index)
                break
    return mapping


# --- values --------------------------------------------------------------------------------------


class CellError(ValueError):
    """A value that cannot be used; the message is shown in the preview."""


def _key(text: str) -> str:
    return normalise_header(text)


# (stage number or None to keep the default, outcome)
STAGE_ALIASES: dict[str, tuple[int | None, str]] = {
    # Salesforce standard opportunity stages
    "prospecting": (2, "open"),
    "qualification": (2, "open"),
    "needsanalysis": (3, "open"),
    "valueproposition": (3, "open"),
    "iddecisionmakers": (3, "open"),
    "perceptionanalysis": (4, "open"),
    "proposalpricequote": (5, "open"),
    "negotiationreview": (6, "open"),
    "closedwon": (6, "won"),
    "closedlost": (None, "lost"),
    # HubSpot's default deal pipeline: internal names and labels normalise alike ("Contract Sent" = contractsent)
    "appointmentscheduled": (2, "open"),
    "qualifiedtobuy": (2, "open"),
    "presentationscheduled": (3, "open"),
    "decisionmakerboughtin": (4, "open"),
    "contractsent": (6, "open"),
    # Chinese CRM words
    "赢单": (6, "won"),
    "已成交": (6, "won"),
    "成交": (6, "won"),
    "已签约": (6, "won"),
    "签约": (6, "won"),
    "输单": (None, "lost"),
    "丢单": (None, "lost"),
    "失败": (None, "lost"),
    "已放弃": (None, "abandoned"),
    "放弃": (None, "abandoned"),
    "won": (6, "won"),
    "lost": (None, "lost"),
    "abandoned": (None, "abandoned"),
}


@dataclass
class Lookups:
    """Tables the values are matched against, built once per run (people, stages)."""

    stages_by_number: dict[int, Any] = field(default_factory=dict)
    stage_names: dict[str, int] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    users_by_pk: dict[int, Any] = field(default_factory=dict)
    steps: dict[int, Any] = field(default_factory=dict)  # the current playbook's steps by order

    @classmethod
    def build(cls) -> Lookups:
        lookups = cls()
        version = PlaybookVersion.objects.current()
        if version is not None:
            lookups.steps = {step.order: step for step in version.steps.select_related("stage")}
        for stage in Stage.objects.all():
            lookups.stages_by_number[stage.number] = stage
            for name in (stage.short_name, stage.short_name_en, stage.vendor_name, stage.vendor_name_en):
                if name:
                    lookups.stage_names.setdefault(_key(name), stage.number)
        for user in User.objects.filter(is_active=True).order_by("pk"):
            lookups.users_by_pk[user.pk] = user
            for name in (user.username, user.email, user.display_name, user.get_full_name()):
                if name:
                    lookups.users.setdefault(name.strip().casefold(), user)
        return lookups

    def stage(self, text: str) -> tuple[Any | None, str]:
        """(Stage or None for the default, outcome) from a number, our short names or common CRM stage names."""
        raw = text.strip()
        if raw.startswith("stage:"):  # a choice of the value-mapping step (integration.values)
            raw = raw.removeprefix("stage:")
        match = re.match(r"^(\d{1,2})(?:\D|$)", raw)
        if match and int(match.group(1)) in self.stages_by_number:
            number = int(match.group(1))
            stage = self.stages_by_number[number]
            return stage, ("won" if stage.is_after_sale else "open")
        key = _key(raw)
        if key in self.stage_names:
            stage = self.stages_by_number[self.stage_names[key]]
            return stage, ("won" if stage.is_after_sale else "open")
        if key in STAGE_ALIASES:
            alias_number, outcome = STAGE_ALIASES[key]
            return (self.stages_by_number.get(alias_number) if alias_number else None), outcome
        raise CellError(_("Unknown stage “%(value)s”.") % {"value": raw})

    def step(self, order: int) -> Any:
        step = self.steps.get(order)
        if step is None:
            raise CellError(_("The playbook has no step %(order)s.") % {"order": order})
        return step

    def first_step_of_stage(self, number: int) -> int | None:
        """The order of the first step of this stage or a later one: the steps before it belong to earlier stages."""
        orders = [order for order, step in self.steps.items() if step.stage.number >= number]
        return min(orders) if orders else None

    def stage_for_probability(self, probability: int | None) -> Any:
        """The open sales stage whose default probability is nearest (the earlier on a tie); None: the default."""
        if probability is None:
            return None
        open_stages = [s for s in self.stages_by_number.values() if not s.is_after_sale and s.number >= 2]
        if not open_stages:
            return None
        return min(open_stages, key=lambda s: (abs(s.default_probability - probability), s.number))

    def user(self, text: str) -> Any:
        if text.startswith("user:") and text[5:].isdigit():  # a choice of the value-mapping step
            person = self.users_by_pk.get(int(text[5:]))
            if person is None:
                raise CellError(_("The person chosen for this value no longer uses Presales Hub."))
            return person
        person = self.users.get(text.strip().casefold())
        if person is None:
            raise CellError(
                _("Nobody called “%(value)s” (username, e-mail or name) uses Presales Hub.") % {"value": text}
            )
        return person


INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    Industry.GOVERNMENT: (
        "government",
        "public sector",
        "government administration",
        "public administration",
        "政府",
        "政务",
        "党政",
        "公共事业",
        "政府机关",
    ),
    Industry.FINANCE: (
        "finance",
        "financial services",
        "banking",
        "bank",
        "insurance",
        "financial",
        "capital markets",
        "investment banking",
        "金融",
        "银行",
        "保险",
        "证券",
        "基金",
    ),
    Industry.MANUFACTURING: (
        "manufacturing",
        "industrial",
        "automotive",
        "machinery",
        "electronics",
        "chemicals",
        "制造",
        "制造业",
        "工业",
        "汽车",
    ),
    Industry.EDUCATION: ("education", "higher education", "education management", "教育", "高校", "学校"),
    Industry.HEALTHCARE: (
        "healthcare",
        "health care",
        "hospital",
        "hospital & health care",
        "medical",
        "pharmaceuticals",
        "医疗",
        "卫生",
        "医院",
        "医药",
    ),
    Industry.ENERGY: ("energy", "utilities", "oil & gas", "oil & energy", "能源", "电力", "石油", "石化", "电网"),
    Industry.TELECOM: ("telecom", "telecommunications", "communications", "wireless", "电信", "通信", "运营商"),
    Industry.TRANSPORT: (
        "transport",
        "transportation",
        "logistics",
        "logistics and supply chain",
        "airlines/aviation",
        "交通",
        "物流",
        "运输",
    ),
    Industry.RETAIL: ("retail", "consumer", "consumer goods", "apparel", "零售", "商超", "快消"),
    Industry.INTERNET: (
        "internet",
        "technology",
        "software",
        "computer software",
        "information technology and services",
        "互联网",
        "科技",
        "软件",
        "信息技术",
    ),
    Industry.OTHER: ("other", "其他", "其它"),
}
REGION_WORDS: dict[str, tuple[str, ...]] = {
    Region.NORTH: (
        "north",
        "north china",
        "华北",
        "北京",
        "天津",
        "河北",
        "山西",
        "内蒙古",
        "beijing",
        "tianjin",
        "hebei",
        "shanxi",
    ),
    Region.EAST: (
        "east",
        "east china",
        "华东",
        "上海",
        "江苏",
        "浙江",
        "安徽",
        "福建",
        "江西",
        "山东",
        "shanghai",
        "jiangsu",
        "zhejiang",
        "anhui",
        "fujian",
        "jiangxi",
        "shandong",
    ),
    Region.SOUTH: (
        "south",
        "south china",
        "华南",
        "广东",
        "广西",
        "海南",
        "深圳",
        "guangdong",
        "guangxi",
        "hainan",
        "shenzhen",
    ),
    Region.CENTRAL: ("central", "central china", "华中", "河南", "湖北", "湖南", "henan", "hubei", "hunan"),
    Region.SOUTHWEST: (
        "southwest",
        "southwest china",
        "西南",
        "重庆",
        "四川",
        "贵州",
        "云南",
        "西藏",
        "chongqing",
        "sichuan",
        "guizhou",
        "yunnan",
    ),
    Region.NORTHWEST: (
        "northwest",
        "northwest china",
        "西北",
        "陕西",
        "甘肃",
        "青海",
        "宁夏",
        "新疆",
        "shaanxi",
        "gansu",
    ),
    Region.NORTHEAST: (
        "northeast",
        "northeast china",
        "东北",
        "辽宁",
        "吉林",
        "黑龙江",
        "liaoning",
        "jilin",
        "heilongjiang",
    ),
    Region.OVERSEAS: ("overseas", "international", "海外", "国外", "境外"),
}
WORK_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    WorkType.ON_SITE_VISIT: ("visit", "on-site visit", "customer visit", "meeting", "拜访", "现场拜访", "客户拜访"),
    WorkType.REMOTE_MEETING: ("remote meeting", "call", "video call", "远程会议", "电话会议", "线上会议"),
    WorkType.DEMO: ("demo", "presentation", "演示", "产品演示"),
    WorkType.CONFIGURATION: ("configuration", "配置"),
    WorkType.POC: ("poc", "test", "测试"),
    WorkType.SOLUTION_DESIGN: ("solution design", "方案设计"),
    WorkType.SOLUTION_WRITING: ("solution writing", "方案编写", "写方案"),
    WorkType.TRAINING: ("training", "培训"),
    WorkType.BID_DOCUMENT: ("bid document", "标书"),
    WorkType.BID_PRESENTATION: ("bid presentation", "述标", "讲标"),
    WorkType.QA: ("q&a", "qa", "答疑"),
    WorkType.INDUSTRY_ANALYSIS: ("industry analysis", "行业分析"),
    WorkType.PROBLEM_SOLVING: ("problem solving", "问题解决", "排障"),
}


_TABLES: dict[tuple[int, str], dict[str, str]] = {}


def _choice_table(words: dict[str, tuple[str, ...]], choices: list[tuple[str, Any]]) -> dict[str, str]:
    # Built once per word list and language: imports look values up for every row.
    cache_key = (id(words), get_language() or "")
    if cache_key not in _TABLES:
        _TABLES[cache_key] = _build_choice_table(words, choices)
    return _TABLES[cache_key]


def _build_choice_table(words: dict[str, tuple[str, ...]], choices: list[tuple[str, Any]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in choices:
        table[_key(value)] = value
        table[_key(str(label))] = value
    for value, synonyms in words.items():
        for word in synonyms:
            table.setdefault(_key(word), value)
    return table


def _choice(text: str, words: dict[str, tuple[str, ...]], choices: list[tuple[str, Any]], message: str) -> str:
    table = _choice_table(words, choices)
    key = _key(text)
    if key in table:
        return table[key]
    # "广东省", "北京市", "银行业": a known word at the start is enough (longest word first).
    for word, value in sorted(table.items(), key=lambda item: -len(item[0])):
        if len(word) >= 2 and key.startswith(word):
            return value
    raise CellError(message % {"value": text})


def parse_industry(text: str) -> str:
    return _choice(text, INDUSTRY_WORDS, Industry.choices, _("Unknown industry “%(value)s”."))


def parse_region(text: str) -> str:
    return _choice(text, REGION_WORDS, Region.choices, _("Unknown region “%(value)s”."))


def parse_work_type(text: str) -> str:
    return _choice(text, WORK_TYPE_WORDS, WorkType.choices, _("Unknown activity type “%(value)s”."))


def parse_activity_status(text: str) -> str:
    key = _key(text)
    if key in ("planned", "open", "notstarted", "计划", "计划中", "待办", "未开始"):
        return ActivityStatus.PLANNED
    if key in ("done", "completed", "complete", "closed", "完成", "已完成"):
        return ActivityStatus.DONE
    raise CellError(_("Unknown status “%(value)s”: use planned or done.") % {"value": text})


DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"), ("y", "m", "d")),
    # Salesforce and HubSpot in US locales write month/day/year.
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?$"), ("m", "d", "y")),
)


def parse_date(text: str) -> datetime.date:
    raw = text.strip()
    for pattern, order in DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return datetime.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    if re.fullmatch(r"\d{5}", raw):
        # An Excel serial day number that lost its date format.
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(raw))
    raise CellError(_("“%(value)s” is not a date (use 2025-06-30).") % {"value": raw})


def parse_amount(text: str) -> Decimal:
    raw = unicodedata.normalize("NFKC", text).strip()
    multiplier = Decimal(1)
    cleaned = re.sub(r"[¥$€,\s]|CNY|RMB|USD|EUR|HKD|元|人民币", "", raw, flags=re.IGNORECASE)
    if cleaned.endswith("万"):
        multiplier, cleaned = Decimal(10_000), cleaned[:-1]
    elif cleaned.endswith("亿"):
        multiplier, cleaned = Decimal(100_000_000), cleaned[:-1]
    try:
        value = Decimal(cleaned) * multiplier
    except InvalidOperation as error:
        raise CellError(_("“%(value)s” is not an amount.") % {"value": raw}) from error
    if value < 0 or not value.is_finite():
        raise CellError(_("The amount cannot be negative."))
    return value.quantize(Decimal("0.01"))


def parse_probability(text: str) -> int:
    raw = text.strip().rstrip("%").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation as error:
        raise CellError(_("“%(value)s” is not a probability between 0 and 100.") % {"value": text}) from error
    if 0 < value < 1 and "." in raw:
        value *= 100  # 0.25 written as a fraction
    if not 0 <= value <= 100:
        raise CellError(_("“%(value)s” is not a probability between 0 and 100.") % {"value": text})
    return int(value.to_integral_value())


def parse_hours(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().lower().rstrip("h").rstrip("小时").strip())
    except InvalidOperation as error:
        raise CellError(_("“%(value)s” is not a number of hours.") % {"value": text}) from error
    return value.quantize(Decimal("0.1"))


CURRENCY_WORDS = {
    "cny": "CNY",
    "rmb": "CNY",
    "人民币": "CNY",
    "¥": "CNY",
    "usd": "USD",
    "美元": "USD",
    "$": "USD",
    "eur": "EUR",
    "欧元": "EUR",
    "€": "EUR",
    "hkd": "HKD",
    "港币": "HKD",
    "港元": "HKD",
}


def parse_currency(text: str) -> str:
    value = CURRENCY_WORDS.get(text.strip().casefold())
    if value is None:
        raise CellError(_("Unknown currency “%(value)s” (use CNY, USD, EUR or HKD).") % {"value": text})
    return value


def parse_bool(text: str) -> bool:
    return _key(text) in ("1", "true", "yes", "y", "x", "是", "对", "√")


looks_like_formula = parsers.looks_like_formula
