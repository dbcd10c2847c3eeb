"""Field types shared by the API's request schemas: the same limits as the forms and the models.

Every string rejects NUL characters and lone surrogates (PostgreSQL cannot store the first, UTF-8
cannot encode the second), so bad input is a 422 with the field named, never a database error.
Identifiers are bounded to the database's integer range, dates and times to years 1900-9998.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from pydantic import AfterValidator, Field, StringConstraints

from content import tagnames
from content.forms import DESCRIPTION_MAX
from content.models import TAG_NAME_MAX, TITLE_MAX, URL_MAX

MAX_ID = 10**18 - 1  # the dbid URL converter's bound: 18 digits fit a bigint
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)
_validate_url = URLValidator(schemes=["http", "https", "ftp", "ftps"])


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("The text is not valid Unicode.") from error
    return value


def _clean_url(value: str) -> str:
    value = value.strip()
    try:
        _validate_url(value)
    except DjangoValidationError as error:
        raise ValueError("Enter a full web address, such as https://example.com/page.") from error
    return value


def _clean_optional_url(value: str) -> str:
    return _clean_url(value) if value.strip() else ""


def _clean_tags(names: list[str]) -> list[str]:
    cleaned = tagnames.unique(names)
    if len(cleaned) > tagnames.MAX_TAGS_PER_ITEM:
        raise ValueError(f"Use at most {tagnames.MAX_TAGS_PER_ITEM} tags.")
    return cleaned


def _aware(value: dt.datetime) -> dt.datetime:
    """Naive times are UTC; the result is within years 1900-9998 (whatever its offset was)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        value = value.astimezone(dt.UTC)
    except OverflowError as error:
        raise ValueError("Pick a time between the years 1900 and 9998.") from error
    if not EARLIEST <= value <= LATEST:
        raise ValueError("Pick a time between the years 1900 and 9998.")
    return value


def _bounded_date(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError("Pick a date between the years 1900 and 9998.")
    return value


Text = Annotated[str, AfterValidator(_clean_text)]
Title = Annotated[str, StringConstraints(max_length=TITLE_MAX), AfterValidator(_clean_text)]
RequiredTitle = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX),
    AfterValidator(_clean_text),
]
LongText = Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX), AfterValidator(_clean_text)]
NoteText = Annotated[str, StringConstraints(max_length=1_000_000), AfterValidator(_clean_text)]
Url = Annotated[
    str,
    StringConstraints(min_length=1, max_length=URL_MAX),
    AfterValidator(_clean_text),
    AfterValidator(_clean_url),
]
OptionalUrl = Annotated[
    str,
    StringConstraints(max_length=URL_MAX),
    AfterValidator(_clean_text),
    AfterValidator(_clean_optional_url),
]
TagName = Annotated[str, StringConstraints(max_length=TAG_NAME_MAX), AfterValidator(_clean_text)]
TagNames = Annotated[list[TagName], Field(max_length=100), AfterValidator(_clean_tags)]
ItemId = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[dt.datetime, AfterValidator(_aware)]
Day = Annotated[dt.date, AfterValidator(_bounded_date)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
