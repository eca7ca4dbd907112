"""Demo people: the sales department with its regional teams, presales, commercial and after-sales, and skills."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password

from presales.core.history import attribute_change
from presales.demo import names
from presales.demo.context import DemoContext, SalesTeamInfo
from presales.people import services
from presales.people.models import Role, Skill, Team, TeamKind, User

DEMO_PASSWORD = "demo1234!"  # noqa: S105 - documented, shared demo password for every demo login

# One login per role: username -> (role, display name, title). Printed at the end of every run.
DEMO_LOGINS = {
    "admin": (Role.ADMIN, "陈静", "系统管理员"),
    "sales": (Role.SALES, "王磊", "客户经理"),
    "salesmgr": (Role.SALES_MANAGER, "李强", "销售总监"),
    "presales": (Role.PRESALES, "张伟", "售前工程师"),
    "presalesmgr": (Role.PRESALES_MANAGER, "赵敏", "售前总监"),
    "commercial": (Role.COMMERCIAL, "刘芳", "商务经理"),
    "aftersales": (Role.AFTER_SALES, "周杰", "售后工程师"),
}

# Regional sales teams for the two compact layouts: (team name, regions it sells into, international).
SALES_LAYOUTS: dict[str, list[tuple[str, list[str], bool]]] = {
    "small": [
        ("华东销售部", ["east", "central"], False),
        ("华北销售部", ["north", "northeast", "northwest"], False),
        ("华南销售部", ["south", "southwest"], False),
        ("International Sales", ["overseas"], True),
    ],
    "department": [
        ("华东销售部", ["east"], False),
        ("华北销售部", ["north", "northeast"], False),
        ("华南销售部", ["south"], False),
        ("中西部销售部", ["central", "southwest", "northwest"], False),
        ("International Sales", ["overseas"], True),
    ],
}
CHINESE_NUMBERS = "一二三四五六七八九十"


class PeopleFactory:
    """Makes people with unique usernames and (as far as the name pool allows) unique display names."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.usernames: set[str] = set(DEMO_LOGINS)
        self.display_names: set[str] = {display for _role, display, _title in DEMO_LOGINS.values()}

    def _name(self, english: bool) -> tuple[str, str, str, str]:
        """(display name, username stem, first name, last name)."""
        for _attempt in range(20):
            if english:
                first, last = self.rng.choice(names.ENGLISH_FIRST), self.rng.choice(names.ENGLISH_LAST)
                display, stem = f"{first} {last}", f"{first}.{last}".lower().replace(" ", "").replace("ü", "u")
            else:
                (surname, surname_py), (given, given_py) = (
                    self.rng.choice(names.SURNAMES),
                    self.rng.choice(names.GIVEN_NAMES),
                )
                display, stem, first, last = f"{surname}{given}", f"{surname_py}.{given_py}", given, surname
            if display not in self.display_names:
                break
        self.display_names.add(display)
        if english:
            return display, stem, first, last
        return display, stem, first, last

    def _username(self, stem: str) -> str:
        username, number = stem, 1
        while username in self.usernames:
            number += 1
            username = f"{stem}{number}"
        self.usernames.add(username)
        return username

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def create(
        self,
        *,
        role: str,
        team: Team | None,
        title: str,
        english: bool = False,
        login: str | None = None,
        **extra: Any,
    ) -> User:
        """Create one person through people.services.user_create."""
        if login:
            _role, display, _title = DEMO_LOGINS[login]
            username, first, last = login, display[1:], display[:1]
        else:
            display, stem, first, last = self._name(english)
            username = self._username(stem)
        values: dict[str, Any] = {
            "display_name": display,
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.presales-hub.example",
            "role": role,
            "team": team,
            "title": title,
            "phone": self.phone(),
            # Demo logins follow the browser so both languages can be shown with the same account.
            "language": "" if login else ("en" if english else "zh-hans"),
            "timezone": "Asia/Singapore" if english else "Asia/Shanghai",
        }
        values.update(extra)
        # The password hash is set for everybody at once at the end: hashing it per person would take minutes.
        user = services.user_create(username=username, password=None, **values)
        self.ctx.users.append(user)
        return user


def _join_team(user: User, team: Team) -> None:
    """A team's manager is created before the team, then joins it (no service covers this circular link)."""
    user.team = team
    attribute_change(user, actor=user)
    user.save(update_fields=["team"])


def _sales_layout(ctx: DemoContext) -> list[tuple[str, list[str], bool, Team | None]]:
    """Regional teams (name, regions, international, parent division) for this size."""
    layout = ctx.spec.sales_layout
    if layout in SALES_LAYOUTS:
        return [(name, regions, intl, None) for name, regions, intl in SALES_LAYOUTS[layout]]
    return []


def _create_sales(ctx: DemoContext, people: PeopleFactory, director: User, sales_center: Team) -> None:
    rng, spec = ctx.rng, ctx.spec

    def sales_manager(titles: tuple[str, str], international: bool, target_millions: tuple[int, int]) -> User:
        """A sales manager, given a team afterwards; titles in English and Chinese, a random revenue target."""
        return people.create(
            role=Role.SALES_MANAGER,
            team=None,
            title=titles[0] if international else titles[1],
            english=international,
            revenue_target=Decimal(rng.randrange(*target_millions) * 1_000_000),
        )

    def regional_team(name: str, regions: list[str], international: bool, parent: Team, first: bool) -> None:
        manager = sales_manager(("Sales Manager", "区域销售经理"), international, (40, 90))
        team = services.team_create(name=name, kind=TeamKind.SALES, manager=manager, parent=parent)
        _join_team(manager, team)
        ctx.managers_by_team[team.pk] = manager
        sellers = [manager]
        if first:
            sellers.append(
                people.create(
                    role=Role.SALES,
                    team=team,
                    title="客户经理",
                    login="sales",
                    revenue_target=Decimal("20000000"),
                    weekly_visit_quota=5,
                )
            )
        for _index in range(spec.sales_reps_per_team):
            sellers.append(
                people.create(
                    role=Role.SALES,
                    team=team,
                    title=rng.choice(["Account Manager", "Sales Executive"])
                    if international
                    else rng.choice(["客户经理", "高级客户经理", "大客户经理"]),
                    english=international,
                    revenue_target=Decimal(rng.randrange(8, 30) * 1_000_000),
                    weekly_visit_quota=rng.choice([3, 4, 5]),
                )
            )
        ctx.sales_teams.append(SalesTeamInfo(team=team, regions=regions, sellers=sellers, international=international))

    compact = _sales_layout(ctx)
    if compact:
        for index, (name, regions, international, _parent) in enumerate(compact):
            regional_team(name, regions, international, sales_center, first=index == 0)
        return
    # Enterprise: one division per region, each with several teams.
    first = True
    for region in names.REGION_WEIGHTS:
        international = region == "overseas"
        division_manager = sales_manager(("Regional Director", "大区总经理"), international, (300, 800))
        division_name = "International Division" if international else f"{names.REGION_ZH[region]}大区"
        division = services.team_create(
            name=division_name, kind=TeamKind.SALES, manager=division_manager, parent=sales_center
        )
        _join_team(division_manager, division)
        ctx.managers_by_team[division.pk] = division_manager
        for number in range(1, spec.sales_teams_per_region + 1):
            name = (
                f"International Sales {number}"
                if international
                else f"{names.REGION_ZH[region]}销售{_chinese_number(number)}组"
            )
            regional_team(name, [region], international, division, first=first)
            first = False


def _chinese_number(number: int) -> str:
    if number <= 10:
        return CHINESE_NUMBERS[number - 1]
    tens, ones = divmod(number, 10)
    return f"{CHINESE_NUMBERS[tens - 1] if tens > 1 else ''}十{CHINESE_NUMBERS[ones - 1] if ones else ''}"


def _create_presales(ctx: DemoContext, people: PeopleFactory) -> None:
    rng, spec = ctx.rng, ctx.spec
    director = people.create(
        role=Role.PRESALES_MANAGER,
        team=None,
        title="售前总监" if spec.presales_teams > 1 else "售前经理",
        login="presalesmgr",
        revenue_target=Decimal("120000000"),
        weekly_visit_quota=2,
    )
    top_name = "售前中心" if spec.presales_teams > 1 else "售前技术部"
    top = services.team_create(name=top_name, kind=TeamKind.PRESALES, manager=director)
    _join_team(director, top)
    ctx.managers_by_team[top.pk] = director
    ctx.presales_people.append(director)
    if spec.presales_teams == 1:
        teams = [(top, director)]
    else:
        teams = []
        for number in range(1, spec.presales_teams + 1):
            manager = people.create(
                role=Role.PRESALES_MANAGER,
                team=None,
                title="售前经理",
                revenue_target=Decimal(rng.randrange(50, 100) * 1_000_000),
                weekly_visit_quota=2,
            )
            focus = "解决方案" if number % 2 else "行业方案"
            team = services.team_create(
                name=f"售前{_chinese_number(number)}部({focus})", kind=TeamKind.PRESALES, manager=manager, parent=top
            )
            _join_team(manager, team)
            ctx.managers_by_team[team.pk] = manager
            ctx.presales_people.append(manager)
            teams.append((team, manager))
    for index, (team, _manager) in enumerate(teams):
        engineers = spec.engineers_per_presales_team - (1 if index == 0 else 0)
        if index == 0:
            ctx.presales_people.append(
                people.create(
                    role=Role.PRESALES,
                    team=team,
                    title="高级售前工程师",
                    login="presales",
                    revenue_target=Decimal("30000000"),
                    weekly_capacity_hours=Decimal("40.0"),
                    weekly_visit_quota=3,
                )
            )
        for _number in range(engineers):
            # A few engineers on every team came from the international business and work in English.
            english = rng.random() < 0.12
            ctx.presales_people.append(
                people.create(
                    role=Role.PRESALES,
                    team=team,
                    title=rng.choice(["Solutions Engineer", "Solution Architect"])
                    if english
                    else rng.choice(["售前工程师", "高级售前工程师", "解决方案架构师", "行业解决方案专家"]),
                    english=english,
                    revenue_target=Decimal(rng.randrange(10, 40) * 1_000_000),
                    weekly_capacity_hours=Decimal(rng.choice(["32.0", "36.0", "40.0", "40.0"])),
                    weekly_visit_quota=rng.choice([2, 3, 3, 4, 5]),
                )
            )


class SupportDepartment(NamedTuple):
    """A department outside sales and presales: its head (the demo login, the first title) and `count - 1` others."""

    name: str
    kind: str
    role: str
    login: str
    titles: list[str]


COMMERCIAL = SupportDepartment(
    "商务部", TeamKind.COMMERCIAL, Role.COMMERCIAL, "commercial", ["商务经理", "商务专员", "合同专员", "投标专员"]
)
AFTER_SALES = SupportDepartment(
    "售后服务部",
    TeamKind.AFTER_SALES,
    Role.AFTER_SALES,
    "aftersales",
    ["售后工程师", "实施工程师", "项目经理", "交付经理"],
)


def _create_support_team(
    ctx: DemoContext, people: PeopleFactory, department: SupportDepartment, *, count: int
) -> list[User]:
    role, titles = department.role, department.titles
    lead = people.create(role=role, team=None, title=titles[0], login=department.login)
    team = services.team_create(name=department.name, kind=department.kind, manager=lead)
    _join_team(lead, team)
    ctx.managers_by_team[team.pk] = lead
    members = [lead]
    for _number in range(count - 1):
        members.append(people.create(role=role, team=team, title=ctx.rng.choice(titles[1:])))
    return members


def _create_skills(ctx: DemoContext) -> None:
    # There is no skill service yet (people.services only sets levels); skills are plain reference rows.
    for name, name_en in names.SKILLS:
        skill, _created = Skill.objects.get_or_create(name=name, defaults={"name_en": name_en})
        ctx.skills.append(skill)
    for person in ctx.presales_people:
        for skill in ctx.rng.sample(ctx.skills, ctx.rng.randint(3, 5)):
            services.user_set_skill(user=person, skill=skill, level=ctx.rng.choice([2, 3, 3, 4, 4, 5]))


def generate_people(ctx: DemoContext) -> None:
    """Teams and people of every role, their skills, capacities, quotas and targets."""
    people = PeopleFactory(ctx)
    admin = people.create(
        role=Role.ADMIN, team=None, title="系统管理员", login="admin", is_staff=True, is_superuser=True
    )
    ctx.admin = admin
    director = people.create(
        role=Role.SALES_MANAGER,
        team=None,
        title="销售总监",
        login="salesmgr",
        is_executive=True,
        revenue_target=Decimal("300000000") if ctx.spec.sales_layout != "divisions" else Decimal("3000000000"),
    )
    sales_center = services.team_create(name="销售中心", kind=TeamKind.SALES, manager=director)
    _join_team(director, sales_center)
    ctx.managers_by_team[sales_center.pk] = director
    _create_sales(ctx, people, director, sales_center)
    _create_presales(ctx, people)
    ctx.commercial_people = _create_support_team(ctx, people, COMMERCIAL, count=ctx.spec.commercial_people)
    ctx.after_sales_people = _create_support_team(ctx, people, AFTER_SALES, count=ctx.spec.after_sales_people)
    _create_skills(ctx)
    # One hash for everybody: the demo password is shared and hashing it 2,000 times would dominate the load.
    User.objects.filter(pk__in=[user.pk for user in ctx.users]).update(password=make_password(DEMO_PASSWORD))
    for login in DEMO_LOGINS:
        ctx.logins[login] = next(user for user in ctx.users if user.username == login)
    ctx.counts["people"] = len(ctx.users)
    ctx.counts["teams"] = Team.objects.count()
