"""Default texts stored in a database column shown in the reader's language.

Some rows start from a translatable default (a tender's submission checklist, the first playbook version's note):
the text is stored in the language of the person who created the row, and people edit it afterwards. When the stored
text is still one of the defaults, in any of the site's languages, `in_reader_language` shows that default in the
reader's language; text someone typed is shown as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language

# id(defaults) -> {the default's text in each language: the lazy default}. The defaults are module constants.
_tables: dict[int, dict[str, Any]] = {}


def _table(defaults: Sequence[Any]) -> dict[str, Any]:
    table = _tables.get(id(defaults))
    if table is None:
        table = {}
        for default in defaults:
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    table[str(default).strip()] = default
        _tables[id(defaults)] = table
    return table


def in_reader_language(value: str, defaults: Sequence[Any]) -> str:
    """`value` translated to the active language when it is one of `defaults` (lazy strings) in any language."""

    found = _table(defaults).get((value or "").strip())
    return str(found) if found is not None else value


def english_or(text: str, english: str) -> str:
    """A text people keep in two versions (a test case, a knowledge item): the English one for English readers when
    it is filled in, else the text as written."""

    return english if english and (get_language() or "").startswith("en") else text
