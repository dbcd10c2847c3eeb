"""Forms of the learning app: a path, a module, a resource card, a rating, and the browse filters."""

from __future__ import annotations

from typing import Any

from django import forms

from content import tagnames
from content.models import Bookmark, Note
from learning.models import MAX_TAGS, TAGS_MAX, LearningPath, Module, Rating, Resource

PICKER_SIZE = 300  # the creator's most recent bookmarks/notes offered as cards


class PathForm(forms.ModelForm):
    tags = forms.CharField(
        required=False, max_length=TAGS_MAX, help_text=f"Comma-separated, up to {MAX_TAGS}: python, testing."
    )

    class Meta:
        model = LearningPath
        fields = (
            "title",
            "description",
            "category",
            "difficulty",
            "estimated_minutes",
            "tags",
            "is_published",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"is_published": "Published paths are listed in the catalogue for everyone."}

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the path a title.")
        return title

    def clean_tags(self) -> str:
        names = [name.lower() for name in tagnames.parse(self.cleaned_data.get("tags", ""))]
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        joined = ", ".join(names)
        if len(joined) > TAGS_MAX:
            raise forms.ValidationError("These tags are too long together.")
        return joined

    def path_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ("title", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the module a title.")
        return title


class ResourceForm(forms.Form):
    """A card: a link (URL), or one of the creator's own bookmarks or notes."""

    kind = forms.ChoiceField(
        choices=Resource.Kind.choices, initial=Resource.Kind.LINK, widget=forms.RadioSelect
    )
    title = forms.CharField(required=False, max_length=200, help_text="Optional for bookmarks and notes.")
    url = forms.URLField(required=False, label="URL", assume_scheme="https")
    bookmark = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    note = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, creator_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creator_id = creator_id
        bookmarks = Bookmark.objects.filter(owner_id=creator_id).order_by("-updated_at")[:PICKER_SIZE]
        notes = Note.objects.filter(owner_id=creator_id).order_by("-updated_at")[:PICKER_SIZE]
        self.fields["bookmark"].choices = [("", "—")] + [
            (b.pk, b.title[:90]) for b in bookmarks.only("title")
        ]
        self.fields["note"].choices = [("", "—")] + [(n.pk, n.title[:90]) for n in notes.only("title")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == Resource.Kind.LINK:
            if not data.get("url"):
                self.add_error("url", "Enter the link's address.")
        elif kind == Resource.Kind.BOOKMARK:
            data["bookmark"] = Bookmark.objects.filter(
                owner_id=self.creator_id, pk=data.get("bookmark")
            ).first()
            if data["bookmark"] is None:
                self.add_error("bookmark", "Pick one of your bookmarks.")
        elif kind == Resource.Kind.NOTE:
            data["note"] = Note.objects.filter(owner_id=self.creator_id, pk=data.get("note")).first()
            if data["note"] is None:
                self.add_error("note", "Pick one of your notes.")
        return data

    def resource_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "kind": kind,
            "title": data.get("title", ""),
            "url": data.get("url", "") if kind == Resource.Kind.LINK else "",
            "bookmark": data.get("bookmark") if kind == Resource.Kind.BOOKMARK else None,
            "note": data.get("note") if kind == Resource.Kind.NOTE else None,
        }


class RatingForm(forms.ModelForm):
    stars = forms.TypedChoiceField(
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        label="Your rating",
    )

    class Meta:
        model = Rating
        fields = ("stars", "review")
        widgets = {"review": forms.Textarea(attrs={"rows": 3, "maxlength": 4000})}
        labels = {"review": "Review (optional)"}


class BrowseForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    category = forms.ChoiceField(
        required=False, choices=[("", "All categories"), *LearningPath.Category.choices]
    )
    difficulty = forms.ChoiceField(
        required=False, choices=[("", "Any level"), *LearningPath.Difficulty.choices]
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("popular", "Most learners"),
            ("rating", "Best rated"),
            ("new", "Newest"),
            ("title", "Title"),
        ],
    )

    def value(self, name: str) -> str:
        """The cleaned value, or empty when invalid (a bad filter shows everything, never fails)."""
        if not self.is_valid():
            return self.cleaned_data.get(name, "") if hasattr(self, "cleaned_data") else ""
        return self.cleaned_data.get(name) or ""
