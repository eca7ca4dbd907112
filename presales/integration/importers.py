"""Turning one mapped row into records, through the same services as the pages (permissions, validation, history).

Each importer gets the row's cells by field name, resolves links (accounts, deals, people, stages) and calls the
services. It returns "created", "updated" or "unchanged", or raises CellError / ValidationError /
PermissionDenied, which the runner shows as the row's error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.customers import services as customer_services
from presales.customers.models import Account, Contact
from presales.customers.names import normalize_account_name
from presales.deals import services as deal_services
from presales.deals.models import DealStep, Opportunity, Outcome, StepStatus
from presales.deals.services import deal_step_complete
from presales.integration import mapping as m
from presales.integration.models import ImportedRecord
from presales.people.models import User
from presales.playbook.models import AnswerKind
from presales.work import services as work_services
from presales.work.models import Activity, ActivityStatus

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _changed(instance: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs, so an unchanged row writes nothing and adds no history."""
    changes = {}
    for name, value in values.items():
        current = getattr(instance, name)
        if isinstance(current, Decimal) and value is not None:
            equal = current == Decimal(value)
        else:
            equal = current == value
        if not equal:
            changes[name] = value
    return changes


def _write_changes(existing: Any, values: dict[str, Any], update: Callable[..., Any]) -> str:
    """Update `existing` with the row's values through the service `update` (called with the changed fields)."""
    changes = _changed(existing, values)
    if not changes:
        return UNCHANGED
    update(**changes)
    return UPDATED


class RowImporter:
    """Shared lookups for one run: people and stages once, accounts by name once needed."""

    def __init__(self, *, actor: User, defaults: dict[str, str], lookups: m.Lookups):
        self.actor = actor
        self.defaults = defaults
        self.lookups = lookups
        self._account_names: dict[str, int] | None = None
        self.new_accounts = 0  # accounts this run creates (the preview says how many)

    def process(self, row: dict[str, str]) -> str:
        """Write one row through the services; each kind of record implements it."""
        raise NotImplementedError

    # --- helpers --------------------------------------------------------------------------------

    def owner(self, row: dict[str, str], key: str = "owner") -> User:
        """The row's owner; "me" (the value step's choice) or nobody named means the importing person."""
        value = row.get(key, "")
        return self.person(value) or self.actor

    def person(self, value: str) -> User | None:
        """A person from a cell or from the value step's choice ("me", "user:<pk>"); None for an empty cell."""
        if not value:
            return None
        if value == "me":
            return self.actor
        return self.lookups.user(value)

    def choice(self, row: dict[str, str], key: str, parser: Any) -> str:
        value = row.get(key, "")
        if value:
            return parser(value)
        if self.defaults.get(key):
            return self.defaults[key]
        raise m.CellError(_("%(field)s is missing.") % {"field": _field_label(key)})

    def _visible_account_by_name(self, name: str) -> int | None:
        if self._account_names is None:
            # One pass over the accounts the person can see; later rows look names up in memory.
            self._account_names = {}
            # Names are compared normalised (customers.names): "XX银行股份有限公司" is the account "XX银行".
            for pk, account_name in Account.objects.visible_to(self.actor).order_by("pk").values_list("pk", "name"):
                self._account_names.setdefault(normalize_account_name(account_name), pk)
        return self._account_names.get(normalize_account_name(name))

    def remember_account(self, account: Account) -> None:
        if self._account_names is not None:
            self._account_names.setdefault(normalize_account_name(account.name), account.pk)

    def find_account(self, *, external_id: str, name: str) -> Account | None:
        """The account with this external ID (it must be visible), else the visible account with this name."""
        if external_id:
            account = self.account_with_external_id(external_id)
            if account is not None:
                if not self.may_see_account(account):
                    raise PermissionDenied(
                        _("An account with external ID “%(id)s” exists and you cannot see it.") % {"id": external_id}
                    )
                return account
        if name:
            pk = self._visible_account_by_name(name)
            if pk is not None:
                account = self.account_by_pk(pk)
                if account is not None:
                    return account
                # Created by an earlier row whose savepoint was rolled back (that row failed after it): forget it.
                self.forget_account(name)
        return None

    # Where find_account reads accounts from; the bulk writers answer from what they loaded in advance.

    def account_with_external_id(self, external_id: str) -> Account | None:
        return Account.objects.filter(external_id=external_id).first()

    def may_see_account(self, account: Account) -> bool:
        return Account.objects.filter(pk=account.pk).visible_to(self.actor).exists()

    def account_by_pk(self, pk: int) -> Account | None:
        return Account.objects.filter(pk=pk).first()

    def forget_account(self, name: str) -> None:
        if self._account_names is not None:
            self._account_names.pop(normalize_account_name(name), None)

    def linked_account(self, row: dict[str, str], *, create: bool = True) -> Account:
        """The row's account, found by ID or name, or created (with the row's industry and region) when missing."""
        name, external_id = row.get("account_name", ""), row.get("account_external_id", "")
        if not name and not external_id:
            raise m.CellError(_("Account name is missing."))
        account = self.find_account(external_id=external_id, name=name)
        if account is not None:
            return account
        if not create or not name:
            raise m.CellError(_("No account “%(name)s” that you can see.") % {"name": name or external_id})
        if not access.can_create_account(self.actor):
            raise PermissionDenied(
                _("No account “%(name)s” that you can see, and you may not create accounts.") % {"name": name}
            )
        account = customer_services.account_create(
            actor=self.actor,
            name=name,
            external_id=external_id,
            industry=self.choice(row, "industry", m.parse_industry),
            region=self.choice(row, "region", m.parse_region),
        )
        self.remember_account(account)
        self.new_accounts += 1
        return account


def _field_label(key: str) -> str:
    for specs in m.FIELDS.values():
        for spec in specs:
            if spec.key == key:
                return str(spec.label)
    return key


class AccountImporter(RowImporter):
    def process(self, row: dict[str, str]) -> str:
        values, existing = self.parse(row)
        if existing is None:
            account = customer_services.account_create(actor=self.actor, **values)
            self.remember_account(account)
            self.new_accounts += 1
            return CREATED
        return _write_changes(
            existing,
            values,
            partial(customer_services.account_update, actor=self.actor, account=existing, expected_version=None),
        )

    def parse(self, row: dict[str, str]) -> tuple[dict[str, Any], Account | None]:
        """The account's field values from the row, and the account it matches (None for a new one)."""
        name = row.get("name", "")
        if not name:
            raise m.CellError(_("Name is missing."))
        values: dict[str, Any] = {"name": name}
        for key in ("short_name", "city", "website", "address", "notes", "external_id"):
            if row.get(key):
                values[key] = row[key]
        if row.get("is_key_account"):
            values["is_key_account"] = m.parse_bool(row["is_key_account"])
        if row.get("owner"):
            values["owner"] = self.owner(row)
        existing = self.find_account(
            external_id=row.get("external_id", ""), name="" if row.get("external_id") else name
        )
        if existing is None and row.get("external_id"):
            # Matched neither by ID: a name match still avoids a duplicate of an account entered by hand.
            existing = self.find_account(external_id="", name=name)
        if row.get("industry") or existing is None:
            values["industry"] = self.choice(row, "industry", m.parse_industry)
        if row.get("region") or existing is None:
            values["region"] = self.choice(row, "region", m.parse_region)
        return values, existing


class ContactImporter(RowImporter):
    def parse(self, row: dict[str, str]) -> dict[str, Any]:
        """The contact's field values from the row (the account is left out)."""
        name = row.get("name", "")
        if not name:
            first, last = row.get("first_name", ""), row.get("last_name", "")
            # Chinese names are surname first, written without a space.
            name = f"{last}{first}" if any("\u4e00" <= ch <= "\u9fff" for ch in last + first) else f"{first} {last}"
            name = name.strip()
        if not name:
            raise m.CellError(_("Name is missing."))
        values: dict[str, Any] = {"name": name}
        for key in ("title", "department", "phone", "email", "notes", "external_id"):
            if row.get(key):
                values[key] = row[key]
        return values

    def process(self, row: dict[str, str]) -> str:
        values = self.parse(row)
        name = values["name"]
        account = self.linked_account(row)
        external_id = row.get("external_id", "")
        existing = None
        if external_id:
            existing = Contact.objects.filter(external_id=external_id).select_related("account").first()
        if existing is None:
            existing = Contact.objects.filter(account=account, name=name).first()
        if existing is not None and not Contact.objects.filter(pk=existing.pk).visible_to(self.actor).exists():
            raise PermissionDenied(_("A contact with this external ID exists and you cannot see it."))
        if existing is None:
            customer_services.contact_create(actor=self.actor, account=account, **values)
            return CREATED
        return _write_changes(
            existing,
            values,
            partial(customer_services.contact_update, actor=self.actor, contact=existing, expected_version=None),
        )


class OpportunityImporter(RowImporter):
    def process(self, row: dict[str, str]) -> str:
        values, stage, outcome, step_order = self.parse(row)
        external_id = values.get("external_id", "")
        existing = Opportunity.objects.filter(external_id=external_id).first() if external_id else None
        if existing is not None and not Opportunity.objects.filter(pk=existing.pk).visible_to(self.actor).exists():
            raise PermissionDenied(
                _("An opportunity with external ID “%(id)s” exists and you cannot see it.") % {"id": external_id}
            )
        return self.write(row, values, stage, outcome, step_order, existing)

    def write(
        self,
        row: dict[str, str],
        values: dict[str, Any],
        stage: Any,
        outcome: str,
        step_order: int | None,
        existing: Opportunity | None,
    ) -> str:
        """Create or update the deal through the services, then close it or bring its checklist to its step."""
        close_date = values["expected_close_date"]
        values["account"] = self.linked_account(row)
        if existing is None:
            result = self._create(values, stage, outcome, close_date)
            opportunity = self._created
        else:
            result = self._update(existing, values, stage, outcome, close_date)
            opportunity = existing
        if self._carry_checklist(opportunity, stage, step_order, created=result == CREATED) and result == UNCHANGED:
            result = UPDATED
        return result

    def parse(self, row: dict[str, str]) -> tuple[dict[str, Any], Any, str, int | None]:
        """(the deal's field values, stage, outcome, playbook step it is at) from the row; the account is left out."""
        name = row.get("name", "")
        if not name:
            raise m.CellError(_("Opportunity name is missing."))
        if not row.get("expected_close_date"):
            raise m.CellError(_("Expected close date is missing."))
        close_date = m.parse_date(row["expected_close_date"])
        values: dict[str, Any] = {"name": name, "expected_close_date": close_date}
        if row.get("amount"):
            values["amount"] = m.parse_amount(row["amount"])
        if row.get("currency"):
            values["currency"] = m.parse_currency(row["currency"])
        if row.get("probability"):
            values["probability"] = m.parse_probability(row["probability"])
        for key in ("source", "description", "external_id"):
            if row.get(key):
                values[key] = row[key]
        if row.get("owner"):
            values["sales_owner"] = self.owner(row)
        if row.get("presales_lead"):
            values["presales_lead"] = self.person(row["presales_lead"])
        stage, outcome, step_order = self._stage(row, values)
        return values, stage, outcome, step_order

    def _stage(self, row: dict[str, str], values: dict[str, Any]) -> tuple[Any, str, int | None]:
        """(stage, outcome, playbook step the deal is at) from the stage cell or the value step's choice."""
        text = row.get("stage", "")
        if not text:
            return None, str(Outcome.OPEN), None
        if text.startswith("step:") and text[5:].isdigit():
            step = self.lookups.step(int(text[5:]))
            return step.stage, str(Outcome.OPEN), step.order
        if text == "probability":
            # Nothing else fitted: the open stage whose usual probability is nearest the row's.
            stage = self.lookups.stage_for_probability(values.get("probability"))
            return stage, str(Outcome.OPEN), None
        stage, outcome = self.lookups.stage(text)
        return stage, outcome, None

    def _carry_checklist(self, opportunity: Opportunity, stage: Any, step_order: int | None, *, created: bool) -> bool:
        """An open deal imported at a step (or a stage) has its checklist done up to there: True if steps changed."""
        if step_order is None and stage is not None:
            step_order = self.lookups.first_step_of_stage(stage.number)
        if not step_order or step_order <= 1:
            return False
        opportunity = Opportunity.objects.get(pk=opportunity.pk)
        if not opportunity.is_open:
            return False
        done = deal_services.deal_steps_done_before(
            actor=self.actor,
            opportunity=opportunity,
            order=step_order,
            reason=_("Done before the deal was imported."),
            enforce_permission=not created,  # creating it (for its owner) was allowed: so is its starting point
        )
        return bool(done)

    def _sales_stage(self, stage: Any) -> Any:
        # After-sale stages (implementation, collection) are reached only by a won deal, after closing.
        if stage is not None and stage.is_after_sale:
            return self.lookups.stages_by_number.get(6)
        return stage

    def _create(self, values: dict[str, Any], stage: Any, outcome: str, close_date: datetime.date) -> str:
        closing = outcome != Outcome.OPEN
        if closing:
            values.pop("probability", None)  # the close sets 100 or 0
        opportunity = deal_services.opportunity_create(actor=self.actor, stage=self._sales_stage(stage), **values)
        self._created = opportunity
        if closing:
            self._close(opportunity, outcome, close_date, created=True)
        if stage is not None and stage.is_after_sale:
            deal_services.opportunity_change_stage(
                actor=self.actor,
                opportunity=Opportunity.objects.get(pk=opportunity.pk),
                stage=stage,
                expected_version=None,
            )
        return CREATED

    def _update(
        self, existing: Opportunity, values: dict[str, Any], stage: Any, outcome: str, close_date: datetime.date
    ) -> str:
        if not existing.is_open:
            values.pop("probability", None)
        changes = _changed(existing, values)
        written = False
        if changes:
            existing = deal_services.opportunity_update(
                actor=self.actor, opportunity=existing, expected_version=None, **changes
            )
            written = True
        target = self._sales_stage(stage)
        if existing.is_open and target is not None and target.pk != existing.stage_id:
            existing = deal_services.opportunity_change_stage(
                actor=self.actor, opportunity=existing, stage=target, expected_version=None
            )
            written = True
        if existing.is_open and outcome != Outcome.OPEN:
            self._close(existing, outcome, close_date, created=False)
            written = True
        return UPDATED if written else UNCHANGED

    def _close(self, opportunity: Opportunity, outcome: str, close_date: datetime.date, *, created: bool) -> None:
        """Record a result the other system already knows; a win first completes the signing step, as on the page.

        A deal this row just created (perhaps for another owner, which creating allowed) is closed without the edit
        check; its checklist is done up to the signing step, and the signing step too when the importing person may
        not work it (its answer, the date and amount, then stays empty)."""
        reason = ""
        if outcome == Outcome.WON:
            step = (
                DealStep.objects.filter(opportunity=opportunity, definition__answer_kind=AnswerKind.SIGNED)
                .select_related("definition")
                .first()
            )
            if step is not None and step.status != StepStatus.DONE:
                done_reason = _("Done before the deal was imported.")
                if created:
                    deal_services.deal_steps_done_before(
                        actor=self.actor,
                        opportunity=opportunity,
                        order=step.definition.order,
                        reason=done_reason,
                        enforce_permission=False,
                    )
                if access.can_work_step(self.actor, step) or not created:
                    deal_step_complete(
                        actor=self.actor, step=step, answer={"date": close_date, "amount": opportunity.amount}
                    )
                else:
                    deal_services.deal_steps_done_before(
                        actor=self.actor,
                        opportunity=opportunity,
                        order=step.definition.order + 1,
                        reason=done_reason,
                        enforce_permission=False,
                    )
        else:
            reason = _("Imported as closed from another system.")
        opportunity = Opportunity.objects.get(pk=opportunity.pk)
        if opportunity.is_open:
            deal_services.opportunity_close(
                actor=self.actor,
                opportunity=opportunity,
                outcome=outcome,
                reason=reason,
                closed_on=min(close_date, timezone.localdate()),
                expected_version=None,
                enforce_permission=not created,
            )


class ActivityImporter(RowImporter):
    def process(self, row: dict[str, str]) -> str:
        values = self.parse(row)
        opportunity = self._opportunity(row)
        if opportunity is not None:
            values["opportunity"] = opportunity
        else:
            values["account"] = self.linked_account(row, create=False)
        return self.write(row, values)

    def parse(self, row: dict[str, str]) -> dict[str, Any]:
        """The activity's field values from the row (its deal or account are left out)."""
        if not row.get("kind"):
            raise m.CellError(_("Type is missing."))
        if not row.get("date"):
            raise m.CellError(_("Date is missing."))
        date = m.parse_date(row["date"])
        values: dict[str, Any] = {"kind": m.parse_work_type(row["kind"]), "date": date}
        values["hours"] = m.parse_hours(row["hours"]) if row.get("hours") else Decimal("2")
        if row.get("status"):
            values["status"] = m.parse_activity_status(row["status"])
        else:
            values["status"] = ActivityStatus.PLANNED if date > timezone.localdate() else ActivityStatus.DONE
        if row.get("outcome"):
            values["outcome"] = row["outcome"]
        return values

    def write(self, row: dict[str, str], values: dict[str, Any]) -> str:
        """Create the activity, or update the one this external ID became, through the services."""
        external_id = row.get("external_id", "")
        record = (
            ImportedRecord.objects.filter(kind=m.ImportKind.ACTIVITIES, external_id=external_id).first()
            if external_id
            else None
        )
        existing = Activity.objects.filter(pk=record.object_id).first() if record else None
        if existing is None:
            activity = work_services.activity_create(actor=self.actor, owner=self.owner(row), **values)
            if external_id:
                ImportedRecord.objects.update_or_create(
                    kind=m.ImportKind.ACTIVITIES, external_id=external_id, defaults={"object_id": activity.pk}
                )
            return CREATED
        if not Activity.objects.filter(pk=existing.pk).visible_to(self.actor).exists():
            raise PermissionDenied(_("An activity with this external ID exists and you cannot see it."))
        return _write_changes(
            existing,
            values,
            partial(work_services.activity_update, actor=self.actor, activity=existing, expected_version=None),
        )

    def _opportunity(self, row: dict[str, str]) -> Opportunity | None:
        visible = Opportunity.objects.visible_to(self.actor)
        if row.get("opportunity_external_id"):
            found = visible.filter(external_id=row["opportunity_external_id"]).first()
            if found is None:
                raise m.CellError(
                    _("No opportunity with external ID “%(id)s” that you can see.")
                    % {"id": row["opportunity_external_id"]}
                )
            return found
        if row.get("opportunity_name"):
            deals = visible.filter(name=row["opportunity_name"])
            if row.get("account_name"):
                deals = deals.filter(account__name=row["account_name"])
            found = deals.order_by("-pk").first()
            if found is None:
                raise m.CellError(_("No opportunity “%(name)s” that you can see.") % {"name": row["opportunity_name"]})
            return found
        return None


IMPORTERS: dict[str, type[RowImporter]] = {
    m.ImportKind.ACCOUNTS: AccountImporter,
    m.ImportKind.CONTACTS: ContactImporter,
    m.ImportKind.OPPORTUNITIES: OpportunityImporter,
    m.ImportKind.ACTIVITIES: ActivityImporter,
}


def row_outcome(
    number: int, row: dict[str, str], problems: list[str], *, write: Any, skip: set[int] | None, on_error: Any
) -> str:
    """What one row of a file comes to: "skipped" (the person chose to skip it), "errors" (reported to `on_error`,
    from reading the cells or from `write`), or what `write` returns (CREATED, UPDATED, UNCHANGED)."""
    if skip is not None and number in skip:
        return "skipped"
    if problems:
        on_error(number, problems)
        return "errors"
    try:
        return write(row)
    except (m.CellError, ValidationError, PermissionDenied) as error:
        on_error(number, error_messages(error))
        return "errors"


def error_messages(error: Exception) -> list[str]:
    """Any error a row raised as sentences for the preview."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [
                f"{_field_label(name)}: {message}" if name != "__all__" else message
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        return list(error.messages)
    if isinstance(error, PermissionDenied):
        return [str(error) or _("You are not allowed to write this record.")]
    return [str(error)]
