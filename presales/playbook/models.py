"""Process definitions: the eight paired stages of the customer's procurement and our sales process."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from presales.core.models import BaseModel


def _localised(zh: str, en: str) -> str:
    if en and (get_language() or "").startswith("en"):
        return en
    return zh


class Stage(BaseModel):
    """One row of PRODUCT.md §3.1: a customer procurement stage and the vendor sales stage paired with it."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short_name = models.CharField(_("short name"), max_length=50)
    short_name_en = models.CharField(_("short name (English)"), max_length=50, blank=True)
    customer_name = models.CharField(_("customer procurement stage"), max_length=200)
    customer_name_en = models.CharField(_("customer procurement stage (English)"), max_length=200, blank=True)
    customer_department = models.CharField(_("customer department"), max_length=50, blank=True)
    customer_department_en = models.CharField(_("customer department (English)"), max_length=50, blank=True)
    vendor_name = models.CharField(_("vendor sales stage"), max_length=200)
    vendor_name_en = models.CharField(_("vendor sales stage (English)"), max_length=200, blank=True)
    vendor_department = models.CharField(_("vendor department"), max_length=50, blank=True)
    vendor_department_en = models.CharField(_("vendor department (English)"), max_length=50, blank=True)
    default_probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    is_after_sale = models.BooleanField(
        _("after the sale"), default=False, help_text=_("Implementation and collection follow a signed deal.")
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    @property
    def label(self) -> str:
        """Short name for boards and filters."""
        return _localised(self.short_name, self.short_name_en)

    @property
    def vendor(self) -> str:
        """Our sales stage in the article's words: department, then what it does."""
        return f"{_localised(self.vendor_department, self.vendor_department_en)}: {_localised(self.vendor_name, self.vendor_name_en)}"

    @property
    def customer(self) -> str:
        """The customer's procurement stage in the article's words."""
        return f"{_localised(self.customer_department, self.customer_department_en)}: {_localised(self.customer_name, self.customer_name_en)}"
