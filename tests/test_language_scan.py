"""One language at a time (issue 14, item 5): every main page of every demo role, in each language, shows no text
in the other language.

For each demo login (the seeded small demo) and each language, the test opens the pages of that person's menu, the
home page, the dashboards they may see, a deal (with the panels its page loads), an account, a tender, a POC, a
knowledge item, a support request, the rubric and playbook settings where allowed, and their profile; then it reads
the page as a person does (the text between tags and the title, placeholder, aria-label and alt attributes; not
scripts, styles or hidden values) and fails on:

- in the English UI, a run of Chinese characters;
- in the Chinese UI, a run of two or more English words, or an English word outside a short list of product terms.

What may stay is
- text marked as the other language (an element with its `lang` attribute: the language switch, and the two names
  of a reason or a playbook step on the pages where administrators keep both);
- user data: a run that is also found in what people typed, i.e. in the text columns of the database (customer,
  deal and people names, notes, knowledge articles: the demo company writes most of them in Chinese and its overseas
  team in English; the answers of checklist steps included). Not counted as user data are the rows the app ships in both languages and shows in the reader's
  one: stages, playbook steps, win/loss reasons, the test-case library, the capability rubric, playbook notes and
  tender submission items (the app's defaults), so a name shown in the wrong language there fails the test;
- the short ALLOWED lists below: the language switch, proper names and product terms.
"""

from __future__ import annotations

import html
import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from presales import access
from presales.bids.models import Poc, SubmissionItem, Tender, TestCase
from presales.customers.models import Account
from presales.deals.models import Opportunity, OutcomeReason
from presales.demo.people import DEMO_LOGINS
from presales.insights.panels import DASHBOARDS, can_see
from presales.knowledge.models import KnowledgeItem
from presales.people.models import User
from presales.playbook.models import PlaybookVersion, Stage, StepDefinition
from presales.scoring.models import CapabilityDimension
from presales.web.context_processors import NAVIGATION
from presales.work.models import SupportRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_demo"), pytest.mark.xdist_group("demo")]

# Rows the app ships in both languages and shows in the reader's language: never treated as user data.
BILINGUAL_DEFAULTS = (
    Stage,
    StepDefinition,
    OutcomeReason,
    TestCase,
    CapabilityDimension,
    PlaybookVersion,
    SubmissionItem,
)

# Chinese the English UI may show outside an element marked lang="zh-Hans": the name of the language in the
# profile's language choice, written in that language so its readers find it.
ALLOWED_CJK = {"简体中文"}
# English the Chinese UI may show: the product's name, and single words that are proper names, file formats and
# technical terms Chinese users write in English (time-zone identifiers such as America/New_York are left out).
ALLOWED_ENGLISH = {"Presales Hub"}
ALLOWED_WORDS = {
    # the product, file formats and exports
    "Presales", "Hub", "CSV", "XLSX", "xlsx", "Excel", "pdf", "PDF", "docx", "pptx", "png", "jpg", "jpeg", "txt", "zip",
    "UTF-", "GBK", "GB",
    # the names of systems and companies people connect to
    "CRM", "API", "api", "Webhook", "JSON", "POST", "X-Presales-Signature", "sha", "HMAC-SHA", "Authorization",
    "Bearer", "token", "Salesforce", "HubSpot", "Outlook", "Google", "Apple", "ID", "POC", "UTC", "HK",
    # the language choice names English in English
    "English",
}  # fmt: skip

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]*")
WORD = r"[A-Za-z][A-Za-z'’\-]*"
ENGLISH_RUN = re.compile(rf"{WORD}(?:[ ]{WORD})+")
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
ZONE_ID = re.compile(r"\b(?:Africa|America|Asia|Australia|Europe|Pacific)/[A-Za-z_/]+")
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->|<input[^>]*type=\"hidden\"[^>]*>", re.S | re.I)
SHOWN_ATTRIBUTE = re.compile(r'\s(?:title|placeholder|aria-label|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
LOADED = re.compile(r'hx-get="([^"]+)"[^>]*hx-trigger="load"')


def other_language(language: str) -> re.Pattern[str]:
    """Elements marked as written in the other language (not nested in one of their own kind)."""
    other = "en" if language != "en" else "zh-hans"
    return re.compile(rf'<(\w+)\b[^>]*\slang="{other}"[^>]*>.*?</\1\s*>', re.S | re.I)


def shown_text(page: str, language: str) -> list[str]:
    """The pieces of text a reader sees: between tags, and the attributes shown as text."""
    page = other_language(language).sub(" ", HIDDEN.sub(" ", page))
    attributes = [html.unescape(value) for value in SHOWN_ATTRIBUTE.findall(page)]
    pieces = [html.unescape(piece).strip() for piece in TAG.split(page)]
    return [piece for piece in pieces + attributes if piece]


def strings(value: object) -> list[str]:
    """Every string in a value (a row, a JSON answer)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in strings(item)]
    return []


def user_data() -> tuple[set[str], str]:
    """The Chinese runs and the English text of what people typed (every text column but the bilingual defaults)."""
    chinese: set[str] = set()
    english: list[str] = []
    for model in apps.get_models():
        if not model.__module__.startswith("presales.") or model in BILINGUAL_DEFAULTS:
            continue
        if model.__name__.startswith("Historical"):
            continue
        kinds = (models.CharField, models.TextField, models.JSONField)
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, kinds)]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in strings(row):
                chinese.update(CJK_RUN.findall(value))
                english.append(value)
    return chinese, "\n".join(english)


def pages_for(user: User) -> list[str]:
    pages = [reverse("web:home"), reverse("people:profile"), reverse("notifications:list")]
    for entry in NAVIGATION:
        if entry.raw_url or not entry.visible(user):
            continue  # the Django admin has Django's own translations
        pages.append(reverse(entry.url_name(user) if callable(entry.url_name) else entry.url_name))
    pages += [reverse("insights:dashboard", args=[key]) for key, board in DASHBOARDS.items() if can_see(user, board)]
    deals = Opportunity.objects.visible_to(user)
    for deal in (
        deals.filter(outcome="open").order_by("pk").first(),
        deals.exclude(outcome="open").order_by("pk").first(),
    ):
        if deal is not None:
            pages.append(deal.get_absolute_url())
    details = [
        (Account.objects.visible_to(user), "customers:account_detail"),
        (Tender.objects.visible_to(user), "bids:tender_detail"),
        (Poc.objects.visible_to(user), "bids:poc_detail"),
        (KnowledgeItem.objects.visible_to(user), "knowledge:detail"),
        (SupportRequest.objects.visible_to(user), "work:request_detail"),
    ]
    for queryset, name in details:
        row = queryset.order_by("pk").first()
        if row is not None:
            pages.append(reverse(name, args=[row.pk]))
    pages += [reverse("bids:test_cases"), reverse("playbook:stages"), reverse("bids:poc_list")]
    if access.can_edit_playbook(user):
        pages.append(reverse("playbook:settings"))
    if access.can_manage_outcome_reasons(user):
        pages.append(reverse("scoring:setup"))
    return list(dict.fromkeys(pages))


def findings(page: str, language: str, chinese_data: set[str], english_data: str, english_words: set[str]) -> set[str]:
    found = set()
    for piece in shown_text(page, language):
        if language == "en":
            for run in CJK_RUN.findall(piece):
                if run not in ALLOWED_CJK and run not in chinese_data and not (len(run) >= 4 and run in english_data):
                    found.add(run)
        else:
            piece = ZONE_ID.sub(" ", piece)
            for run in ENGLISH_RUN.findall(piece):
                if run not in ALLOWED_ENGLISH and run not in english_data:
                    found.add(run)
            for word in ENGLISH_WORD.findall(piece):
                if word not in ALLOWED_WORDS and word not in english_words:
                    found.add(word)
    return found


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_of_every_role_is_in_one_language(language):
    chinese_data, english_data = user_data()
    english_words = set(ENGLISH_WORD.findall(english_data))
    report: dict[str, set[str]] = {}
    opened = 0
    for username in DEMO_LOGINS:
        user = User.objects.get(username=username)
        user.language = language
        user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)
        for url in pages_for(user):
            response = client.get(url, follow=True)  # the insights index opens the person's first dashboard
            assert response.status_code == 200, f"{username} {url}: {response.status_code}"
            page = response.content.decode()
            parts = [(url, page)]
            for fragment in LOADED.findall(page):
                loaded = client.get(html.unescape(fragment), HTTP_HX_REQUEST="true")
                assert loaded.status_code == 200, f"{username} {fragment}"
                parts.append((html.unescape(fragment), loaded.content.decode()))
            for where, text in parts:
                opened += 1
                for run in findings(text, language, chinese_data, english_data, english_words):
                    report.setdefault(run, set()).add(f"{username} {where}")
    assert opened > 50
    lines = [f"{run!r}: {', '.join(sorted(places)[:3])}" for run, places in sorted(report.items())]
    assert not report, f"{len(report)} texts in the other language:\n" + "\n".join(lines)
