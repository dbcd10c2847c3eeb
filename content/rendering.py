"""Markdown to safe HTML for notes: Python-Markdown renders, then nh3 (ammonia) keeps an allowlist.

Raw HTML typed into a note passes through Markdown untouched, so the sanitiser is what makes the
output safe: only the tags and attributes below survive, links get ``rel="noopener noreferrer
nofollow"``, and only http(s) and mailto URLs are kept. Notes store the result when saved.
"""

from __future__ import annotations

import markdown
import nh3

MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)


def render_markdown(text: str) -> str:
    """Sanitised HTML for the Markdown ``text``."""
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return _cleaner.clean(html)
