"""Search parameters from a query string, and the saved-search name form.

Every parameter is checked here, so a bad value gives a clear message instead of an error page: an
unknown kind, status or priority, a malformed date, a start date after the end date. A query longer
than ``MAX_QUERY_LENGTH`` is shortened (with a notice), control characters and NUL bytes become
spaces, and ``page``/``per_page`` are read leniently (a bad page is page 1). The query's operators
(search.query.parse) join the filters of the same name: ``tag:a`` adds a required tag, ``type:note``
a kind, ``is:unread`` sets the flag unless the form's own field already did.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from content.models import Task
from search.models import KIND_CHOICES
from search.query import (
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_LENGTH,
    MAX_TAGS,
    MAX_WORDS,
    PAGE_SIZE,
    ParsedQuery,
    SearchParams,
    clamp_int,
    count_words,
    parse,
    words,
)

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9998, 12, 31)
LIST_FIELDS = ("kind", "tag", "status", "priority")
FLAG_FIELDS = ("favorite", "read", "pinned")


class QueryField(forms.CharField):
    """Free text; control characters (NUL included) become spaces before any validation."""

    def to_python(self, value: Any) -> str:
        return _CONTROL.sub(" ", str(super().to_python(value)))


class TagNamesField(forms.Field):
    """Zero or more tag names (``?tag=a&tag=b``), lowercased; an item must carry all of them."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[str]:
        names = [_CONTROL.sub(" ", str(name)).strip().lower() for name in value or []]
        return list(dict.fromkeys(name for name in names if name))

    def validate(self, value: list[str]) -> None:
        if len(value) > MAX_TAGS:
            raise forms.ValidationError(f"Pick at most {MAX_TAGS} tags.")
        if any(len(name) > 100 for name in value):
            raise forms.ValidationError("A tag name has at most 100 characters.")


class BoundedDateField(forms.DateField):
    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(f"Pick a date between {EARLIEST.year} and {LATEST.year}.")


class SearchForm(forms.Form):
    q = QueryField(required=False, strip=True)
    kind = forms.MultipleChoiceField(choices=KIND_CHOICES, required=False)
    tag = TagNamesField(required=False)
    since = BoundedDateField(required=False, label="From")
    until = BoundedDateField(required=False, label="To")
    favorite = forms.ChoiceField(choices=YES_NO, required=False, label="Favourite")
    read = forms.ChoiceField(choices=YES_NO, required=False)
    status = forms.MultipleChoiceField(choices=Task.Status.choices, required=False)
    priority = forms.MultipleChoiceField(choices=Task.Priority.choices, required=False)
    pinned = forms.ChoiceField(choices=YES_NO, required=False)

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.notices: list[str] = []
        self.parsed = ParsedQuery()

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if len(text) > MAX_QUERY_LENGTH:
            cut = text[: MAX_QUERY_LENGTH + 1]
            text = (cut.rsplit(" ", 1)[0] if " " in cut else cut)[:MAX_QUERY_LENGTH].rstrip()  # whole words
            self.notices.append(f"Your search was shortened to {MAX_QUERY_LENGTH} characters.")
        self.parsed = parse(text)
        if self.parsed.errors:
            raise forms.ValidationError(self.parsed.errors)
        if len(self.parsed.tags) > MAX_TAGS or any(len(name) > 100 for name in self.parsed.tags):
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tag: operators of at most 100 characters.")
        free = self.parsed.text
        if count_words(free) > MAX_WORDS:
            self.notices.append(f"Only the first {MAX_WORDS} words are searched.")
        elif free and not words(free):
            self.notices.append("Search for letters or digits: punctuation alone matches nothing.")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "q" in data and "tag" in data and len({*data["tag"], *self.parsed.tags}) > MAX_TAGS:
            self.add_error("tag", f"Pick at most {MAX_TAGS} tags, tag: operators included.")
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data

    def params(self, page: str | None = None, per_page: str | None = None) -> SearchParams:
        """The validated search (call after ``is_valid()``)."""
        data = self.cleaned_data
        flag = {"yes": True, "no": False}
        parsed = self.parsed
        flags = {name: flag.get(data[name], parsed.flags.get(name)) for name in FLAG_FIELDS}
        return SearchParams(
            terms=words(parsed.text),
            excluded=parsed.excluded,
            phrases=parsed.phrases,
            kinds=tuple(dict.fromkeys([*data["kind"], *parsed.kinds])),
            tags=tuple(dict.fromkeys([*data["tag"], *parsed.tags])),
            since=data["since"],
            until=data["until"],
            statuses=tuple(data["status"]),
            priorities=tuple(data["priority"]),
            **flags,
            page=clamp_int(page, 1, 1, MAX_PAGE),
            per_page=clamp_int(per_page, PAGE_SIZE, 1, MAX_PER_PAGE),
        )

    def canonical(self) -> dict[str, list[str]]:
        """The non-empty cleaned parameters as query-string lists (saved searches, links)."""
        result: dict[str, list[str]] = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            result[name] = [str(v) for v in value] if name in LIST_FIELDS else [str(value)]
        return result


def querystring(params: dict[str, list[str]], **changes: list[str]) -> str:
    """``params`` with some parameters replaced (an empty list removes one), URL-encoded in the
    form's field order (saved parameters come back from JSON in any order)."""
    merged = {**params, **changes}
    return urlencode({name: merged[name] for name in in_form_order(merged) if merged[name]}, doseq=True)


def in_form_order(params: dict[str, Any]) -> list[str]:
    """The names of ``params`` in the search form's field order (then ``page``, then the rest)."""
    order = {name: position for position, name in enumerate([*SearchForm.base_fields, "page"])}
    return sorted(params, key=lambda name: order.get(name, len(order)))


class SavedSearchForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True, help_text="For example “Unread Python links”.")

    def clean_name(self) -> str:
        name = " ".join(_CONTROL.sub(" ", self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError("Give the search a name.")
        return name
