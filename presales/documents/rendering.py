"""HTML to PDF with WeasyPrint, offline: no URL is ever fetched, the stylesheet comes from the app's static files.

WeasyPrint is imported here only, and only this module renders PDFs. Fonts: WeasyPrint asks fontconfig for the
families the stylesheet names; Chinese needs a CJK font, and the install provides one (Debian's
`fonts-wqy-microhei`, in the Dockerfile and CI; Noto Sans CJK is used first where it is installed).
"""

from __future__ import annotations

from functools import cache

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STYLESHEET = "documents/document.css"
# The document has no base URL of its own: relative links stay relative and nothing resolves to a server.
BASE_URL = "about:blank"


class OfflineFetcher(URLFetcher):
    """Refuses every URL (remote, file or data): a document may not make the server fetch anything."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> None:
        raise ValueError(f"documents fetch nothing: {url[:80]}")


@cache
def stylesheet_text() -> str:
    """The document stylesheet, read once from the app's static files (through the static files finders)."""
    path = finders.find(STYLESHEET)
    if not path:
        raise FileNotFoundError(STYLESHEET)
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render_pdf(html: str) -> bytes:
    """The PDF of one document page (A4, page numbers and header from the page's own @page rules)."""
    fetcher = OfflineFetcher()
    fonts = FontConfiguration()
    stylesheet = CSS(string=stylesheet_text(), url_fetcher=fetcher, font_config=fonts, media_type="print")
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher, media_type="print")
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
