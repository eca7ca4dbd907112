"""The bulk path for large imports: the same rules as the services, written in batches of a few thousand rows.

A file above PRESALES_IMPORT_BULK_THRESHOLD rows (500 by default) of a kind listed in BULK_WRITERS goes through
here instead of one service call per row (about 50 rows/s, so 30+ minutes for 100,000 rows). Each row is still
converted by the importer's helpers, resolved against the same lookups and validated with the model's
`full_clean()` plus the rules the services add (permission to create once per job, permission to edit per
existing record with the visibility helpers, teams derived from the owner, the version bumped on updates). Only
valid rows reach `bulk_create_with_history` / `bulk_update_with_history`, so the audit trail records the import
with the importing person as history_user. CONVENTIONS.md allows this ("bulk writes where volume demands them,
producing only rows the services would accept"); tests/test_import_bulk.py checks a sample against the services.

Both passes use the same code: the check runs it inside the rolled-back transaction (as the services path does),
the import inside the job's one transaction. That keeps rows that refer to an earlier row of the same file (the
same external ID or name twice) behaving exactly as in the services path. Memory is bounded by the batch: the
file is streamed, errors go straight to the caller, and the only thing that grows with the file is the
name -> id index of accounts that the services path keeps as well.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from presales import access
from presales.core.bulkinsert import create_with_history
from presales.core.concurrency import full_clean
from presales.customers.models import Account, Contact
from presales.deals import services as deal_services
from presales.deals.models import Opportunity, Outcome
from presales.deals.services.opportunities import derive_teams
from presales.integration import mapping as m
from presales.integration.importers import (
    CREATED,
    UNCHANGED,
    UPDATED,
    AccountImporter,
    ActivityImporter,
    ContactImporter,
    OpportunityImporter,
    RowImporter,
    _changed,
    row_outcome,
)
from presales.integration.models import ImportedRecord
from presales.playbook.models import Stage
from presales.work.models import Activity

BATCH_SIZE = 2000
PROGRESS_EVERY = 250  # as the services path
# Foreign keys the bulk path resolves from dicts loaded once; full_clean would re-read each of them with a query.
ACCOUNT_RESOLVED_FKS = ["owner", "team"]

Row = tuple[int, dict[str, str], list[str]]
OnError = Callable[[int, list[str]], None]


def bulk_threshold() -> int:
    return int(getattr(settings, "PRESALES_IMPORT_BULK_THRESHOLD", 500))


def uses_bulk(kind: str, total_rows: int) -> bool:
    """Large files of a kind with a bulk writer; small ones keep the services path (one call per row)."""
    return kind in BULK_WRITERS and total_rows > bulk_threshold()


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class _BatchedWriter:
    """The loop of every bulk writer, as services._replay's but batch by batch: each batch is prefetched, its rows
    written (errors reported in row order, so the import fails on the same row), then flushed."""

    counts: dict[str, int]
    new_accounts: int

    def prefetch(self, batch: list[Row]) -> None:
        raise NotImplementedError

    def write_row(self, row: dict[str, str]) -> str:
        """Validate the row and queue what it writes (or write it); CREATED, UPDATED or UNCHANGED."""
        raise NotImplementedError

    def flush(self) -> None:
        raise NotImplementedError

    def run(self, rows: Iterable[Row], *, skip: set[int] | None, on_error: OnError, progress: Callable[[int], None]):
        done = 0
        for batch in _batches(rows, BATCH_SIZE):
            self.prefetch(batch)
            for number, row, problems in batch:
                done += 1
                if done % PROGRESS_EVERY == 0:
                    progress(done)
                self.counts[row_outcome(number, row, problems, write=self.write_row, skip=skip, on_error=on_error)] += 1
            self.flush()
        progress(done)
        self.counts["new_accounts"] = self.new_accounts
        return self.counts


class _AccountsKeptInMemory(RowImporter):
    """RowImporter.find_account with the accounts found by name kept in `accounts` (a few hundred accounts for
    100,000 deals); the writer adds the accounts its rows create."""

    accounts: dict[int, Account]

    def account_by_pk(self, pk: int) -> Account | None:
        if pk not in self.accounts:
            account = Account.objects.filter(pk=pk).first()
            if account is None:
                return None
            self.accounts[pk] = account
        return self.accounts[pk]


class BulkAccountWriter(_BatchedWriter, AccountImporter):
    """Accounts in batches: what AccountImporter + account_create/account_update do, row for row, in bulk."""

    def __init__(self, *, actor: Any, defaults: dict[str, str], lookups: m.Lookups):
        super().__init__(actor=actor, defaults=defaults, lookups=lookups)
        self.may_create = access.can_create_account(actor)  # account_create's check, once per job
        self.counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "skipped": 0, "errors": 0}

    # --- one batch ------------------------------------------------------------------------------------

    def prefetch(self, batch: list[Row]) -> None:
        """Load the batch's accounts by external ID (with their visibility) and by visible name, two queries each."""
        ids = {row.get("external_id", "") for _n, row, _p in batch} - {""}
        self.by_external_id: dict[str, Account] = {}
        # Ordered as the services path's `.first()` (Account.Meta.ordering is by name).
        for account in Account.objects.filter(external_id__in=ids).select_related("owner").order_by("name", "pk"):
            self.by_external_id.setdefault(account.external_id, account)
        found = [account.pk for account in self.by_external_id.values()]
        self.visible_pks = set(Account.objects.filter(pk__in=found).visible_to(self.actor).values_list("pk", flat=True))
        name_pks = {self._visible_account_by_name(row.get("name", "")) for _n, row, _p in batch if row.get("name")}
        self.by_pk: dict[int, Account] = Account.objects.select_related("owner").in_bulk(
            [pk for pk in name_pks if pk is not None]
        )
        self.by_pk.update({account.pk: account for account in self.by_external_id.values()})
        self.creates: list[Account] = []
        self.updates: list[Account] = []
        self.update_fields: set[str] = set()
        self.pending_names: set[str] = set()
        self.pending_ids: set[str] = set()
        self.touched: set[int] = set()

    # RowImporter.find_account, answered from the batch's prefetched dicts.

    def account_with_external_id(self, external_id: str) -> Account | None:
        return self.by_external_id.get(external_id)

    def may_see_account(self, account: Account) -> bool:
        return account.pk in self.visible_pks

    def account_by_pk(self, pk: int) -> Account | None:
        if pk not in self.by_pk:  # created after the prefetch (a flush in this batch)
            self.by_pk[pk] = Account.objects.get(pk=pk)
        return self.by_pk[pk]

    def flush(self) -> None:
        """Write what the batch has so far: inserts and updates, each with its history rows (history_user=actor)."""
        if self.creates:
            bulk_create_with_history(self.creates, Account, batch_size=BATCH_SIZE, default_user=self.actor)
            with_ids = [account for account in self.creates if account.external_id]
            # A later row with the same external ID meets the visibility check the services path would run.
            self.visible_pks |= set(
                Account.objects.filter(pk__in=[a.pk for a in with_ids])
                .visible_to(self.actor)
                .values_list("pk", flat=True)
            )
            for account in self.creates:
                self.remember_account(account)
                self.by_pk[account.pk] = account
            for account in with_ids:
                self.by_external_id.setdefault(account.external_id, account)
        if self.updates:
            fields = sorted(self.update_fields | {"version", "updated_at"})
            bulk_update_with_history(self.updates, Account, fields, batch_size=BATCH_SIZE, default_user=self.actor)
        self.creates, self.updates, self.update_fields = [], [], set()
        self.pending_names, self.pending_ids, self.touched = set(), set(), set()

    def _collides(self, row: dict[str, str]) -> bool:
        """Does this row refer to a record written earlier in the same batch (and not yet flushed)?"""
        external_id, name = row.get("external_id", ""), row.get("name", "").strip().casefold()
        return bool((external_id and external_id in self.pending_ids) or (name and name in self.pending_names)) or any(
            pk in self.touched for pk in self._candidate_pks(row)
        )

    def _candidate_pks(self, row: dict[str, str]) -> list[int]:
        candidates = []
        external_id = row.get("external_id", "")
        if external_id and external_id in self.by_external_id:
            candidates.append(self.by_external_id[external_id].pk)
        if row.get("name"):
            pk = self._visible_account_by_name(row["name"])
            if pk is not None:
                candidates.append(pk)
        return candidates

    def process_row(self, row: dict[str, str]) -> str:
        """AccountImporter.process with the service calls replaced by validated, queued bulk rows."""
        values, existing = self.parse(row)
        if existing is None:
            return self._create(values)
        return self._update(existing, values)

    def _create(self, values: dict[str, Any]) -> str:
        # customers.services.account_create, without the save.
        if not self.may_create:
            raise PermissionDenied
        values.setdefault("owner", self.actor)
        account = Account(**values)
        account.team_id = account.owner.team_id
        account.full_clean(exclude=ACCOUNT_RESOLVED_FKS)
        account.refresh_name_keys()  # bulk_create does not run Account.save()
        self.creates.append(account)
        self.pending_names.add(account.name.strip().casefold())
        if account.external_id:
            self.pending_ids.add(account.external_id)
        return CREATED

    def _update(self, existing: Account, values: dict[str, Any]) -> str:
        changes = _changed(existing, values)
        if not changes:
            return UNCHANGED
        # customers.services.account_update + core.concurrency.save_with_version_check (expected_version=None).
        if not access.can_edit_account(self.actor, existing):
            raise PermissionDenied
        if "owner" in changes:
            changes["team_id"] = changes["owner"].team_id
        # Validate a copy, so a row that fails leaves the loaded record untouched for the rows after it.
        candidate = Account(**{f.attname: getattr(existing, f.attname) for f in Account._meta.concrete_fields})
        candidate._state.adding, candidate._state.db = False, existing._state.db  # an existing row, not a new one
        for field_name, value in changes.items():
            setattr(candidate, field_name, value)
        candidate.full_clean(exclude=ACCOUNT_RESOLVED_FKS)
        for field_name, value in changes.items():
            setattr(existing, field_name, value)
        existing.version += 1
        existing.updated_at = timezone.now()  # bulk_update does not run auto_now
        self.updates.append(existing)
        self.update_fields |= {Account._meta.get_field(n).name for n in changes}
        if self.update_fields & set(Account.NAME_FIELDS):  # as Account.save() does for a rename
            existing.refresh_name_keys()
            self.update_fields.add("name_keys")
        return UPDATED

    # --- the whole file -------------------------------------------------------------------------------

    def write_row(self, row: dict[str, str]) -> str:
        if self._collides(row):
            # The row refers to one written earlier in this batch: write those first, as the services would.
            self.flush()
        result = self.process_row(row)
        if result == UPDATED:
            self.touched.add(self.updates[-1].pk)
        return result


PYTHON_CHECKED_CONSTRAINTS = {"opp_probability_0_100", "opp_amount_not_negative"}


class BulkOpportunityWriter(_AccountsKeptInMemory, _BatchedWriter, OpportunityImporter):
    """Opportunities in batches: new open deals are validated as `opportunity_create` does and written with
    `bulk_create_with_history`, their checklists with `deals.services.deal_playbooks_start_bulk` (done up to the
    step the deal is at). Rows that update an existing deal or bring a closed one go through the services, one by
    one in a savepoint (OpportunityImporter.write): they are rare in a first import and their rules (stage moves,
    closing, the signing step) are the services' own.

    The check (`write_checklists=False`) validates and inserts the deals but not their checklists: a checklist is
    derived from the deal and cannot make a row fail, and the check's transaction is rolled back anyway."""

    def __init__(self, *, actor: Any, defaults: dict[str, str], lookups: m.Lookups, write_checklists: bool = True):
        super().__init__(actor=actor, defaults=defaults, lookups=lookups)
        self.may_create = access.can_create_opportunity(actor)  # opportunity_create's check, once per job
        self.write_checklists = write_checklists
        self.counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "skipped": 0, "errors": 0}
        self.default_stage = Stage.objects.filter(is_after_sale=False, number__gte=2).order_by("number").first()
        self.accounts: dict[int, Account] = {}
        self.creates: list[Opportunity] = []
        self.done_before: list[int] = []
        self.pending_ids: set[str] = set()
        self.by_external_id: dict[str, Opportunity] = {}
        self.visible_pks: set[int] = set()
        # A constraint added to the model later is checked by Django (a query per row) until it is added here.
        self.constraints_in_python = {c.name for c in Opportunity._meta.constraints} == PYTHON_CHECKED_CONSTRAINTS

    def prefetch(self, batch: list[Row]) -> None:
        ids = {row.get("external_id", "") for _n, row, _p in batch} - {""}
        self.by_external_id = {}
        for deal in Opportunity.objects.filter(external_id__in=ids).order_by("pk"):
            self.by_external_id.setdefault(deal.external_id, deal)
        found = [deal.pk for deal in self.by_external_id.values()]
        self.visible_pks = set(
            Opportunity.objects.filter(pk__in=found).visible_to(self.actor).values_list("pk", flat=True)
        )

    def flush(self) -> None:
        if self.creates:
            create_with_history(self.creates, Opportunity, actor=self.actor)
            if self.write_checklists:
                deal_services.deal_playbooks_start_bulk(
                    opportunities=self.creates,
                    actor=self.actor,
                    done_before={
                        deal.pk: order for deal, order in zip(self.creates, self.done_before, strict=True) if order
                    },
                    reason=_("Done before the deal was imported."),
                )
        self.creates, self.done_before, self.pending_ids = [], [], set()

    def write_row(self, row: dict[str, str]) -> str:
        values, stage, outcome, step_order = self.parse(row)
        external_id = values.get("external_id", "")
        if external_id in self.pending_ids:
            self.flush()  # the same deal twice in one batch: write the first, then this row updates it
            self.by_external_id[external_id] = Opportunity.objects.filter(external_id=external_id).order_by("pk")[0]
            self.visible_pks.add(self.by_external_id[external_id].pk)
        existing = self.by_external_id.get(external_id) if external_id else None
        if existing is not None and existing.pk not in self.visible_pks:
            raise PermissionDenied(
                _("An opportunity with external ID “%(id)s” exists and you cannot see it.") % {"id": external_id}
            )
        if existing is not None or outcome != Outcome.OPEN or (stage is not None and stage.is_after_sale):
            with transaction.atomic():
                return self.write(row, values, stage, outcome, step_order, existing)
        if not self.may_create:
            raise PermissionDenied
        account = self.find_account(external_id=row.get("account_external_id", ""), name=row.get("account_name", ""))
        if account is None:
            with transaction.atomic():  # a new account: undone with the row if the deal is refused
                account = self.linked_account(row)
                self._new_deal(values, account, stage, step_order)
            self.accounts[account.pk] = account
        else:
            self._new_deal(values, account, stage, step_order)
        return CREATED

    def _new_deal(self, values: dict[str, Any], account: Account, stage: Any, step_order: int | None) -> None:
        # deals.services.opportunity_create, without the save: defaults, teams from the people, validation. The
        # account is visible to the actor: find_account only finds visible ones, and linked_account's are new.
        values["account"] = account
        values.setdefault("sales_owner", self.actor)
        values["stage"] = stage or self.default_stage
        if values.get("probability") is None:
            values["probability"] = values["stage"].default_probability
        derive_teams(values)
        deal = Opportunity(**values)
        if self.constraints_in_python:
            # The teams are the people's own (the database vouches for them); the two check constraints are
            # evaluated here rather than with one query each.
            full_clean(deal, unchanged={"team", "presales_team"}, changed=set())
            self._check_constraints(deal)
        else:
            full_clean(deal, unchanged={"team", "presales_team"})
        if step_order is None and stage is not None:
            step_order = self.lookups.first_step_of_stage(stage.number)
        self.creates.append(deal)
        self.done_before.append(step_order or 0)
        if deal.external_id:
            self.pending_ids.add(deal.external_id)

    @staticmethod
    def _check_constraints(deal: Opportunity) -> None:
        """Opportunity's CheckConstraints (PYTHON_CHECKED_CONSTRAINTS), with the message validate_constraints gives."""
        for constraint in Opportunity._meta.constraints:
            broken = (constraint.name == "opp_probability_0_100" and not 0 <= deal.probability <= 100) or (
                constraint.name == "opp_amount_not_negative" and deal.amount is not None and deal.amount < 0
            )
            if broken:
                raise ValidationError(constraint.get_violation_error_message())


class _NewRecordsInBulk(_BatchedWriter):
    """How the contact and activity writers write a row: it either becomes a new, validated record queued for
    `bulk_create_with_history` (returned by `plan`), or is written through the services in a savepoint (an update,
    or a row referring to a record queued in this batch: the batch is written first)."""

    model: Any
    actor: Any

    def setup(self) -> None:
        self.counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "skipped": 0, "errors": 0}
        self.creates: list[Any] = []
        self.accounts: dict[int, Account] = {}

    def plan(self, row: dict[str, str]) -> Any:
        """A new record to insert, or None when the row must go through `self.process` (the services)."""
        raise NotImplementedError

    def after_flush(self, created: list[Any]) -> None:
        """Rows that depend on the inserted records (their primary keys)."""

    def flush(self) -> None:
        if self.creates:
            bulk_create_with_history(self.creates, self.model, batch_size=BATCH_SIZE, default_user=self.actor)
            self.after_flush(self.creates)
        self.creates = []

    def write_row(self, row: dict[str, str]) -> str:
        with transaction.atomic():  # a row's new account goes with the row if it is refused
            record = self.plan(row)
            if record is not None:
                self.creates.append(record)
        if record is not None:
            return CREATED
        self.flush()  # outside the row's savepoint: a refused row must not undo the batch
        with transaction.atomic():
            return self.process(row)  # type: ignore[attr-defined]


class BulkContactWriter(_AccountsKeptInMemory, _NewRecordsInBulk, ContactImporter):
    """Contacts in batches: a new contact is validated as `contact_create` does (the right to edit the account's
    stakeholders, full_clean) and inserted in bulk with history; a row matching an existing contact (by external ID,
    or account and name) is written through ContactImporter and the services."""

    model = Contact

    def __init__(self, *, actor: Any, defaults: dict[str, str], lookups: m.Lookups):
        ContactImporter.__init__(self, actor=actor, defaults=defaults, lookups=lookups)
        self.setup()
        self.may_edit: dict[int, bool] = {}
        self.pending: set[Any] = set()
        self.known_ids: set[str] = set()
        self.known_names: set[tuple[int, str]] = set()

    def prefetch(self, batch: list[Row]) -> None:
        ids = {row.get("external_id", "") for _n, row, _p in batch} - {""}
        self.known_ids = set(Contact.objects.filter(external_id__in=ids).values_list("external_id", flat=True))
        names = {row.get("name", "") for _n, row, _p in batch} | {
            f"{row.get('last_name', '')}{row.get('first_name', '')}" for _n, row, _p in batch
        }
        names |= {f"{row.get('first_name', '')} {row.get('last_name', '')}".strip() for _n, row, _p in batch}
        self.known_names = set(Contact.objects.filter(name__in=names - {""}).values_list("account_id", "name"))

    def plan(self, row: dict[str, str]) -> Contact | None:
        values = self.parse(row)
        external_id = values.get("external_id", "")
        if external_id and (external_id in self.known_ids or external_id in self.pending):
            return None
        account = self.find_account(external_id=row.get("account_external_id", ""), name=row.get("account_name", ""))
        if account is not None:
            key = (account.pk, values["name"])
            if key in self.known_names or key in self.pending:
                return None  # an existing contact (or one queued in this batch): the services path updates it
        else:
            account = self.linked_account(row)  # a new account, so a new contact
            self.accounts[account.pk] = account
            key = (account.pk, values["name"])
        if account.pk not in self.may_edit:
            self.may_edit[account.pk] = access.can_edit_contacts(self.actor, account)
        if not self.may_edit[account.pk]:
            raise PermissionDenied
        contact = Contact(account=account, **values)
        full_clean(contact)
        self.pending.add(key)
        if external_id:
            self.pending.add(external_id)
        return contact

    def flush(self) -> None:
        super().flush()
        # What was inserted is found from now on (later rows naming it update it through the services path).
        self.known_ids |= {key for key in self.pending if isinstance(key, str)}
        self.known_names |= {key for key in self.pending if isinstance(key, tuple)}
        self.pending = set()


class BulkActivityWriter(_AccountsKeptInMemory, _NewRecordsInBulk, ActivityImporter):
    """Activities in batches: a new activity is validated as `activity_create` does (who may log work, for whom,
    on which deal or account, full_clean) and inserted in bulk with history, its external ID remembered in
    ImportedRecord; a row whose external ID was imported before is updated through ActivityImporter."""

    model = Activity

    def __init__(self, *, actor: Any, defaults: dict[str, str], lookups: m.Lookups):
        ActivityImporter.__init__(self, actor=actor, defaults=defaults, lookups=lookups)
        self.setup()
        self.may_log = access.can_log_activity(actor)
        self.may_log_for: dict[int, bool] = {}
        self.external_ids: list[str] = []
        self.pending_ids: set[str] = set()
        self.known_ids: set[str] = set()

    def prefetch(self, batch: list[Row]) -> None:
        ids = {row.get("external_id", "") for _n, row, _p in batch} - {""}
        self.known_ids = set(
            ImportedRecord.objects.filter(kind=m.ImportKind.ACTIVITIES, external_id__in=ids).values_list(
                "external_id", flat=True
            )
        )
        deal_ids = {row.get("opportunity_external_id", "") for _n, row, _p in batch} - {""}
        self.deals: dict[str, Opportunity] = {}
        visible = Opportunity.objects.visible_to(self.actor).filter(external_id__in=deal_ids).select_related("account")
        for deal in visible.order_by("pk"):
            self.deals.setdefault(deal.external_id, deal)

    def _opportunity(self, row: dict[str, str]) -> Opportunity | None:
        external_id = row.get("opportunity_external_id", "")
        if external_id and external_id in self.deals:
            return self.deals[external_id]
        return super()._opportunity(row)  # not found (its error message) or by name

    def plan(self, row: dict[str, str]) -> Activity | None:
        external_id = row.get("external_id", "")
        if external_id and (external_id in self.known_ids or external_id in self.pending_ids):
            return None
        values = self.parse(row)
        opportunity = self._opportunity(row)
        if opportunity is not None:
            values["opportunity"], values["account"] = opportunity, opportunity.account
        else:
            values["account"] = self.linked_account(row, create=False)
        owner = self.owner(row)
        # work.services.activity_create's rules, without the save.
        if not self.may_log:
            raise PermissionDenied(_("Only presales people log presales activities."))
        if owner.pk not in self.may_log_for:
            self.may_log_for[owner.pk] = access.can_log_activity_for(self.actor, owner)
        if not self.may_log_for[owner.pk]:
            raise PermissionDenied(_("Only a presales manager logs work for somebody else."))
        activity = Activity(owner=owner, **values)
        full_clean(activity)
        if external_id:
            self.pending_ids.add(external_id)
        self.external_ids.append(external_id)
        return activity

    def flush(self) -> None:
        super().flush()
        self.known_ids |= self.pending_ids
        self.pending_ids = set()
        self.external_ids = []

    def after_flush(self, created: list[Any]) -> None:
        records = [
            ImportedRecord(kind=m.ImportKind.ACTIVITIES, external_id=external_id, object_id=activity.pk)
            for activity, external_id in zip(created, self.external_ids, strict=True)
            if external_id
        ]
        ImportedRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)


BULK_WRITERS: dict[str, Any] = {
    m.ImportKind.CONTACTS: BulkContactWriter,
    m.ImportKind.ACTIVITIES: BulkActivityWriter,
    m.ImportKind.ACCOUNTS: BulkAccountWriter,
    m.ImportKind.OPPORTUNITIES: BulkOpportunityWriter,
}


def replay(
    job: Any, rows: Iterable[Row], *, skip: set[int] | None, on_error: OnError, progress: Any, checking: bool = False
) -> dict:
    """The bulk counterpart of services._replay: same counts, same errors, same progress file."""
    options = {"write_checklists": not checking} if job.kind == m.ImportKind.OPPORTUNITIES else {}
    writer = BULK_WRITERS[job.kind](actor=job.owner, defaults=job.defaults, lookups=m.Lookups.build(), **options)
    return writer.run(rows, skip=skip, on_error=on_error, progress=progress)
