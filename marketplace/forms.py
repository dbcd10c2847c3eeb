"""Marketplace forms: browse filters, publishing, editing an item, reviews.

Forms validate only; views pass the cleaned values to ``marketplace.services``. Browse filters never
fail: an unknown category or sort is ignored, so a hand-edited URL shows the full catalogue.
"""

from __future__ import annotations

from typing import Any

from django import forms

from marketplace import kinds, selectors
from marketplace.models import DESCRIPTION_MAX, REVIEW_MAX, TITLE_MAX, VERSION_MAX, Category, Item, Licence
from marketplace.services import MAX_TAGS, clean_tags

STAR_CHOICES = [(n, "★" * n) for n in range(5, 0, -1)]


class BrowseForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "All categories"), *Category.choices]
    )
    sort = forms.ChoiceField(label="Sort", required=False, choices=list(selectors.SORTS.items()))
    tag = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def filters(self) -> selectors.BrowseFilters:
        """The valid parts of the query; anything invalid is left out."""
        self.is_valid()
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return selectors.BrowseFilters(
            category=data.get("category") or "",
            q=" ".join((data.get("q") or "").split()),
            tag=(data.get("tag") or "").strip().lower(),
            sort=data.get("sort") or selectors.DEFAULT_SORT,
        )


class ItemTagsField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Tags")
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", f"Comma-separated, at most {MAX_TAGS}.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        raw = (super().clean(value) or "").split(",")
        if len([name for name in raw if name.strip()]) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        return clean_tags(raw)


class ItemDetailsForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=DESCRIPTION_MAX
    )
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER)
    tags = ItemTagsField()
    licence = forms.ChoiceField(choices=Licence.choices, initial=Licence.CC_BY)
    version = forms.CharField(max_length=VERSION_MAX, initial="1.0")

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Give the item a title.")
        return title

    def details(self) -> dict[str, Any]:
        """Keyword arguments for ``services.publish``/``update_item`` (``tags`` included)."""
        return {
            name: self.cleaned_data[name]
            for name in ("title", "description", "category", "licence", "version", "tags")
        }


class PublishForm(ItemDetailsForm):
    source = forms.ChoiceField()
    field_order = ["source", "title", "description", "category", "tags", "licence", "version"]

    def __init__(self, *args: Any, kind: kinds.ItemKind, owner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].label = kind.source_label
        self.fields["source"].choices = [("", "Choose…"), *kind.sources(owner_id)]


class ItemEditForm(ItemDetailsForm):
    refresh = forms.BooleanField(
        required=False,
        label="Replace the content with the current state of its source",
        help_text="Otherwise only the details above change.",
    )

    @classmethod
    def for_item(cls, item: Item, data: Any = None) -> ItemEditForm:
        initial = {
            "title": item.title,
            "description": item.description,
            "category": item.category,
            "licence": item.licence,
            "version": item.version,
            "tags": [tag.name for tag in item.tags.all()],
        }
        return cls(data, initial=initial)


class ReviewForm(forms.Form):
    stars = forms.TypedChoiceField(choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect, label="Rating")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=REVIEW_MAX, label="Review"
    )
