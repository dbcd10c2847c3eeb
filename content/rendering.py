"""Markdown to safe HTML for notes: markdown-it-py renders, then nh3 (ammonia) keeps an allowlist.

markdown-it-py follows CommonMark, so nested lists work with two or four spaces of indent, with
the GitHub extras people type: tables, ~~strikethrough~~, bare links (linkify) and task lists
(``- [ ]`` / ``- [x]``). Fenced code with a language is highlighted here, on the server, by Pygments
(classes only; the colours are ``static/vendor/pygments.css``).

Raw HTML typed into a note passes through Markdown untouched, so the sanitiser is what makes the
output safe: only the tags, attributes and classes below survive, links get ``rel="noopener
noreferrer nofollow"``, and only http(s) and mailto URLs are kept. Task checkboxes are put in after
the sanitiser, from placeholders that carry a per-render random nonce, so typed HTML can neither
forge one nor shift their numbering: box ``data-task="n"`` is the n-th task item in the source, which
``set_task`` flips. Notes store the result (and a plain-text summary) when saved.
"""

from __future__ import annotations

import html
import re
import secrets
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

SUMMARY_LENGTH = 240
HIGHLIGHT_MAX_CHARS = 100_000  # longer code blocks are shown plain (highlighting costs CPU)

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "span",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {
    "span": {name for name in STANDARD_TYPES.values() if name},  # Pygments token classes
    "pre": {"highlight"},
    "ul": {"contains-task-list"},
    "li": {"task-list-item"},
}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    filter_style_properties={"text-align"},  # table column alignment
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)
_formatter = HtmlFormatter(nowrap=True)


def _highlight(code: str, language: str, attrs: Any) -> str:
    """Pygments spans for a fenced block with a known language; "" leaves it plain."""
    if not language or len(code) > HIGHLIGHT_MAX_CHARS:
        return ""
    try:
        lexer = get_lexer_by_name(language.split()[0])
    except ClassNotFound:
        return ""
    return f'<pre class="highlight"><code>{highlight(code, lexer, _formatter)}</code></pre>\n'


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "highlight": _highlight})
    return md.enable(["table", "strikethrough", "linkify"]).use(tasklists_plugin)


_md = _parser()


def _task_items(tokens: list[Token]) -> list[tuple[Token, Token]]:
    """(list item, its inline token) of every task item, in source order."""
    return [
        (token, tokens[index + 2])
        for index, token in enumerate(tokens)
        if token.type == "list_item_open" and token.attrGet("class") == "task-list-item"
    ]


def render_markdown(text: str) -> str:
    """Sanitised HTML for the Markdown ``text``, task items as numbered checkboxes."""
    nonce = secrets.token_hex(8)
    tokens = _md.parse(text)
    for number, (_, inline) in enumerate(_task_items(tokens)):
        box = inline.children[0]  # type: ignore[index]  (the plugin puts its checkbox first)
        done = "checked" in box.content
        box.type, box.content = "text", f"tkbox{nonce}n{number}{'x' if done else 'o'}"
    clean = _cleaner.clean(_md.renderer.render(tokens, _md.options, {}))

    def checkbox(match: re.Match[str]) -> str:
        checked = " checked" if match.group(2) == "x" else ""
        return f'<input type="checkbox" class="task-box" data-task="{match.group(1)}"{checked}>'

    return re.sub(rf"tkbox{nonce}n(\d+)([xo])", checkbox, clean).rstrip("\n")


_TASK_MARKER = re.compile(r"^((?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[([ xX])\]")


def set_task(text: str, index: int, done: bool) -> str | None:
    """``text`` with task item ``index`` (0-based, as numbered by ``render_markdown``) ticked or
    unticked; the same text if it already was; None if there is no such task item."""
    items = _task_items(_md.parse(text))
    if not 0 <= index < len(items) or items[index][0].map is None:
        return None
    lines = text.split("\n")
    number = items[index][0].map[0]
    match = _TASK_MARKER.match(lines[number])
    if match is None:
        return None
    lines[number] = f"{match.group(1)}[{'x' if done else ' '}]{lines[number][match.end() :]}"
    return "\n".join(lines)


def plain_text(rendered: str, limit: int = SUMMARY_LENGTH) -> str:
    """The words of rendered HTML, whitespace collapsed, cut at ``limit`` characters (list previews)."""
    words = " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
