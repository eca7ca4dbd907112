"""Field declarations, and the rules of a kind of field, that recur across the apps' models, written once."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal, TypeVar, overload

from django.db import models

from presales.core.i18n import english_or

_M = TypeVar("_M", bound=models.Model)


@overload
def optional_link(
    to: type[_M], verbose_name: Any, *, related_name: str, on_delete: Any = ..., **options: Any
) -> models.ForeignKey[_M | None, _M | None]: ...


@overload
def optional_link(
    to: str, verbose_name: Any, *, related_name: str, on_delete: Any = ..., **options: Any
) -> models.ForeignKey[Any, Any]: ...


def optional_link(
    to: type[models.Model] | str,
    verbose_name: Any,
    *,
    related_name: str,
    on_delete: Any = models.SET_NULL,
    **options: Any,
) -> models.ForeignKey[Any, Any]:
    """A link that may be empty: null in the database, blank in forms, and by default emptied when what it points to
    is deleted (a person who ticked a step, a deal an activity was for, a request a booking serves). Given the model
    class, the field is typed like a ForeignKey written out; a field given a name ("self", a model further down the
    module) says its type in an annotation."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


@overload
def money_field(
    verbose_name: Any, *, null: Literal[False] = ..., **options: Any
) -> models.DecimalField[Any, Decimal]: ...


@overload
def money_field(
    verbose_name: Any, *, null: Literal[True], **options: Any
) -> models.DecimalField[Any, Decimal | None]: ...


def money_field(verbose_name: Any, *, null: bool = False, **options: Any) -> models.DecimalField[Any, Any]:
    """An amount of money (a deal's amount, a quota, a threshold): 16 digits, 2 of them after the point."""
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, null=null, **options)


# A JSON list of choice values (the industries an approval flow applies to, the roles a step consults).


def choice_labels(choices: type[models.Choices], values: Iterable[Any]) -> list[str]:
    """The labels of `values`; a value that is no longer one of the choices is shown as it is."""
    labels = dict(choices.choices)
    return [str(labels.get(value, value)) for value in values]


def unknown_choices(choices: type[models.Choices], values: Iterable[Any] | None) -> str:
    """The values that are not among `choices`, comma-separated; empty when every value is known."""
    return ", ".join(set(values or []) - set(choices.values))


class TextInReaderLanguage:
    """A read-only attribute for a text kept in two versions, `<name>` as written and `<name>_en` in English (a test
    case, a knowledge item): the English one for English readers when it is filled in, else the text as written."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> TextInReaderLanguage: ...

    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> str: ...

    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> TextInReaderLanguage | str:
        if instance is None:
            return self
        return english_or(getattr(instance, self.name), getattr(instance, f"{self.name}_en"))
