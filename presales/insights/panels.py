"""The dashboards: which figures each role sees, as panels of chart + table + download of the same rows."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales import access
from presales.deals.models import Outcome
from presales.insights import links, selectors, technical
from presales.insights.charts import render_chart
from presales.insights.forms import InsightFilters
from presales.insights.links import Link
from presales.people.models import Role, User
from presales.scoring.selectors import scorecard_for
from presales.winning.models import Verdict, VerdictPhase
from presales.winning.selectors import model_in_use


@dataclass
class Col:
    """A table column: the row key, its header and how to show it (text, int, money, percent, hours, month, week)."""

    key: str
    label: str
    kind: str = "text"
    phone: bool = True


@dataclass
class Panel:
    """One figure of a dashboard: a chart (optional) with the table of the same numbers, downloadable."""

    key: str
    title: str
    columns: list[Col]
    rows: list[dict[str, Any]]
    chart: SafeString | None = None
    note: str = ""
    wide: bool = False
    links: dict[str, str] = field(default_factory=dict)
    # Figures only the chart draws, as a line of links under the note: {"label", "value", "link": Link}.
    figures: list[dict[str, Any]] = field(default_factory=list)
    # A page that explains the note (the win model's card, for figures weighted by it): {"url", "label"}.
    note_link: dict[str, str] | None = None
    # What the CSV/XLSX download holds when it is more than the table (e.g. every week where the page shows six).
    export_columns: list[Col] | None = None
    export_rows: list[dict[str, Any]] | None = None
    # The page shows the first `limit` rows (the panel orders them by what matters most); the download has them all.
    limit: int | None = None

    @property
    def shown_rows(self) -> list[dict[str, Any]]:
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def hidden_count(self) -> int:
        return len(self.rows) - len(self.shown_rows)


@dataclass(frozen=True)
class Dashboard:
    key: str
    title: Any
    managers_only: bool  # else everybody (figures are still limited to what the person sees)
    build: Callable[[User, InsightFilters], list[Panel]]


def month_label(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    return date_format(value, "Y-m")


def week_label(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    return date_format(value, "m-d")


def money_formatter(value: float) -> str:
    return number_format(Decimal(value).quantize(Decimal("1")), force_grouping=True)


def percent_formatter(value: float) -> str:
    return f"{value:g}%"


def _money_title(text: str, f: InsightFilters) -> str:
    return f"{text} ({f.currency})"


# --- Sales manager -----------------------------------------------------------------------------------


def _weighting(use_model: bool) -> dict[str, Any]:
    """How the weighted figures are weighted, said beside them with a link to the model card, and the deal list's
    total each weighted figure equals."""
    if use_model:
        return {
            "label": _("Weighted by the win model"),
            "note": _("Weighted by the win model: it beats the stage probabilities on the time-ordered hold-out."),
            "total": "model_weighted_sum",
        }
    return {
        "label": _("Weighted by stage probability"),
        "note": _("Weighted by stage probability: no win model beats it on the hold-out yet."),
        "total": "weighted_sum",
    }


def sales_panels(user: User, f: InsightFilters) -> list[Panel]:
    # The forecast switches to the win model only where it is better: a model is in use only when it beat the stage
    # defaults on the time-ordered hold-out (winning.services.win_model_train).
    weighting = _weighting(model_in_use() is not None)
    use_model = weighting["total"] == "model_weighted_sum"
    model_card = {"url": reverse("insights:win_model"), "label": _("Model card")}
    funnel = selectors.pipeline_funnel(user, f, use_model=use_model)
    for row in funnel:
        url = links.open_deals(f, f.start, f.end, stage=row["stage_id"])
        row["links"] = {
            "count": Link(url, "count"),
            "amount": Link(url, "amount_sum"),
            "weighted": Link(url, weighting["total"]),
        }
    funnel_rows = [row for row in funnel if row["count"] or row["number"] <= 6]
    panels = [
        Panel(
            key="funnel",
            title=_("Pipeline funnel by stage"),
            note=_("Open deals closing in the period, on both process views: our sales stage and the customer's.")
            + " "
            + weighting["note"],
            note_link=model_card,
            columns=[
                Col("number", "#", "int"),
                Col("vendor", _("Our sales stage")),
                Col("customer", _("Customer procurement stage"), phone=False),
                Col("count", _("Deals"), "int"),
                Col("amount", _money_title(_("Amount"), f), "money"),
                Col("weighted", _money_title(weighting["label"], f), "money", phone=False),
            ],
            rows=funnel,
            chart=render_chart(
                kind="funnel",
                labels=[f"{row['number']}. {row['stage']}" for row in funnel_rows],
                series=[
                    (_("Amount"), [row["amount"] for row in funnel_rows]),
                    (weighting["label"], [row["weighted"] for row in funnel_rows]),
                ],
                label=_("Pipeline funnel by stage"),
                formatter=money_formatter,
                no_data=_("No open deals"),
            ),
            wide=True,
        )
    ]
    forecast = selectors.forecast_by_month(user, f, use_model=use_model)
    for row in forecast:
        url = links.open_deals(f, *links.month_within(row["month"], f))
        row["links"] = {
            "count": Link(url, "count"),
            "amount": Link(url, "amount_sum"),
            "weighted": Link(url, weighting["total"]),
        }
    panels.append(
        Panel(
            key="forecast",
            title=_("Weighted forecast by month"),
            note=_("Σ amount × probability of open deals, by expected close month.") + " " + weighting["note"],
            note_link=model_card,
            columns=[
                Col("month", _("Month"), "month"),
                Col("count", _("Deals"), "int"),
                Col("amount", _money_title(_("Pipeline"), f), "money", phone=False),
                Col("weighted", _money_title(weighting["label"], f), "money"),
            ],
            rows=forecast,
            chart=render_chart(
                kind="bar",
                labels=[month_label(row["month"]) for row in forecast],
                series=[
                    (_("Pipeline"), [row["amount"] for row in forecast]),
                    (weighting["label"], [row["weighted"] for row in forecast]),
                ],
                label=_("Weighted forecast by month"),
                formatter=money_formatter,
                no_data=_("No open deals"),
            ),
        )
    )
    trend = selectors.win_rate_trend(user, f)
    for row in trend:
        start, end = links.month_within(row["month"], f)
        row["links"] = {
            "won": Link(links.closed_deals(f, "won", start, end), "count"),
            "lost": Link(links.closed_deals(f, "lost", start, end), "count"),
        }
    panels.append(
        Panel(
            key="win_rate",
            title=_("Win rate trend"),
            note=_("Won ÷ (won + lost) by the month deals closed; abandoned deals are left out."),
            columns=[
                Col("month", _("Month"), "month"),
                Col("won", _("Won"), "int"),
                Col("lost", _("Lost"), "int"),
                Col("win_rate", _("Win rate"), "percent"),
            ],
            rows=trend,
            chart=render_chart(
                kind="line",
                labels=[month_label(row["month"]) for row in trend],
                series=[(_("Win rate"), [row["win_rate"] for row in trend])],
                label=_("Win rate trend"),
                formatter=percent_formatter,
                range=(0, 100),
                no_data=_("No closed deals"),
            ),
        )
    )
    counts = selectors.risk_counts(user, f)
    risk_figures = [
        {"label": label, "value": counts[key], "link": Link(links.deals(f, outcome="open", risk=key), "count")}
        for key, label in (
            ("overdue", _("Open deals with overdue steps")),
            ("missing", _("Open deals missing qualification answers")),
        )
    ]
    at_risk = selectors.deals_at_risk(user, f)
    panels.append(
        Panel(
            key="risk",
            title=_("Deals at risk"),
            note=_(
                "Open deals with overdue steps, unanswered qualification steps of stages already reached, "
                "or %(days)s days or more in the same stage."
            )
            % {"days": selectors.STALLED_AFTER_DAYS},
            columns=[
                Col("name", _("Opportunity")),
                Col("owner", _("Sales owner"), phone=False),
                Col("stage", _("Stage")),
                Col("amount", _("Amount"), "deal_money"),
                Col("overdue", _("Overdue steps"), "int"),
                Col("missing", _("Missing answers"), "int", phone=False),
                Col("stage_days", _("Days in stage"), "int", phone=False),
            ],
            rows=at_risk,
            figures=risk_figures,
            chart=render_chart(
                kind="horizontal_bar",
                labels=[_("Overdue steps"), _("Missing qualification answers")],
                series=[(_("Open deals"), [counts["overdue"], counts["missing"]])],
                label=_("Deals at risk"),
                no_data=_("No open deals"),
            ),
            wide=True,
        )
    )
    return panels


# --- Presales manager ---------------------------------------------------------------------------------


WORKLOAD_WEEKS = 6  # the weeks the workload chart and table show; the download has every week of the period
LONG_TABLE_ROWS = 25  # a panel table with one row per person shows this many; the download has them all


def workload_panel(user: User, f: InsightFilters) -> Panel:
    """Each engineer's load in the period's last weeks, one row per engineer and a column per week (the chart's
    figures); the download has one row per engineer and week of the whole period, with the hours behind each load."""
    workload = selectors.workload_by_week(user, f)
    weeks = sorted({row["week"] for row in workload})[-WORKLOAD_WEEKS:]
    by_engineer: dict[int, dict[str, Any]] = {}
    for row in workload:
        if row["week"] not in weeks:
            continue
        engineer = by_engineer.setdefault(
            row["engineer_id"],
            {
                "engineer_id": row["engineer_id"],
                "engineer": row["engineer"],
                "capacity": row["capacity"],
                "done": 0,
                "planned": 0,
                "links": {},
            },
        )
        engineer["done"] += row["done"]
        engineer["planned"] += row["planned"]
        column = f"week_{weeks.index(row['week'])}"
        engineer[column] = row["load"]
        # The load is a share of capacity: it opens the engineer's activities of that week, with nothing to check.
        start, end = links.week_within(row["week"], f)
        engineer["links"][column] = Link(links.activities(f, start, end, owner=row["engineer_id"]))
    if weeks:
        # The hours of the weeks shown are the activity list's hour total for those days.
        start, end = links.week_within(weeks[0], f)[0], links.week_within(weeks[-1], f)[1]
        for engineer_id, engineer in by_engineer.items():
            for status in ("done", "planned"):
                url = links.activities(f, start, end, owner=engineer_id, status=status)
                engineer["links"][status] = Link(url, "hours_sum")
    columns = [f"week_{index}" for index in range(len(weeks))]
    for engineer in by_engineer.values():
        engineer["peak"] = max((engineer[column] for column in columns if engineer.get(column) is not None), default=0)
    # The most loaded first: the chart draws the first 15, the page lists the first few, the download has everybody.
    engineers = sorted(by_engineer.values(), key=lambda row: (-row["peak"], row["engineer"]))
    charted = engineers[:15]
    return Panel(
        key="workload",
        title=_("Workload against capacity"),
        note=_(
            "Hours of presales work (done and planned) per engineer and week, as a share of weekly capacity, in the "
            "last %(weeks)s weeks of the period; the most loaded engineers first. The download has every week."
        )
        % {"weeks": WORKLOAD_WEEKS},
        columns=[
            Col("engineer", _("Engineer")),
            Col("done", _("Done (h)"), "hours", phone=False),
            Col("planned", _("Planned (h)"), "hours", phone=False),
            Col("capacity", _("Capacity (h)"), "hours", phone=False),
            *(Col(f"week_{index}", week_label(week), "percent") for index, week in enumerate(weeks)),
        ],
        rows=engineers,
        export_columns=[
            Col("week", _("Week of"), "week"),
            Col("engineer", _("Engineer")),
            Col("done", _("Done (h)"), "hours"),
            Col("planned", _("Planned (h)"), "hours"),
            Col("capacity", _("Capacity (h)"), "hours"),
            Col("load", _("Load"), "percent"),
        ],
        export_rows=workload,
        limit=LONG_TABLE_ROWS,
        chart=render_chart(
            kind="bar",
            labels=[row["engineer"] for row in charted],
            series=[
                (week_label(week), [row.get(column) for row in charted])
                for column, week in zip(columns, weeks, strict=True)
            ],
            label=_("Workload against capacity"),
            formatter=percent_formatter,
            no_data=_("No activities"),
        ),
        wide=True,
    )


def presales_panels(user: User, f: InsightFilters) -> list[Panel]:
    panels = [workload_panel(user, f)]
    volume = selectors.request_volume(user, f)
    for row in volume:
        start, end = links.month_within(row["month"], f)
        url = links.requests(f, start, end)
        row["links"] = {
            "count": Link(url, "count"),
            "done": Link(links.requests(f, start, end, status="done"), "count"),
            "declined": Link(links.requests(f, start, end, status="declined"), "count"),
            # Averages over the month's requests: they open those rows, with nothing to check.
            "hours_to_triage": Link(url),
            "hours_to_finish": Link(url),
        }
    panels.append(
        Panel(
            key="requests",
            title=_("Support requests and response times"),
            columns=[
                Col("month", _("Month"), "month"),
                Col("count", _("Requests"), "int"),
                Col("done", _("Done"), "int", phone=False),
                Col("declined", _("Declined"), "int", phone=False),
                Col("hours_to_triage", _("Hours to triage"), "hours"),
                Col("hours_to_finish", _("Hours to finish"), "hours"),
            ],
            rows=volume,
            chart=render_chart(
                kind="bar",
                labels=[month_label(row["month"]) for row in volume],
                series=[
                    (_("Requests"), [row["count"] for row in volume]),
                    (_("Done"), [row["done"] for row in volume]),
                ],
                label=_("Support requests by month"),
                no_data=_("No requests"),
            ),
        )
    )
    support = selectors.win_rate_by_support(user, f)
    names = {"with": _("With presales"), "without": _("Without presales")}
    for row in support:
        row["label"] = names[row["key"]]
        row["links"] = {
            "won": Link(links.closed_deals(f, "won", f.start, f.end, presales=row["key"]), "count"),
            "lost": Link(links.closed_deals(f, "lost", f.start, f.end, presales=row["key"]), "count"),
            "win_rate": Link(links.closed_deals(f, "decided", f.start, f.end, presales=row["key"])),
        }
    panels.append(
        Panel(
            key="support",
            title=_("Win rate with and without presales"),
            note=_("Supported: a presales lead or at least one presales activity."),
            columns=[
                Col("label", _("Deals")),
                Col("won", _("Won"), "int"),
                Col("lost", _("Lost"), "int"),
                Col("win_rate", _("Win rate"), "percent"),
            ],
            rows=support,
            chart=render_chart(
                kind="bar",
                labels=[row["label"] for row in support],
                series=[(_("Win rate"), [row["win_rate"] for row in support])],
                label=_("Win rate with and without presales"),
                formatter=percent_formatter,
                range=(0, 100),
            ),
        )
    )
    revenue = selectors.influenced_revenue(user, f)
    for row in revenue:
        url = links.closed_deals(f, "won", f.start, f.end, supported_by=row["engineer_id"])
        # The revenue is a share of those deals (by hours), not their sum: the link opens them without a check.
        row["links"] = {"deals": Link(url, "count"), "revenue": Link(url)}
    panels.append(
        Panel(
            key="influenced",
            title=_("Influenced revenue per engineer"),
            note=_("Won supported deals, credited by each engineer's share of presales hours."),
            columns=[
                Col("engineer", _("Engineer")),
                Col("deals", _("Won deals"), "int"),
                Col("revenue", _money_title(_("Influenced revenue"), f), "money"),
            ],
            rows=revenue,
            limit=LONG_TABLE_ROWS,
            chart=render_chart(
                kind="horizontal_bar",
                labels=[row["engineer"] for row in revenue[:15]],
                series=[(_("Influenced revenue"), [row["revenue"] for row in revenue[:15]])],
                label=_("Influenced revenue per engineer"),
                formatter=money_formatter,
                no_data=_("No won deals"),
            ),
        )
    )
    mix = selectors.activity_mix(user, f)
    for row in mix:
        url = links.activities(f, f.start, f.end, kind=row["kind"])
        # Won and lost: closed deals of the period that had an activity of this type (of any date, as counted).
        row["links"] = {
            "count": Link(url, "count"),
            "hours": Link(url),
            "won": Link(links.closed_deals(f, "won", f.start, f.end, activity_kind=row["kind"]), "count"),
            "lost": Link(links.closed_deals(f, "lost", f.start, f.end, activity_kind=row["kind"]), "count"),
            "win_rate": Link(links.closed_deals(f, "decided", f.start, f.end, activity_kind=row["kind"])),
        }
    panels.append(
        Panel(
            key="activity_mix",
            title=_("Activity mix and the win rate that follows"),
            note=_("Activities in the period, and the win rate of closed deals that had that kind of work."),
            columns=[
                Col("label", _("Activity")),
                Col("count", _("Activities"), "int", phone=False),
                Col("hours", _("Hours"), "hours"),
                Col("won", _("Won"), "int", phone=False),
                Col("lost", _("Lost"), "int", phone=False),
                Col("win_rate", _("Win rate"), "percent"),
            ],
            rows=mix,
            chart=render_chart(
                kind="horizontal_bar",
                labels=[row["label"] for row in mix],
                series=[
                    (_("Hours"), [row["hours"] for row in mix]),
                    (_("Win rate (%)"), [row["win_rate"] for row in mix]),
                ],
                label=_("Activity mix and the win rate that follows"),
                no_data=_("No activities"),
            ),
            wide=True,
        )
    )
    by_stage = selectors.win_rate_by_activity_stage(user, f)
    for row in by_stage:
        params = {"activity_kind": row["kind"], "activity_stage": row["stage"] if row["stage"] is not None else "none"}
        row["links"] = {
            "won": Link(links.closed_deals(f, "won", f.start, f.end, **params), "count"),
            "lost": Link(links.closed_deals(f, "lost", f.start, f.end, **params), "count"),
            "win_rate": Link(links.closed_deals(f, "decided", f.start, f.end, **params)),
        }
    panels.append(
        Panel(
            key="activity_stage",
            title=_("Win rate by activity type and stage"),
            note=_("Stage of the playbook step the activity served; empty when it served no step."),
            columns=[
                Col("stage", _("Stage"), "int"),
                Col("label", _("Activity")),
                Col("won", _("Won"), "int"),
                Col("lost", _("Lost"), "int"),
                Col("win_rate", _("Win rate"), "percent"),
            ],
            rows=by_stage,
        )
    )
    overdue = selectors.overdue_steps_by_person(user, f)
    for row in overdue:
        row["links"] = {
            "count": Link(
                links.steps(f, state="overdue", role=row["role_key"], responsible=row["person_id"])
                if row["person_id"]
                else links.steps(f, state="overdue", role=row["role_key"], unassigned="true"),
                "count",
            )
        }
    per_role: dict[str, int] = {}
    for row in overdue:
        per_role[row["role"]] = per_role.get(row["role"], 0) + row["count"]
    panels.append(
        Panel(
            key="overdue",
            title=_("Overdue steps by role and person"),
            columns=[Col("role", _("Role")), Col("person", _("Person")), Col("count", _("Overdue steps"), "int")],
            rows=overdue,
            chart=render_chart(
                kind="horizontal_bar",
                labels=list(per_role),
                series=[(_("Overdue steps"), list(per_role.values()))],
                label=_("Overdue steps by role"),
                no_data=_("No overdue steps"),
            ),
        )
    )
    poc = poc_panel(user, f)
    if poc is not None:
        panels.append(poc)
    return panels


def poc_panel(user: User, f: InsightFilters) -> Panel | None:
    """Open POCs with the days left, when the bids app is installed."""
    from django.apps import apps

    try:
        poc_model = apps.get_model("bids", "Poc")
    except LookupError:
        return None
    rows = selectors.open_pocs(poc_model, user, f)
    return Panel(
        key="pocs",
        title=_("Open POCs"),
        columns=[
            Col("name", _("POC")),
            Col("opportunity", _("Opportunity"), phone=False),
            Col("end_date", _("Ends"), "date"),
            Col("days_left", _("Days left"), "int"),
        ],
        rows=rows,
        chart=render_chart(
            kind="horizontal_bar",
            labels=[row["name"] for row in rows[:12]],
            series=[(_("Days left"), [row["days_left"] for row in rows[:12]])],
            label=_("Open POCs"),
            no_data=_("No open POCs"),
        ),
    )


# --- My week ------------------------------------------------------------------------------------------


def my_week_panels(user: User, f: InsightFilters) -> list[Panel]:
    visits = selectors.my_visits(user, f)
    for row in visits:
        week = row["week"]
        url = links.activities(
            None, week, week + datetime.timedelta(days=6), kind="on_site_visit", person=user.pk, status="done"
        )
        row["links"] = {"visits": Link(url, "count")}
    hours = selectors.my_hours(user, f)
    monday, sunday = selectors.week_bounds(f.as_of)
    hour_links = {
        status: {"hours": Link(links.activities(None, monday, sunday, owner=user.pk, status=status), "hours_sum")}
        for status in ("done", "planned")
    }
    steps = selectors.my_steps_due(user, f)
    requests = selectors.my_requests(user, f)
    panels = [
        Panel(
            key="steps",
            title=_("My steps due this week"),
            columns=[
                Col("step", _("Step")),
                Col("opportunity", _("Opportunity")),
                Col("due_date", _("Due"), "date"),
                Col("status", _("Status"), phone=False),
            ],
            rows=[
                {
                    "url": step.get_absolute_url(),
                    "step": str(step.definition),
                    "opportunity": step.opportunity.name,
                    "due_date": step.due_date,
                    # A step due before today is marked as overdue, not only dated.
                    "status": (
                        _("Overdue · %(status)s") % {"status": step.get_status_display()}
                        if step.is_overdue(f.as_of)
                        else step.get_status_display()
                    ),
                }
                for step in steps
            ],
        ),
        Panel(
            key="my_requests",
            title=_("My open support requests"),
            columns=[
                Col("request", _("Request")),
                Col("opportunity", _("Opportunity"), phone=False),
                Col("needed_by", _("Needed by"), "date"),
                Col("status", _("Status")),
            ],
            rows=[
                {
                    "url": item.get_absolute_url(),
                    "request": item.get_kind_display(),
                    "opportunity": item.opportunity.name,
                    "needed_by": item.needed_by,
                    "status": item.get_status_display(),
                }
                for item in requests
            ],
        ),
        Panel(
            key="visits",
            title=_("Customer visits against quota"),
            note=_("On-site visits you owned or joined, per week; your quota is %(quota)s a week.")
            % {"quota": user.weekly_visit_quota},
            columns=[
                Col("week", _("Week of"), "week"),
                Col("visits", _("Visits"), "int"),
                Col("quota", _("Quota"), "int"),
            ],
            rows=visits,
            chart=render_chart(
                kind="bar",
                labels=[week_label(row["week"]) for row in visits],
                series=[
                    (_("Visits"), [row["visits"] for row in visits]),
                    (_("Quota"), [row["quota"] for row in visits]),
                ],
                label=_("Customer visits against quota"),
            ),
        ),
        Panel(
            key="hours",
            title=_("My hours this week"),
            columns=[Col("label", _("Hours")), Col("hours", _("Hours"), "hours")],
            rows=[
                {"label": _("Done"), "hours": hours["done"], "links": hour_links["done"]},
                {"label": _("Planned"), "hours": hours["planned"], "links": hour_links["planned"]},
                {"label": _("Capacity"), "hours": hours["capacity"]},
            ],
            chart=render_chart(
                kind="horizontal_bar",
                labels=[_("Done"), _("Planned"), _("Capacity")],
                series=[(_("Hours"), [hours["done"], hours["planned"], hours["capacity"]])],
                label=_("My hours this week"),
            ),
        ),
    ]
    score = score_panel(user, f)
    if score is not None:
        panels.append(score)
    return panels


def score_panel(user: User, f: InsightFilters) -> Panel | None:
    """A presales engineer's scorecard of this month (docs/domain.md, Scorecards)."""
    if user.role not in (Role.PRESALES, Role.PRESALES_MANAGER):
        return None
    card = scorecard_for(user, "month", f.as_of.replace(day=1))
    parts = [
        (_("Results"), card.results_score, card.weights.get("results")),
        (_("Visits"), card.visits_score, card.weights.get("visits")),
        (_("Capability"), card.capability_score, card.weights.get("capability")),
        (_("Sales rating"), card.rating_score, card.weights.get("rating")),
    ]
    if card.weights.get("technical"):  # the optional part shows once it is weighed
        parts.append((_("Technical win rate"), card.technical_score, card.weights.get("technical")))
    parts.append((_("Total"), card.composite, None))
    url = reverse("scoring:scorecard", args=[user.pk]) + f"?kind=month&start={card.start.isoformat()}#explanation"
    rows = [
        {
            "part": str(name),
            "score": float(score) if score is not None else None,
            "weight": weight,
            "links": {"score": Link(url)},
        }
        for name, score, weight in parts
    ]
    return Panel(
        key="score",
        title=_("My score this month"),
        note=_(
            "Scorecard parts out of 100 and their weights; the total weighs them, a part without data left out. "
            "Each score opens your scorecard, which shows how it is worked out."
        ),
        columns=[Col("part", _("Part")), Col("score", _("Score"), "int"), Col("weight", _("Weight (%)"), "int")],
        rows=rows,
        chart=render_chart(
            kind="horizontal_bar",
            labels=[str(row["part"]) for row in rows],
            series=[(_("Score"), [row["score"] for row in rows])],
            label=_("My score this month"),
            range=(0, 100),
        ),
    )


# --- Win / loss -----------------------------------------------------------------------------------------


def win_loss_panels(user: User, f: InsightFilters) -> list[Panel]:
    reasons = selectors.outcome_reasons(user, f)
    competitors = selectors.competitor_win_rates(user, f)
    industries = selectors.win_rate_by(user, f, "industry")
    regions = selectors.win_rate_by(user, f, "region")
    for row in reasons:
        params = {"reason": row["reason_id"]}
        row["links"] = {
            "won": Link(links.closed_deals(f, "won", f.start, f.end, **params), "count"),
            "lost": Link(links.closed_deals(f, "lost", f.start, f.end, **params), "count"),
            "count": Link(links.closed_deals(f, "decided", f.start, f.end, **params), "count"),
        }
    for row in competitors:
        params = {"competitor": row["competitor_id"]}
        row["links"] = {
            "won": Link(links.closed_deals(f, "won", f.start, f.end, **params), "count"),
            "lost": Link(links.closed_deals(f, "lost", f.start, f.end, **params), "count"),
            "deals": Link(links.closed_deals(f, "decided", f.start, f.end, **params), "count"),
        }
    for by, rows in (("industry", industries), ("region", regions)):
        for row in rows:
            params = {by: row["key"]}
            won = links.closed_deals(f, "won", f.start, f.end, **params)
            row["links"] = {
                "won": Link(won, "count"),
                "lost": Link(links.closed_deals(f, "lost", f.start, f.end, **params), "count"),
                "won_amount": Link(won, "amount_sum"),
            }
    rate_columns = [
        Col("won", _("Won"), "int"),
        Col("lost", _("Lost"), "int"),
        Col("win_rate", _("Win rate"), "percent"),
    ]
    return [
        Panel(
            key="reasons",
            title=_("Why deals were won or lost"),
            columns=[Col("reason", _("Reason")), *rate_columns[:2], Col("count", _("Deals"), "int")],
            rows=reasons,
            chart=render_chart(
                kind="horizontal_bar",
                labels=[row["reason"] for row in reasons[:10]],
                series=[
                    (_("Won"), [row["won"] for row in reasons[:10]]),
                    (_("Lost"), [row["lost"] for row in reasons[:10]]),
                ],
                label=_("Why deals were won or lost"),
                no_data=_("No closed deals"),
            ),
            wide=True,
        ),
        Panel(
            key="competitors",
            title=_("Competitors faced and our win rate"),
            columns=[Col("competitor", _("Competitor")), Col("deals", _("Deals"), "int"), *rate_columns],
            rows=competitors,
            chart=render_chart(
                kind="horizontal_bar",
                labels=[row["competitor"] for row in competitors[:12]],
                series=[(_("Win rate"), [row["win_rate"] for row in competitors[:12]])],
                label=_("Competitors faced and our win rate"),
                formatter=percent_formatter,
                range=(0, 100),
                no_data=_("No competitors recorded"),
            ),
        ),
        Panel(
            key="industries",
            title=_("Win rate by industry"),
            columns=[Col("label", _("Industry")), *rate_columns, Col("won_amount", _money_title(_("Won"), f), "money")],
            rows=industries,
            chart=render_chart(
                kind="bar",
                labels=[row["label"] for row in industries],
                series=[(_("Win rate"), [row["win_rate"] for row in industries])],
                label=_("Win rate by industry"),
                formatter=percent_formatter,
                range=(0, 100),
                no_data=_("No closed deals"),
            ),
        ),
        Panel(
            key="regions",
            title=_("Win rate by region"),
            columns=[Col("label", _("Region")), *rate_columns, Col("won_amount", _money_title(_("Won"), f), "money")],
            rows=regions,
            chart=render_chart(
                kind="bar",
                labels=[row["label"] for row in regions],
                series=[(_("Win rate"), [row["win_rate"] for row in regions])],
                label=_("Win rate by region"),
                formatter=percent_formatter,
                range=(0, 100),
                no_data=_("No closed deals"),
            ),
        ),
    ]


@functools.lru_cache(maxsize=256)
def _technical_chart(
    title: str, labels: tuple[str, ...], rates: tuple[float | None, ...], series: str, no_data: str
) -> SafeString:
    """A technical win rate chart. Kept per process by its inputs (the SVG is a function of them): drawing the four
    charts took as long as reading the stored figures and building the tables together."""
    return render_chart(
        kind="horizontal_bar",
        labels=labels,
        series=[(series, rates)],
        label=title,
        formatter=percent_formatter,
        range=(0, 100),
        no_data=no_data,
    )


def technical_panels(user: User, f: InsightFilters) -> list[Panel]:
    """The panels of the technical win dashboard (panels.DASHBOARDS["technical"])."""
    counts = [
        Col("assessed", _("Assessed"), "int"),
        Col("wins", _("Technical wins"), "int"),
        Col("ties", _("Ties"), "int", phone=False),
        Col("losses", _("Technical losses"), "int", phone=False),
        Col("win_rate", _("Technical win rate"), "percent"),
    ]
    # One read of the stored figures (or one computation) behind every panel.
    data = technical.figures(user, f)
    phases = technical.by_phase(user, f, data)
    panels = [
        Panel(
            key="phases",
            title=_("Technical verdicts by phase"),
            note=_("Technical win rate = technical wins ÷ (wins + ties + losses); not assessed counts in neither."),
            columns=[Col("label", _("Phase")), *counts, Col("not_assessed", _("Not assessed"), "int", phone=False)],
            rows=phases,
        )
    ]
    titles = {
        "lead": (_("Technical win rate by presales lead (at close)"), _("Presales lead")),
        "team": (_("Technical win rate by presales team (at close)"), _("Presales team")),
        "product_line": (_("Technical win rate by product line (at close)"), _("Product line")),
        "competitor": (_("Technical win rate against each competitor (at close)"), _("Competitor")),
    }
    for dimension, (title, heading) in titles.items():
        rows = technical.rates_by(user, f, dimension, data=data)
        shown = rows[:12]
        panels.append(
            Panel(
                key=f"by_{dimension}",
                title=title,
                columns=[Col("label", heading), *counts],
                rows=rows,
                chart=_technical_chart(
                    str(title),
                    tuple(row["label"] for row in shown),
                    tuple(row["win_rate"] for row in shown),
                    str(_("Technical win rate")),
                    str(_("No technical verdicts")),
                ),
            )
        )
    total, lost = technical.technical_win_commercial_loss(user, f, data)
    panels.append(
        Panel(
            key="won_technically_lost",
            title=_("Technical win, commercial loss"),
            note=_("Deals we won technically and lost all the same: a signal for sales more than for presales."),
            columns=[
                Col("deal", _("Opportunity")),
                Col("competitor", _("Against")),
                Col("loss_reason", _("Why the deal was lost")),
                Col("reasons", _("Technical verdict reasons"), phone=False),
                Col("lead", _("Presales lead"), phone=False),
            ],
            rows=lost,
            figures=[
                {
                    "label": _("Deals"),
                    "value": total,
                    "link": Link(
                        technical.verdict_list_url(
                            f, phase=VerdictPhase.CLOSE, verdict=Verdict.WIN, outcome=Outcome.LOST
                        ),
                        "count",
                    ),
                }
            ],
            wide=True,
        )
    )
    return panels


DASHBOARDS: dict[str, Dashboard] = {
    "sales": Dashboard("sales", gettext_lazy("Sales pipeline"), True, sales_panels),
    "presales": Dashboard("presales", gettext_lazy("Presales team"), True, presales_panels),
    "mine": Dashboard("mine", gettext_lazy("My week"), False, my_week_panels),
    "winloss": Dashboard("winloss", gettext_lazy("Win / loss"), False, win_loss_panels),
    "technical": Dashboard("technical", gettext_lazy("Technical win"), False, technical_panels),
}


def dashboard_for_role(user: User) -> str:
    """The dashboard a person's home page shows."""
    if user.role == Role.PRESALES_MANAGER:
        return "presales"
    if user.role in (Role.SALES_MANAGER, Role.ADMIN) or user.is_superuser:
        return "sales"
    return "mine"


def can_see(user: User, dashboard: Dashboard) -> bool:
    return not dashboard.managers_only or access.can_see_team_dashboards(user)
