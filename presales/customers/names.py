"""Account names compared as people mean them: "上海浦东银行股份有限公司" is "上海浦东银行", "ACME Co., Ltd." is "acme".

`normalize_account_name` is the one definition of "the same account name": the import matches rows to existing
accounts with it, and the duplicate-account warning can use it too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Legal-form endings, longest first so "股份有限公司" goes before "有限公司". Compared after NFKC and casefold.
LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "分公司",
    "总公司",
    "公司",
    "co ltd",
    "company limited",
    "corporation",
    "limited",
    "company",
    "corp",
    "inc",
    "ltd",
    "llc",
    "gmbh",
    "plc",
    "co",
)
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalize_account_name(name: str) -> str:
    """The comparison key of an account name: full-width to half-width, case, punctuation and spacing ignored, and
    the legal form at the end (有限公司, 股份有限公司, 分公司, Co., Ltd., Inc. …) dropped.

    A name that is nothing but a legal form keeps it, so "有限公司" never matches every company.
    """
    text = unicodedata.normalize("NFKC", name or "").casefold()
    # Punctuation becomes a space so "Co.,Ltd." and "Co., Ltd." both read "co ltd"; brackets go the same way.
    text = _SPACES.sub(" ", _PUNCTUATION.sub(" ", text)).strip()
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            if text == suffix:  # nothing but a legal form: keep it whole
                break
            if text.endswith(suffix):
                before = text[: -len(suffix)]
                # A Latin suffix must be a whole word ("Inc" in "Zinc" is not a legal form).
                if suffix.isascii() and before and not before.endswith(" "):
                    continue
                text = before.rstrip()
                changed = True
                break
    return text.replace(" ", "")


_ALIAS_SEPARATORS = re.compile(r"[,，;；、\n]+")


def split_aliases(text: str) -> list[str]:
    """Other names typed in one box: separated by commas (either width), semicolons, 、 or new lines."""
    return [part.strip() for part in _ALIAS_SEPARATORS.split(text or "") if part.strip()]


def name_keys(*names: str) -> str:
    """Every name's comparison key in one column, each between bars: "|华为|huawei|".

    A duplicate check asks for `|key|` exactly (the same name in any language); a search asks for part of a key, so
    "Huawei" finds the record named 华为 whose English name or alias is Huawei. Works the same on SQLite and PostgreSQL.
    """
    keys: list[str] = []
    for name in names:
        key = normalize_account_name(name)
        if key and key not in keys:
            keys.append(key)
    return f"|{'|'.join(keys)}|" if keys else ""


class NameKeysMixin:
    """For a model with names in both languages and aliases (accounts, competitors, product lines): `save()` keeps
    its `name_keys` column in step with every name, so searches and the duplicate check find it in either language.
    A model lists its name fields in NAME_FIELDS (in order; `aliases` is split into its names)."""

    NAME_FIELDS: tuple[str, ...] = ("name", "name_en", "aliases")
    name_keys: str

    def all_names(self) -> list[str]:
        names: list[str] = []
        for field in self.NAME_FIELDS:
            value = getattr(self, field)
            names += split_aliases(value) if field == "aliases" else [value]
        return names

    def refresh_name_keys(self) -> None:
        """Compute `name_keys` again (bulk_create does not call save(), so bulk writers call this themselves)."""
        self.name_keys = name_keys(*self.all_names())

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.NAME_FIELDS):
            kwargs["update_fields"] = {*update_fields, "name_keys"}
        super().save(*args, **kwargs)  # type: ignore[misc]  # the model's save, after this mixin in the MRO
