"""Demo customers: accounts across industries and regions, each with a small org chart of stakeholders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from presales.core.bulkinsert import insert_objects
from presales.customers import services
from presales.customers.models import Account, Attitude, Contact, DecisionRole, Industry, Level
from presales.demo import names
from presales.demo.context import DemoContext, SalesTeamInfo
from presales.people.models import User

INDUSTRY_WEIGHTS = {
    Industry.GOVERNMENT: 22,
    Industry.FINANCE: 18,
    Industry.MANUFACTURING: 12,
    Industry.EDUCATION: 9,
    Industry.HEALTHCARE: 10,
    Industry.ENERGY: 9,
    Industry.TELECOM: 7,
    Industry.TRANSPORT: 7,
    Industry.RETAIL: 3,
    Industry.INTERNET: 3,
}
ATTITUDES = [Attitude.CHAMPION, Attitude.POSITIVE, Attitude.NEUTRAL, Attitude.NEGATIVE, Attitude.UNKNOWN]
ATTITUDE_WEIGHTS = [10, 30, 30, 12, 18]
NAME_SUFFIXES_TO_DROP = ("股份有限公司", "有限公司", "集团")


@dataclass
class ContactPlan:
    """One stakeholder to create; `boss` is the index of the person they report to within the account."""

    values: dict[str, Any]
    boss: int | None


@dataclass
class AccountPlan:
    """One account with its stakeholders, decided before anything is written."""

    values: dict[str, Any]
    contacts: list[ContactPlan] = field(default_factory=list)


def _region_team(ctx: DemoContext) -> dict[str, list[SalesTeamInfo]]:
    by_region: dict[str, list[SalesTeamInfo]] = {}
    for info in ctx.sales_teams:
        for region in info.regions:
            by_region.setdefault(region, []).append(info)
    return by_region


def _account_name(ctx: DemoContext, region: str, industry: str, used: set[str]) -> tuple[str, str, str, str]:
    """(name, short name, city, industry): realistic and, as far as the templates allow, unique."""
    rng = ctx.rng
    name = short = city = ""
    for attempt in range(30):
        province, province_short, cities = rng.choice(names.PLACES[region])
        city = rng.choice(cities)
        if region == "overseas":
            template, industry_override = rng.choice(names.OVERSEAS_ACCOUNTS)
            industry = industry_override
            name = template.format(city=city, country=province)
            short = name
        else:
            template = rng.choice(names.ACCOUNT_TEMPLATES[industry])
            name = template.format(prov=province, p=province_short, city=city, region=names.REGION_ZH[region])
            short = name
            for suffix in NAME_SUFFIXES_TO_DROP:
                short = short.removesuffix(suffix)
        if attempt > 10:
            # Large companies sell to several units of the same organisation.
            unit = rng.choice(names.ACCOUNT_UNITS_EN if region == "overseas" else names.ACCOUNT_UNITS)
            name = f"{name} {unit}" if region == "overseas" else f"{name}{unit}"
        if name not in used:
            break
    else:
        name = f"{name} ({len(used) + 1})"
    used.add(name)
    return name, short[:100], city, industry


def _plan_contacts(ctx: DemoContext, english: bool, industry: str) -> list[ContactPlan]:
    rng = ctx.rng
    low, high = ctx.spec.contacts_per_account
    count = rng.randint(low, high)
    titles = names.CONTACT_TITLES_EN if english else names.CONTACT_TITLES
    people = ctx.extra.setdefault("contact_names", _ContactNames(ctx))
    plans: list[ContactPlan] = []

    def add(level: str, decision_role: str, influence: int, boss: int | None) -> int:
        choices = titles[level]
        if level == Level.EXECUTIVE and not english:
            choices = names.EXECUTIVE_TITLES.get(industry, choices)
        title, department = rng.choice(choices)
        display, email_stem = people.next(english)
        plans.append(
            ContactPlan(
                values={
                    "name": display,
                    "title": title,
                    "department": department,
                    "level": level,
                    "decision_role": decision_role,
                    "attitude": rng.choices(ATTITUDES, ATTITUDE_WEIGHTS)[0],
                    "influence": influence,
                    "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                    "email": f"{email_stem}@customer.example",
                },
                boss=boss,
            )
        )
        return len(plans) - 1

    head = add(Level.EXECUTIVE, DecisionRole.DECISION_MAKER, rng.randint(4, 5), None)
    managers = [head]
    for _number in range(min(2, count - 1) if count > 2 else 1):
        role = rng.choice(
            [DecisionRole.INFLUENCER, DecisionRole.EVALUATOR, DecisionRole.SUPPORTER, DecisionRole.BLOCKER]
        )
        managers.append(add(Level.MANAGER, role, rng.randint(3, 4), head))
    while len(plans) < count:
        role = rng.choice([DecisionRole.USER, DecisionRole.EVALUATOR, DecisionRole.SUPPORTER, DecisionRole.USER])
        add(Level.STAFF, role, rng.randint(1, 3), rng.choice(managers[1:] or managers))
    return plans


class _ContactNames:
    """Customer-side names; a running number keeps e-mail addresses unique."""

    def __init__(self, ctx: DemoContext):
        self.rng = ctx.rng
        self.number = 0

    def next(self, english: bool) -> tuple[str, str]:
        self.number += 1
        if english:
            first, last = self.rng.choice(names.ENGLISH_FIRST), self.rng.choice(names.ENGLISH_LAST)
            return f"{first} {last}", f"{first[0]}.{last}{self.number}".lower().replace(" ", "").replace("ü", "u")
        (surname, surname_py), (given, given_py) = self.rng.choice(names.SURNAMES), self.rng.choice(names.GIVEN_NAMES)
        return f"{surname}{given}", f"{surname_py}.{given_py}{self.number}"


def plan_accounts(ctx: DemoContext) -> list[AccountPlan]:
    """Decide every account (region, industry, name, owner) and its stakeholders."""
    rng = ctx.rng
    by_region = _region_team(ctx)
    regions = [region for region in names.REGION_WEIGHTS if region in by_region]
    region_weights = [names.REGION_WEIGHTS[region] for region in regions]
    industries = list(INDUSTRY_WEIGHTS)
    industry_weights = list(INDUSTRY_WEIGHTS.values())
    used: set[str] = set()
    plans = []
    sales_login = ctx.logins.get("sales")
    for index in range(ctx.spec.accounts):
        region = rng.choices(regions, region_weights)[0]
        industry = rng.choices(industries, industry_weights)[0]
        team_info = rng.choice(by_region[region])
        # Reps own most accounts; the team manager keeps a few key ones.
        owner = team_info.sellers[0] if rng.random() < 0.15 else rng.choice(team_info.sellers[1:] or team_info.sellers)
        if index < 6 and sales_login is not None:
            # The demo sales rep always has a handful of accounts of their own in East China.
            region, team_info = "east", next(info for info in ctx.sales_teams if sales_login in info.sellers)
            owner = sales_login
        name, short, city, industry = _account_name(ctx, region, industry, used)
        plan = AccountPlan(
            values={
                "name": name,
                "short_name": short,
                "industry": industry,
                "region": region,
                "city": city,
                "is_key_account": rng.random() < 0.15,
                "owner": owner,
                "external_id": f"CRM-{index + 1:06d}" if rng.random() < 0.5 else "",
            }
        )
        plan.contacts = _plan_contacts(ctx, english=region == "overseas", industry=industry)
        plans.append(plan)
    return plans


def _create_with_services(ctx: DemoContext, plans: list[AccountPlan]) -> None:
    for plan in plans:
        owner: User = plan.values["owner"]
        account = services.account_create(actor=owner, **plan.values)
        created: list[Contact] = []
        for contact_plan in plan.contacts:
            boss = created[contact_plan.boss] if contact_plan.boss is not None else None
            # Presales engineers keep org charts current too: let one of them add some of the staff.
            actor = owner
            if contact_plan.values["level"] == Level.STAFF and ctx.presales_people and ctx.rng.random() < 0.3:
                actor = ctx.rng.choice(ctx.presales_people)
            created.append(
                services.contact_create(actor=actor, account=account, reports_to=boss, **contact_plan.values)
            )
        ctx.accounts.append(account)
        # Later generators (the deals' checklist answers) pick stakeholders from here instead of re-reading them.
        ctx.extra.setdefault("contacts_by_account", {})[account.pk] = created


def _create_in_bulk(ctx: DemoContext, plans: list[AccountPlan]) -> None:
    batch = ctx.spec.batch_size
    progress = ctx.progress("accounts", len(plans))
    for start in range(0, len(plans), batch):
        chunk = plans[start : start + batch]
        with transaction.atomic():
            accounts = []
            for plan in chunk:
                account = Account(**plan.values)
                # As customers.services.account_create: the account's team is its owner's team.
                account.team_id = plan.values["owner"].team_id
                account.refresh_name_keys()  # as Account.save() does (bulk_create does not call it)
                accounts.append(account)
            insert_objects(accounts, Account)
            # Stakeholders level by level, so everybody's boss already has a primary key.
            created: list[list[Contact | None]] = [[None] * len(plan.contacts) for plan in chunk]
            depth = 0
            while True:
                rows = []
                for account_index, (plan, account) in enumerate(zip(chunk, accounts, strict=True)):
                    for contact_index, contact_plan in enumerate(plan.contacts):
                        if _depth(plan.contacts, contact_index) != depth:
                            continue
                        boss = created[account_index][contact_plan.boss] if contact_plan.boss is not None else None
                        contact = Contact(account=account, reports_to=boss, **contact_plan.values)
                        created[account_index][contact_index] = contact
                        rows.append(contact)
                if not rows:
                    break
                insert_objects(rows, Contact)
                depth += 1
        ctx.accounts.extend(accounts)
        progress.update(start + len(chunk))
    progress.finish()


def _depth(contacts: list[ContactPlan], index: int) -> int:
    depth = 0
    while contacts[index].boss is not None:
        index = contacts[index].boss
        depth += 1
    return depth


def generate_customers(ctx: DemoContext) -> None:
    """Accounts with stakeholders: through the services for the small demo, in bulk for the scale sizes."""
    plans = plan_accounts(ctx)
    if ctx.spec.use_services:
        _create_with_services(ctx, plans)
    else:
        _create_in_bulk(ctx, plans)
    ctx.counts["accounts"] = len(ctx.accounts)
    ctx.counts["contacts"] = sum(len(plan.contacts) for plan in plans)
