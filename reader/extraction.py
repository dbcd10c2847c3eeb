"""From a fetched page to a reader copy's fields: trafilatura finds the article, nh3 sanitises it.

trafilatura (rather than readability-lxml) because one pass gives the article as HTML and as plain
text plus its metadata (author, preview image), and it is actively maintained with published
extraction benchmarks; readability-lxml returns the article HTML and title only.

The stored HTML keeps structure and links only: no images (``img`` is not allowed, so the Read view
loads nothing from other hosts), no styles, scripts, frames or event attributes; links get
``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import nh3
import trafilatura

from content.metadata import FetchedPage, metadata_of

WORDS_PER_MINUTE = 200
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan", "rowspan"},
                      "th": {"colspan", "rowspan"}}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}


class NothingReadable(Exception):
    """The page has no article text trafilatura could find."""


@dataclass(frozen=True)
class Article:
    title: str
    byline: str
    html: str
    text: str
    reading_minutes: int
    image_url: str
    favicon_url: str


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def reading_minutes(text: str) -> int:
    words = len(text.split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0


def _web_url(url: str | None, base: str) -> str:
    absolute = urljoin(base, url or "")
    return absolute if url and urlsplit(absolute).scheme in ("http", "https") else ""


def extract(page: FetchedPage) -> Article:
    """The readable article of ``page``; ``NothingReadable`` when there is none."""
    options = {"url": page.final_url, "include_images": False, "include_comments": False}
    html = trafilatura.extract(page.text, output_format="html", include_links=True, **options)
    text = trafilatura.extract(page.text, output_format="txt", include_links=False, **options)
    if not html or not text or not text.strip():
        raise NothingReadable("no readable article text on the page")
    found = trafilatura.extract_metadata(page.text, default_url=page.final_url)
    head = metadata_of(page)
    return Article(
        title=(found.title if found and found.title else head.title)[:300],
        byline=(found.author if found and found.author else "")[:300],
        html=sanitise(html),
        text=text.strip(),
        reading_minutes=reading_minutes(text),
        image_url=_web_url(found.image if found else "", page.final_url)[:2048],
        favicon_url=head.favicon_url[:2048],
    )
