"""The overview in its three formats from one report: the web page and the PDF from the same template
(templates/find/overview/), the PDF by WeasyPrint with the print stylesheet, the Word document by word.py.

Each is made once per version of the data and kept (a few, most recently used, per process): the version is
Find's index state (which triggers change with any record) and the notable practice choices.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import func, select

from app.extensions import db
from app.models import FindIndexState, NotablePractice
from app.services.find.overview import regions, word
from app.services.find.overview.model import OverviewReport

CHART_FONT = "Arial, sans-serif"  # app/charts.py's and regions.py's
PRINT_FONT = "Liberation Sans"  # static/fonts/, declared in static/css/overview-print.css
KEPT = 8  # documents kept per process, most recently used
_lock = threading.Lock()


def data_version() -> tuple[Any, ...] | None:
    """What the overview depends on, or None when it cannot be known (nothing is then kept)."""
    version = db.session.scalar(select(FindIndexState.version).where(FindIndexState.id == 1))
    if version is None:
        return None
    notable = db.session.execute(
        select(func.count(NotablePractice.id), func.max(NotablePractice.chosen_at))
    ).one()
    return (version, notable[0], notable[1].isoformat() if isinstance(notable[1], datetime) else None)


def kept(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """`make()`, or what it made before for the same key and data version."""
    version = data_version()
    if version is None:
        return make()
    cache: OrderedDict[tuple[Any, ...], Any] = current_app.extensions.setdefault(
        "overview_documents", OrderedDict()
    )
    full_key = (version, *key)
    with _lock:
        if full_key in cache:
            cache.move_to_end(full_key)
            return cache[full_key]
    made = make()
    with _lock:
        cache[full_key] = made
        while len(cache) > KEPT:
            cache.popitem(last=False)
    return made


def context(report: OverviewReport) -> dict[str, Any]:
    return {"report": report, "map_svg": regions.map_svg(report.regions)}


def page_body(report: OverviewReport) -> Markup:
    """The web page's overview under its title (the page around it is the reader's own: their sign-out link,
    their CSRF token). Kept like the other formats: at 5,000 projects it took 1.4 s to render each time
    (bench/README.md)."""
    return Markup(render_template("find/overview/_body.html", link=True, **context(report)))  # noqa: S704 (a template's output)


def html_document(report: OverviewReport) -> str:
    """The standalone document WeasyPrint prints: links in it are absolute, to the service."""
    static = Path(current_app.static_folder or "")
    document = render_template(
        "find/overview/document.html",
        link=False,
        stylesheet=(static / "css" / "overview-print.css").as_uri(),
        **context(report),
    )
    # The charts name the fonts a browser has; the PDF embeds the font shipped with the service instead, so
    # that no system font (which may lack a character, or differ between machines) is used.
    return document.replace(f'font-family="{CHART_FONT}"', f'font-family="{PRINT_FONT}"')


def pdf_bytes(report: OverviewReport) -> bytes:
    """A tagged PDF (PDF/UA-1) with the shipped fonts embedded, bookmarks from the headings, page numbers,
    table headers repeated on each page and the charts' descriptions in words."""
    from weasyprint import HTML  # imported when first needed: it loads Pango

    static = Path(current_app.static_folder or "")
    document = HTML(
        string=html_document(report), base_url=static.as_uri() + "/", url_fetcher=_static_only(static)
    )
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True))


def _static_only(static: Path) -> Any:
    """WeasyPrint may read the stylesheet and fonts it was given, and nothing else: nothing is downloaded."""
    from weasyprint.urls import URLFetcher

    allowed = static.resolve().as_uri() + "/"

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(allowed) or ".." in url:
                raise ValueError(f"The overview may not read {url}")
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=("file",))


def docx_bytes(report: OverviewReport) -> bytes:
    return word.docx_bytes(report)
