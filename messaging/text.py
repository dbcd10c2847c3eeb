"""Rules for what users type: message bodies, @mentions, reaction emoji and ids in parameters."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings

from messaging.errors import MessagingError

# Django usernames allow letters, digits and @.+-_; a trailing dot is the end of a sentence.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
EMOJI_MAX_LENGTH = 16
# Emoji are symbols (So, Sk for skin tones) joined by ZWJ (Cf) and variation selectors (Mn).
EMOJI_CATEGORIES = {"So", "Sk", "Mn", "Cf"}
# ASCII digits only (str.isdigit accepts "²"), and short enough for a 64-bit database column.
ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """A positive database id from a query parameter, form field or socket frame, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ID.fullmatch(value) or int(value) == 0:
        return None
    return int(value)


def clean_body(body: object) -> str:
    """The body to store: trailing whitespace trimmed, not empty, at most ``MESSAGE_MAX_LENGTH``."""
    if not isinstance(body, str):
        raise MessagingError("A message must be text.")
    text = body.replace("\r\n", "\n").rstrip()
    if not text.strip():
        raise MessagingError("Write something before sending.")
    limit = settings.MESSAGE_MAX_LENGTH
    if len(text) > limit:
        raise MessagingError(f"A message can be at most {limit} characters (this one has {len(text)}).")
    return text


def mentioned_usernames(body: str) -> set[str]:
    """Lower-cased usernames written as ``@name`` in ``body``."""
    return {name.rstrip(".").lower() for name in MENTION.findall(body) if name.rstrip(".")}


def clean_emoji(emoji: object) -> str:
    """A reaction emoji, or MessagingError: short, and made only of non-ASCII symbol characters."""
    if not isinstance(emoji, str) or not emoji or len(emoji) > EMOJI_MAX_LENGTH:
        raise MessagingError("Pick an emoji.")
    if any(ord(ch) < 128 or unicodedata.category(ch) not in EMOJI_CATEGORIES for ch in emoji):
        raise MessagingError("Reactions must be emoji.")
    if not any(unicodedata.category(ch) == "So" for ch in emoji):
        raise MessagingError("Reactions must be emoji.")
    return emoji
