"""Demo checklists: every deal's playbook steps worked as far as the deal has come.

The playbook moves a deal to the stage of its first unfinished step ("stage follows the checklist",
presales.deals.services.steps._advance). So the small demo walks each deal forward by completing its steps
with typed answers through the checklist services, as the responsible person would; the stage follows.
Open deals stop inside their stage with a step or two in progress, some overdue, a few blocked or skipped.

The bulk sizes give their open deals checklists row by row with the playbook's own owner resolution
(DealTeam.resolve) and due-date rule (due_dates), without the per-step services.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from presales.core.bulkinsert import RowBuilder
from presales.customers.models import Attitude, Contact, DecisionRole, Level
from presales.deals import services as checklist
from presales.deals.models import DealStep, Opportunity, Outcome, StepStatus
from presales.people.models import Team, TeamKind, User
from presales.playbook.models import AnswerKind, PlaybookVersion, Stage, StepDefinition, StepRole

if TYPE_CHECKING:
    from presales.demo.context import DemoContext
    from presales.demo.deals import OpportunityPlan

PAINS = [
    ("现有系统性能不足,业务高峰期响应缓慢", "The current system is slow at peak times"),
    ("设备老化即将过保,维保费用逐年上升", "Ageing equipment, rising maintenance costs"),
    ("数据分散在多个系统,无法统一分析", "Data is spread over many systems"),
    ("等保2.0合规要求提高,现有安全防护不足", "Stricter compliance rules, weak protection"),
    ("运维人力紧张,故障定位耗时长", "Few operations staff, slow troubleshooting"),
    ("业务扩展快,现有架构难以横向扩容", "Fast growth, the architecture does not scale out"),
    ("多个分支机构之间网络质量不稳定", "Unstable links between branches"),
]
RISKS = [
    ("交付周期紧张,需提前备货", "Tight delivery schedule", "medium"),
    ("客户要求本地化驻场支持", "On-site support required", "low"),
    ("付款周期较长,回款存在风险", "Long payment terms", "high"),
    ("与现网设备兼容性待验证", "Compatibility with installed equipment", "medium"),
    ("竞争对手低价冲击,利润率偏低", "Low-price competitor, thin margin", "high"),
    ("客户关键人员可能调整", "Key customer staff may change", "medium"),
]
DIFFERENTIATORS = [
    ("本地化服务团队,4小时到场;国产化适配完整", "Local service team on site within 4 hours"),
    ("同行业成功案例多,方案成熟;总体拥有成本更低", "Many references in the industry; lower total cost"),
    ("统一管理平台,运维简单;性能测试领先", "One management platform; better test results"),
]
ANALYSIS_NOTES = [
    ("客户有明确建设计划,与我方产品线匹配度高", "Clear plan, good match with our products"),
    ("需求尚不清晰,需进一步了解", "Needs not yet clear"),
    ("老客户扩容,关系基础好", "Existing customer expanding"),
]
CONFIGURATIONS = [
    ("核心设备双机冗余,含三年原厂维保", "Redundant core, three years of support"),
    ("标准配置,含安装调试及培训", "Standard configuration with installation and training"),
    ("分两期建设,一期为核心平台", "Two phases, the core platform first"),
]
POC_CRITERIA = [
    (
        "性能压测达到设计指标;与现有系统完成对接;连续稳定运行两周",
        "Load test meets targets; integration; two weeks stable",
    ),
    ("功能测试用例通过率不低于95%;故障切换时间小于30秒", "95% of test cases pass; failover under 30 s"),
]
GO_REASONS = [
    ("预算已批,客户关系良好,值得重点投入", "Budget approved, good relationship"),
    ("战略行业客户,标杆意义大", "Strategic reference customer"),
    ("金额一般,按标准流程跟进", "Average size, standard effort"),
]
TERMS = [
    ("预付30%,到货验收后付60%,质保金10%", "30% advance, 60% on acceptance, 10% retention"),
    ("验收后一次性付款,账期60天", "Paid in full 60 days after acceptance"),
]
BLOCK_REASONS = [
    ("等待客户IT部门提供测试环境", "Waiting for the customer's test environment"),
    ("客户预算冻结,等待下季度重新申报", "Budget frozen until next quarter"),
    ("客户关键联系人出差,会议推迟", "The key contact is travelling; meeting postponed"),
    ("等待原厂授权函", "Waiting for the manufacturer's authorisation letter"),
]
# Steps that a team sometimes skips, with the reason it gives (keyed by the playbook step key).
SKIP_REASONS = {
    "first_contact": ("客户主动来电,直接与部门经理沟通", "The customer called us; we went straight to the manager"),
    "first_quote": ("客户已有框架协议价格,无需初步报价", "A framework price exists already"),
    "poc": ("客户已在同类项目中验证过我方产品,免于测试", "Our product was tested in a similar project"),
    "champion": ("客户采用公开招标,内部沟通受限", "Public tender: contact with the customer is restricted"),
}
PROCUREMENT_WEIGHTS = {
    "public_tender": 40,
    "invited_tender": 15,
    "competitive_negotiation": 20,
    "single_source": 8,
    "inquiry": 12,
    "direct_purchase": 5,
}
DECISION_WEIGHTS = {"individual": 15, "committee": 40, "tender_panel": 30, "executive_meeting": 15}


def current_definitions() -> list[StepDefinition]:
    version = PlaybookVersion.objects.current()
    if version is None:
        return []
    return list(version.steps.select_related("stage").order_by("order"))


def _round(value: float) -> Decimal:
    return Decimal(round(value, -3)).quantize(Decimal("0.01"))


@dataclass
class StepPlan:
    """How far a deal's checklist has come: the steps finished (some skipped) and what happens to the next ones."""

    finished: list[int] = field(default_factory=list)  # step orders, in order
    skipped: dict[int, str] = field(default_factory=dict)  # order -> reason
    no_go: bool = False  # the last finished step is a no-go (the deal is abandoned by it)
    in_progress: list[int] = field(default_factory=list)
    blocked: dict[int, str] = field(default_factory=dict)


class ChecklistPlanner:
    """Decides, from the deal plan, which steps are finished, skipped, in progress or blocked."""

    def __init__(self, ctx: DemoContext, definitions: list[StepDefinition]):
        self.ctx = ctx
        self.rng = ctx.rng
        self.definitions = definitions
        self.by_stage: dict[int, list[StepDefinition]] = {}
        for definition in definitions:
            self.by_stage.setdefault(definition.stage.number, []).append(definition)
        # Days from the deal's start to each step's due date when every step follows the previous one.
        self.offsets: dict[int, int] = {}
        self.pains: dict[int, list[str]] = {}
        running = 0
        for definition in definitions:
            running += definition.due_days if definition.due_rule == "after_previous" else 7
            self.offsets[definition.order] = running

    def _english(self, plan: OpportunityPlan) -> bool:
        return plan.account.region == "overseas"

    def text(self, pair: tuple[str, str], plan: OpportunityPlan) -> str:
        return pair[1] if self._english(plan) else pair[0]

    def plan_steps(self, plan: OpportunityPlan) -> StepPlan:
        rng = self.rng
        result = StepPlan()
        stage = plan.stage_number
        if plan.outcome == Outcome.WON:
            result.finished = [d.order for d in self.definitions]
        elif stage >= 2:
            current = self.by_stage.get(min(stage, 6), [])
            before = [d.order for d in self.definitions if d.stage.number < min(stage, 6)]
            # Never past the signing inside the stage: a signed deal is won, not open or lost.
            workable = [d for d in current if d.answer_kind not in (AnswerKind.SIGNED, AnswerKind.NONE)]
            done_here = rng.randint(0, max(0, min(len(current) - 1, len(workable))))
            result.finished = before + [d.order for d in current[:done_here]]
            if plan.outcome == Outcome.ABANDONED and stage == 2:
                # Abandoned early: the internal go/no-go said no (step 5 of the article's playbook).
                go = next((d for d in current if d.answer_kind == AnswerKind.GO_NO_GO), None)
                if go is not None:
                    result.finished = [d.order for d in current if d.order <= go.order]
                    result.no_go = True
        for definition in self.definitions:
            reason = SKIP_REASONS.get(definition.key)
            if reason and definition.order in result.finished and rng.random() < 0.06:
                result.skipped[definition.order] = self.text(reason, plan)
        if plan.outcome == Outcome.OPEN:
            unfinished = [d.order for d in self.definitions if d.order not in result.finished]
            current_stage = self.by_order(unfinished[0]).stage.number if unfinished else None
            roll = rng.random()
            if unfinished and roll < 0.08:
                result.blocked[unfinished[0]] = self.text(rng.choice(BLOCK_REASONS), plan)
            elif unfinished and roll < 0.62:
                result.in_progress.append(unfinished[0])
                nxt = unfinished[1] if len(unfinished) > 1 else None
                if nxt and self.by_order(nxt).stage.number == current_stage and rng.random() < 0.3:
                    result.in_progress.append(nxt)
        return result

    def by_order(self, order: int) -> StepDefinition:
        return self.definitions[order - 1]

    def opened_on(self, plan: OpportunityPlan, steps: StepPlan) -> datetime.date:
        """When the deal was opened, so its finished steps lie in the past and the current one is due about now."""
        rng, today = self.rng, self.ctx.today
        last = steps.finished[-1] if steps.finished else 0
        if plan.outcome == Outcome.OPEN:
            first_open = last + 1 if last < len(self.definitions) else last
            # About a third of the current steps are past their due date: a realistic backlog.
            age = self.offsets.get(first_open, 3) + rng.randint(-25, 12)
            return today - datetime.timedelta(days=max(2, age))
        end = plan.closed_on or today
        return end - datetime.timedelta(days=self.offsets.get(last, 10) + rng.randint(0, 30))

    # --- Typed answers ----------------------------------------------------------------------------------------

    def answer(
        self, definition: StepDefinition, plan: OpportunityPlan, contacts: list[Contact], when: datetime.date
    ) -> dict[str, Any]:
        """A plausible answer for the step's kind, in the shape the step forms produce."""
        rng, kind = self.rng, definition.answer_kind
        amount = float(plan.amount)
        lost = plan.outcome in (Outcome.LOST, Outcome.ABANDONED)
        if kind == AnswerKind.ANALYSIS:
            return {
                "fit": rng.choices(["good", "partial"], [70, 30])[0],
                "notes": self.text(rng.choice(ANALYSIS_NOTES), plan),
            }
        if kind == AnswerKind.CONTACT:
            level = Level.STAFF if definition.key == "first_contact" else Level.MANAGER
            return {"contact": _pick(rng, contacts, lambda c: c.level == level), "date": when}
        if kind == AnswerKind.BUDGET:
            status = rng.choices(["approved", "planned"], [65, 35])[0]
            return {"status": status, "amount": _round(amount * rng.uniform(1.0, 1.3))}
        if kind == AnswerKind.QUOTE:
            return {
                "amount": _round(amount * rng.uniform(1.05, 1.25)),
                "configuration": self.text(rng.choice(CONFIGURATIONS), plan),
            }
        if kind == AnswerKind.GO_NO_GO:
            if plan.outcome == Outcome.ABANDONED and plan.stage_number == 2:
                return {"decision": "no_go", "reason": plan.outcome_reason}
            investment = "high" if amount >= 5_000_000 else rng.choice(["medium", "medium", "low"])
            return {"decision": "go", "investment": investment, "reason": self.text(rng.choice(GO_REASONS), plan)}
        if kind == AnswerKind.PAIN_POINTS:
            pains = [self.text(pain, plan) for pain in rng.sample(PAINS, rng.randint(2, 3))]
            self.pains[id(plan)] = pains  # the next step says whether each can be solved
            return {"pains": pains}
        if kind == AnswerKind.PAIN_SOLVABLE:
            pains = self.pains.pop(id(plan), [])
            return {"pains": [{"pain": p, "solvable": rng.choices(["yes", "partly"], [75, 25])[0]} for p in pains]}
        if kind == AnswerKind.SOLUTION:
            document = f"{plan.name}{' solution v' if self._english(plan) else '技术方案V'}{rng.randint(1, 3)}.docx"
            return {"accepted": "yes", "document": document}
        if kind == AnswerKind.YES_NO:
            return {"answer": "yes"}
        if kind == AnswerKind.POC:
            result = rng.choices(["passed", "partly"], [40, 60] if lost else [80, 20])[0]
            return {"result": result, "criteria": self.text(rng.choice(POC_CRITERIA), plan)}
        if kind == AnswerKind.COMPETITORS:
            text = self.text(rng.choice(DIFFERENTIATORS), plan)
            return {"differentiators": text, "none_known": not plan.competitors}
        if kind == AnswerKind.STAKEHOLDERS:
            maker = _pick(rng, contacts, lambda c: c.decision_role == DecisionRole.DECISION_MAKER)
            method = rng.choices(list(DECISION_WEIGHTS), list(DECISION_WEIGHTS.values()))[0]
            return {"decision_maker": maker, "method": method}
        if kind == AnswerKind.CHAMPION:
            return {
                "champion": _pick(rng, contacts, lambda c: c.attitude == Attitude.CHAMPION)
                or _pick(rng, contacts, lambda c: c.attitude == Attitude.POSITIVE)
            }
        if kind == AnswerKind.AMOUNT:
            low, high = (1.0, 1.08) if definition.key == "final_quote" else (0.98, 1.1)
            return {"amount": _round(amount * rng.uniform(low, high))}
        if kind == AnswerKind.PROCUREMENT:
            return {"method": rng.choices(list(PROCUREMENT_WEIGHTS), list(PROCUREMENT_WEIGHTS.values()))[0]}
        if kind == AnswerKind.RISKS:
            rows = rng.sample(RISKS, rng.randint(1, 3))
            return {"risks": [{"risk": self.text((zh, en), plan), "level": level} for zh, en, level in rows]}
        if kind == AnswerKind.ORDER_DATE:
            return {"date": plan.expected_close_date}
        if kind == AnswerKind.ORDER:
            year = (plan.closed_on or self.ctx.today).year
            return {"order_number": f"PO{year}-{rng.randrange(10**5):05d}", "terms": self.text(rng.choice(TERMS), plan)}
        if kind == AnswerKind.REVIEW:
            return {"status": "approved"}
        if kind == AnswerKind.SIGNED:
            return {"date": plan.closed_on or self.ctx.today, "amount": plan.amount}
        return {}


def _pick(rng: Any, contacts: list[Contact], wanted: Any) -> Contact | None:
    matching = [c for c in contacts if wanted(c)]
    if matching:
        return matching[0]
    return rng.choice(contacts) if contacts else None


@contextmanager
def demo_clock(moment: datetime.datetime) -> Iterator[None]:
    """Run the services as if it were `moment`: created/updated/completed stamps, history dates and the dates the
    services default to (closed_on, a step's start) all fall where the work happened, not at seeding time.
    The seed is a single-threaded command; the real clock is restored right after."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def _moment(rng: Any, day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    value = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 18), rng.randint(0, 59))))
    return min(value, now)


def completion_dates(
    rng: Any, steps: list[DealStep], finished: list[int], opened: datetime.date, limit: datetime.date
) -> dict[int, datetime.date]:
    """When each finished step was done: around its due date, in order, between the start and `limit`."""
    result: dict[int, datetime.date] = {}
    previous = opened
    for step in steps:
        order = step.definition.order
        if order not in finished:
            continue
        day = (step.due_date or previous) + datetime.timedelta(days=rng.randint(-4, 2))
        day = min(max(day, previous), limit)
        result[order] = day
        previous = day
    return result


# --- Small: through the checklist services -------------------------------------------------------------------------


class ChecklistWalker:
    """Works a deal's checklist through the checklist services; remembers the completion dates to put in the past."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.definitions = current_definitions()
        self.planner = ChecklistPlanner(ctx, self.definitions)
        # The same User objects everywhere: visibility caches each person's scope on the object.
        self.users: dict[int, User] = {user.pk: user for user in ctx.users}
        self.contacts: dict[int, list[Contact]] = ctx.extra.get("contacts_by_account", {})
        self.now = timezone.now()
        self.handovers: dict[str, int] = {}

    def person(self, pk: int | None, step: DealStep | None = None) -> User:
        """The user with `pk`; for a step nobody owns (it waits on a manager's queue), the deal's sales owner, who may
        work every step of their deal."""
        if pk is None and step is not None:
            pk = step.opportunity.sales_owner_id
        if pk is None:
            raise ValueError("no person")
        user = self.users.get(pk)
        if user is None:
            user = self.users[pk] = User.objects.get(pk=pk)
        return user

    def contacts_for(self, opportunity: Opportunity) -> list[Contact]:
        contacts = self.contacts.get(opportunity.account_id)
        if contacts is None:
            contacts = self.contacts[opportunity.account_id] = list(
                Contact.objects.filter(account_id=opportunity.account_id).order_by("pk")
            )
        return contacts

    def at(self, day: datetime.date) -> Any:
        """The demo clock at a plausible working hour of `day` (never later than now)."""
        return demo_clock(_moment(self.rng, day, self.now))

    def load_steps(self, opportunity: Opportunity) -> list[DealStep]:
        steps = list(
            DealStep.objects.filter(opportunity=opportunity).select_related("definition").order_by("definition__order")
        )
        for step in steps:
            step.opportunity = opportunity  # one shared instance: no re-read per step
            step.definition = self.definitions[step.definition.order - 1] if self.definitions else step.definition
        return steps

    def walk(
        self, opportunity: Opportunity, plan: OpportunityPlan, steps_plan: StepPlan, opened: datetime.date
    ) -> Opportunity | None:
        """Finish, start and block the planned steps by their responsible people; returns the deal if it closed."""
        rng = self.rng
        steps = self.load_steps(opportunity)
        limit = min(plan.closed_on or self.ctx.today, self.ctx.today)
        dates = completion_dates(rng, steps, steps_plan.finished, opened, limit)
        if steps_plan.no_go and steps_plan.finished:
            dates[steps_plan.finished[-1]] = limit  # the no-go closes the deal: on its closing date
        contacts = self.contacts_for(opportunity)
        closed = None
        for step in steps:
            order = step.definition.order
            if order not in steps_plan.finished:
                continue
            actor = self.person(step.responsible_id, step)
            with self.at(dates[order]):
                if order in steps_plan.skipped:
                    checklist.deal_step_set_status(
                        actor=actor, step=step, status=StepStatus.SKIPPED, reason=steps_plan.skipped[order]
                    )
                else:
                    answer = self.planner.answer(step.definition, plan, contacts, dates[order])
                    checklist.deal_step_complete(actor=actor, step=step, answer=answer)
            if steps_plan.no_go and order == steps_plan.finished[-1]:
                closed = Opportunity.objects.get(pk=opportunity.pk)
        if plan.outcome == Outcome.OPEN:
            last = max(dates.values(), default=opened)
            recently = min(self.ctx.today, last + datetime.timedelta(days=rng.randint(0, 10)))
            with self.at(recently):
                self._open_states(opportunity, plan, steps, steps_plan)
        elif plan.outcome == Outcome.WON:
            closed = Opportunity.objects.get(pk=opportunity.pk)
        return closed

    def _open_states(
        self, opportunity: Opportunity, plan: OpportunityPlan, steps: list[DealStep], steps_plan: StepPlan
    ) -> None:
        for order in steps_plan.in_progress:
            step = steps[order - 1]
            checklist.deal_step_set_status(
                actor=self.person(step.responsible_id, step), step=step, status=StepStatus.IN_PROGRESS
            )
        for order, reason in steps_plan.blocked.items():
            step = steps[order - 1]
            checklist.deal_step_set_status(
                actor=self.person(step.responsible_id, step), step=step, status=StepStatus.BLOCKED, reason=reason
            )
        self._hand_over(opportunity, plan, steps, steps_plan)

    def _hand_over(
        self, opportunity: Opportunity, plan: OpportunityPlan, steps: list[DealStep], steps_plan: StepPlan
    ) -> None:
        """Directors take over a few steps on big deals (the hand-over shows in the step's history)."""
        open_steps = [s for s in steps if s.definition.order not in steps_plan.finished]
        for login, role in (("salesmgr", StepRole.SALES_MANAGER), ("presalesmgr", StepRole.PRESALES)):
            director = self.ctx.logins.get(login)
            if director is None:
                continue
            count = self.handovers.get(login, 0)
            if count >= 3 and self.rng.random() >= 0.1:
                continue
            if role == StepRole.PRESALES and opportunity.presales_lead_id is None:
                continue  # the presales director only sees deals with a presales lead from their team
            step = next(
                (s for s in open_steps if s.definition.responsible_role == role and s.responsible_id != director.pk),
                None,
            )
            if step is None:
                continue
            try:
                checklist.deal_step_reassign(actor=self.person(step.responsible_id, step), step=step, user=director)
            except ValidationError:  # the director cannot see this deal
                continue
            self.handovers[login] = count + 1


# --- Bulk sizes: checklists for open deals, resolved as the playbook service resolves them --------------------------


class BulkChecklists:
    """DealStep rows for open bulk deals: owners by DealTeam.resolve, due dates by due_dates, earlier stages done."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.version = PlaybookVersion.objects.current()
        self.definitions = current_definitions()
        self.planner = ChecklistPlanner(ctx, self.definitions)
        self.teams = {team.pk: team for team in Team.objects.select_related("manager")}
        self.stages = Stage.objects.in_bulk()
        self.managers: dict[str, User | None] = {}
        for kind in (TeamKind.COMMERCIAL, TeamKind.AFTER_SALES):
            functional = (
                Team.objects.filter(kind=kind, manager__isnull=False, manager__is_active=True)
                .select_related("manager")
                .order_by("pk")
                .first()
            )
            self.managers[kind] = functional.manager if functional else None
        self.now = timezone.now()
        self.count = 0
        self.builder = RowBuilder(DealStep, now=self.now)
        self.roles = {definition.responsible_role for definition in self.definitions}

    def rows(self, opportunities: list[Opportunity], plans: list[OpportunityPlan]) -> list[tuple]:
        """The open deals' steps as DealStep rows (core.bulkinsert.RowBuilder), ready to insert."""
        if not self.definitions:
            return []
        pairs = [(o, p) for o, p in zip(opportunities, plans, strict=True) if p.outcome == Outcome.OPEN]
        if not pairs:
            return []
        commercial, after_sales = self.managers[TeamKind.COMMERCIAL], self.managers[TeamKind.AFTER_SALES]
        today = self.ctx.today
        result = []
        for opportunity, plan in pairs:
            if opportunity.team_id:
                opportunity.team = self.teams[opportunity.team_id]
            if opportunity.presales_team_id:
                opportunity.presales_team = self.teams[opportunity.presales_team_id]
            team = checklist.DealTeam(
                opportunity=opportunity,
                commercial_manager=commercial,
                after_sales_manager=after_sales,
            )
            for user, role in plan.members:
                team.members.setdefault(role, []).append(user)
            steps_plan = self.planner.plan_steps(plan)
            # Steps of the stages the deal has reached are actionable (due by the rule), the later ones upcoming.
            since = checklist.actionable_since(self.definitions, self.stages[opportunity.stage_id], today)
            dues = checklist.due_dates(self.definitions, since, opportunity.expected_close_date)
            opened = today - datetime.timedelta(days=self.rng.randint(5, 120))
            responsible = {role: team.resolve(role) for role in self.roles}
            for definition, step_since, due in zip(self.definitions, since, dues, strict=True):
                person = responsible[definition.responsible_role]
                step: dict[str, Any] = {
                    "opportunity_id": opportunity.pk,
                    "definition_id": definition.pk,
                    "actionable_since": step_since,
                    "due_date": due,
                    "responsible_id": person.pk if person is not None else None,
                }
                order = definition.order
                if order in steps_plan.finished:
                    if order in steps_plan.skipped:
                        step["status"], step["reason"] = StepStatus.SKIPPED, steps_plan.skipped[order]
                    else:
                        step["status"] = StepStatus.DONE
                        answer = self.planner.answer(definition, plan, [], today)
                        step.update(_answer_columns(definition.answer_kind, answer))
                    done_on = min(today, opened + datetime.timedelta(days=self.planner.offsets[order] // 3))
                    step["completed_at"] = _moment(self.rng, done_on, self.now)
                    step["completed_by_id"] = step["responsible_id"]
                elif order in steps_plan.in_progress:
                    step["status"] = StepStatus.IN_PROGRESS
                elif order in steps_plan.blocked:
                    step["status"], step["reason"] = StepStatus.BLOCKED, steps_plan.blocked[order]
                result.append(self.builder.row(step))
        self.count += len(result)
        return result


def _answer_columns(kind: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The answer columns the playbook service writes for answers that touch no other record."""
    if kind == AnswerKind.ANALYSIS:
        return {"answer_choice": answer["fit"], "answer_text": answer.get("notes", "")}
    if kind == AnswerKind.BUDGET:
        return {"answer_choice": answer["status"], "answer_amount": answer.get("amount")}
    if kind == AnswerKind.QUOTE:
        return {"answer_amount": answer["amount"], "answer_text": answer.get("configuration", "")}
    if kind == AnswerKind.GO_NO_GO:
        return {
            "answer_choice": answer["decision"],
            "answer_text": answer.get("reason", ""),
            "answer_data": {"investment": answer.get("investment", "")},
        }
    if kind in (AnswerKind.PAIN_POINTS, AnswerKind.PAIN_SOLVABLE):
        return {"answer_data": {"pains": answer["pains"]}}
    if kind == AnswerKind.SOLUTION:
        return {"answer_choice": answer["accepted"], "answer_text": answer.get("document", "")}
    if kind == AnswerKind.YES_NO:
        return {"answer_choice": answer["answer"]}
    if kind == AnswerKind.POC:
        return {"answer_choice": answer["result"], "answer_data": {"criteria": answer["criteria"]}}
    if kind == AnswerKind.COMPETITORS:
        return {"answer_text": answer.get("differentiators", "")}
    if kind in (AnswerKind.STAKEHOLDERS, AnswerKind.PROCUREMENT):
        return {"answer_choice": answer["method"]}
    if kind == AnswerKind.AMOUNT:
        return {"answer_amount": answer["amount"]}
    if kind == AnswerKind.RISKS:
        return {"answer_data": {"risks": answer["risks"]}}
    if kind == AnswerKind.ORDER:
        return {"answer_data": {"order_number": answer["order_number"]}, "answer_text": answer.get("terms", "")}
    return {}
