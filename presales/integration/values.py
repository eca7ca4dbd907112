"""The value-mapping step: for each mapped column whose values must match something of ours (a person, a stage, an
industry, a region, a currency), every distinct value in the file with its row count, an automatic match, and the
person's choice.

A choice is stored as a short token in `ImportJob.value_map[field][text]` and read back by the importers:

- people: ``me`` (the importing person), ``user:<pk>``, or ``""`` (leave empty: the owner is then the importing person,
  the presales lead stays empty);
- stage: ``stage:<number>``, ``step:<order>`` (at that playbook step: its stage, and the checklist done up to it),
  ``won``, ``lost``, ``abandoned``, ``probability`` (the open stage whose default probability is nearest the row's
  probability) or ``""`` (the first sales stage);
- industry, region, currency: our value (``finance``, ``east``, ``CNY``) or ``""``.

Automatic matches: people by username, e-mail, full name in either order and pinyin; stages by our names in both
languages, Salesforce and HubSpot stage names, the playbook's step names and finally the probability; industries and
regions by both languages and common synonyms. What finds no match gets the default the page announces before
anything is written: owners become the importing person, industries "Other".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from presales.customers.models import Industry, Region
from presales.deals.models import Currency
from presales.integration import mapping as m
from presales.people.models import User
from presales.playbook.models import PlaybookVersion, Stage, StepDefinition

PEOPLE_FIELDS = ("owner", "presales_lead")
VALUE_FIELDS = ("owner", "presales_lead", "stage", "industry", "region", "currency")
# At most this many values of one field are listed on the page (the most frequent); the rest match automatically.
MAX_LISTED = 200

ME, EMPTY, PROBABILITY = "me", "", "probability"
OUTCOME_TOKENS = ("won", "lost", "abandoned")


def _person_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\s.\-_·•,，'’]+", "", text)


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def person_keys(user: User) -> list[str]:
    """Every way a file may name this person: username, e-mail (and its local part), the names in either order,
    and the pinyin of a Chinese name in either order ("李伟" = "Li Wei" = "Wei Li" = "liwei")."""
    keys = [user.username, user.email, (user.email or "").split("@")[0]]
    names = [user.display_name, user.get_full_name(), f"{user.last_name}{user.first_name}"]
    if user.first_name and user.last_name:
        names += [f"{user.first_name} {user.last_name}", f"{user.last_name} {user.first_name}"]
    for name in names:
        if not name:
            continue
        keys.append(name)
        if _has_han(name):
            syllables = lazy_pinyin(re.sub(r"\s+", "", name))
            if len(syllables) >= 2:
                # Chinese names are surname first; Western exports often put the given name first.
                keys += ["".join(syllables), "".join(syllables[1:] + syllables[:1])]
        else:
            words = name.split()
            if len(words) == 2:
                keys.append(f"{words[1]}{words[0]}")
    return [key for key in (_person_key(k) for k in keys) if key]


@dataclass
class Matcher:
    """The tables automatic matches are looked up in, built once per job (people, stages, steps)."""

    people: dict[str, User] = field(default_factory=dict)
    users_by_pk: dict[int, User] = field(default_factory=dict)
    stage_names: dict[str, int] = field(default_factory=dict)
    step_names: dict[str, int] = field(default_factory=dict)
    steps: dict[int, StepDefinition] = field(default_factory=dict)
    stages: dict[int, Stage] = field(default_factory=dict)

    @classmethod
    def build(cls) -> Matcher:
        matcher = cls()
        # Exact identifiers first (usernames, e-mails), so a name never shadows somebody's username.
        users = list(User.objects.filter(is_active=True).order_by("pk"))
        for user in users:
            matcher.users_by_pk[user.pk] = user
            for key in (_person_key(user.username), _person_key(user.email)):
                if key:
                    matcher.people.setdefault(key, user)
        for user in users:
            for key in person_keys(user):
                matcher.people.setdefault(key, user)
        for stage in Stage.objects.order_by("number"):
            matcher.stages[stage.number] = stage
            for name in (stage.short_name, stage.short_name_en, stage.vendor_name, stage.vendor_name_en):
                if name:
                    matcher.stage_names.setdefault(m.normalise_header(name), stage.number)
        version = PlaybookVersion.objects.current()
        if version is not None:
            for step in version.steps.select_related("stage").order_by("order"):
                matcher.steps[step.order] = step
                for name in (step.name_zh, step.name_en):
                    if not name:
                        continue
                    matcher.step_names.setdefault(m.normalise_header(name), step.order)
                    # "初步接触(电话沟通,办事员级别)" is usually written "初步接触".
                    short = re.split(r"[(（]", name)[0]
                    if short:
                        matcher.step_names.setdefault(m.normalise_header(short), step.order)
        return matcher

    # --- automatic matches: a token, or None when nothing fits ----------------------------------------

    def match_person(self, text: str) -> str | None:
        user = self.people.get(_person_key(text))
        if user is None and _has_han(text):
            user = self.people.get(_person_key("".join(lazy_pinyin(text))))
        return f"user:{user.pk}" if user is not None else None

    def match_stage(self, text: str) -> str | None:
        raw = text.strip()
        number = re.match(r"^(\d{1,2})(?:\D|$)", raw)
        if number and int(number.group(1)) in self.stages and not raw.endswith("%"):
            return f"stage:{int(number.group(1))}"
        key = m.normalise_header(raw)
        if key in self.stage_names:
            return f"stage:{self.stage_names[key]}"
        if key in m.STAGE_ALIASES:
            alias, outcome = m.STAGE_ALIASES[key]
            if outcome != "open":
                return outcome
            return f"stage:{alias}" if alias in self.stages else None
        if key in self.step_names:
            return f"step:{self.step_names[key]}"
        percent = re.fullmatch(r"(\d{1,3})(?:\.\d+)?\s*%?", raw)
        if percent and 0 <= int(percent.group(1)) <= 100:
            stage = self.stage_for_probability(int(percent.group(1)))
            return f"stage:{stage.number}" if stage is not None else None
        return None

    def stage_for_probability(self, probability: int) -> Stage | None:
        """The open sales stage whose default probability is nearest (the earlier stage on a tie)."""
        open_stages = [s for s in self.stages.values() if not s.is_after_sale and s.number >= 2]
        if not open_stages:
            return None
        return min(open_stages, key=lambda s: (abs(s.default_probability - probability), s.number))

    def match(self, key: str, text: str) -> str | None:
        if key in PEOPLE_FIELDS:
            return self.match_person(text)
        if key == "stage":
            return self.match_stage(text)
        parser = {"industry": m.parse_industry, "region": m.parse_region, "currency": m.parse_currency}[key]
        try:
            return str(parser(text))
        except m.CellError:
            return None

    def default(self, key: str, *, probability_mapped: bool) -> str:
        """What an unmatched value becomes (the page says so before anything is written)."""
        if key == "owner":
            return ME
        if key == "industry":
            return str(Industry.OTHER)
        if key == "stage" and probability_mapped:
            return PROBABILITY
        return EMPTY


def field_choices(key: str, *, actor: User) -> list[tuple[str, Any]]:
    """What a value of this field may become, as (token, label) for the page's select."""
    if key in PEOPLE_FIELDS:
        people = [(f"user:{u.pk}", str(u)) for u in User.objects.filter(is_active=True).order_by("display_name", "pk")]
        first = [(ME, _("Me (%(name)s)") % {"name": actor}), (EMPTY, _("Leave empty"))]
        return [*first, *people]
    if key == "stage":
        stages = [
            (f"stage:{s.number}", f"{s.number} · {s.short_name_en if _english() else s.short_name}")
            for s in Stage.objects.filter(is_after_sale=False).order_by("number")
        ]
        version = PlaybookVersion.objects.current()
        steps = [
            (
                f"step:{d.order}",
                _("At step %(order)s: %(name)s") % {"order": d.order, "name": d.name_en if _english() else d.name_zh},
            )
            for d in (version.steps.order_by("order") if version else [])
        ]
        outcomes = [("won", _("Closed won")), ("lost", _("Closed lost")), ("abandoned", _("Abandoned"))]
        first = [(EMPTY, _("First sales stage")), (PROBABILITY, _("From the row's probability"))]
        return [*first, *stages, *outcomes, *steps]
    choices = {"industry": Industry.choices, "region": Region.choices, "currency": Currency.choices}[key]
    return [(EMPTY, _("Leave empty")), *[(value, str(label)) for value, label in choices]]


def _english() -> bool:
    return not (get_language() or "").startswith("zh")


@dataclass
class ValueRow:
    """One distinct value of a field in the file: its text, rows, the automatic match (None) and the choice."""

    field: str
    text: str
    rows: int
    automatic: str | None
    choice: str
    form_key: str = ""


@dataclass
class FieldValues:
    key: str
    label: Any
    column: str
    values: list[ValueRow]
    more: bool  # too many distinct values to list: each is matched automatically while importing
    hidden: int = 0  # listed values beyond MAX_LISTED (matched automatically)

    @property
    def unmatched(self) -> list[ValueRow]:
        return [value for value in self.values if value.automatic is None]


def value_fields(job: Any) -> list[FieldValues]:
    """The mapped value fields of a job with their distinct values, automatic matches and current choices."""
    matcher = Matcher.build()
    probability_mapped = "probability" in job.mapping
    labels = {spec.key: spec.label for spec in m.fields_for(job.kind)}
    result = []
    for key in VALUE_FIELDS:
        if key not in job.mapping or key not in labels:
            continue
        column = str(job.mapping[key])
        counts = job.value_counts.get(column, {"values": {}, "more": False})
        ordered = sorted(counts["values"].items(), key=lambda item: (-item[1], item[0]))
        chosen = job.value_map.get(key, {})
        rows = []
        for index, (text, count) in enumerate(ordered[:MAX_LISTED]):
            automatic = matcher.match(key, text)
            fallback = (
                automatic if automatic is not None else matcher.default(key, probability_mapped=probability_mapped)
            )
            rows.append(ValueRow(key, text, count, automatic, chosen.get(text, fallback), f"value_{key}_{index}"))
        header = job.headers[int(column)] if int(column) < len(job.headers) else column
        result.append(
            FieldValues(key, labels[key], header, rows, bool(counts.get("more")), max(0, len(ordered) - MAX_LISTED))
        )
    return result


def automatic_value_map(job: Any) -> dict[str, dict[str, str]]:
    """The value map the page starts from: every listed value's automatic match or its default."""
    return {fv.key: {row.text: row.choice for row in fv.values} for fv in value_fields(job)}


class Resolver:
    """Turns a cell of a value field into its token while importing: the person's choice, else the automatic match,
    else the default (values not listed on the page: a column with too many distinct values)."""

    MEMO_LIMIT = 10_000

    def __init__(self, job: Any):
        self.value_map: dict[str, dict[str, str]] = job.value_map or {}
        self.probability_mapped = "probability" in job.mapping
        self.active = [key for key in VALUE_FIELDS if key in job.mapping]
        self._matcher: Matcher | None = None
        self._memo: dict[tuple[str, str], str] = {}

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = Matcher.build()
        return self._matcher

    def resolve(self, key: str, text: str) -> str:
        chosen = self.value_map.get(key, {})
        if text in chosen:
            return chosen[text]
        memo_key = (key, text)
        if memo_key in self._memo:
            return self._memo[memo_key]
        token = self.matcher.match(key, text)
        if token is None:
            token = self.matcher.default(key, probability_mapped=self.probability_mapped)
        if len(self._memo) < self.MEMO_LIMIT:
            self._memo[memo_key] = token
        return token

    def apply(self, row: dict[str, str]) -> None:
        for key in self.active:
            text = row.get(key, "")
            if text:
                row[key] = self.resolve(key, text)


def clean_value_map(job: Any, chosen: dict[str, dict[str, str]], *, actor: User) -> dict[str, dict[str, str]]:
    """Keep only tokens the page offers for each field (a tampered form cannot name somebody else's record)."""
    allowed: dict[str, set[str]] = {}
    cleaned: dict[str, dict[str, str]] = {}
    for key, values in chosen.items():
        if key not in VALUE_FIELDS:
            continue
        if key not in allowed:
            allowed[key] = {token for token, _label in field_choices(key, actor=actor)}
        cleaned[key] = {text: token for text, token in values.items() if token in allowed[key]}
    return cleaned
