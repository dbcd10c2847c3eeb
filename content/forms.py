"""Forms for content pages: item forms, list filters, tags, uploads, share links and imports.

Item forms validate only; views hand ``item_fields()`` and the parsed tag names to
``content.services``, which does the writing. Every choice of another row (a parent task, a parent
note, a merge target) is limited to the owner's own rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Model
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import Truncator

from content import sniff, tagnames
from content.models import URL_MAX, Bookmark, Note, Project, StoredFile, Tag, Task
from content.selectors import BOARD_STATUSES, bookmark_with_url, would_cycle
from content.uploads import UploadRejected, UploadTooLarge, check_upload, clean_file_name

DESCRIPTION_MAX = 20_000


class TagNamesField(forms.CharField):
    """Comma-separated tag names, cleaned to a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Tags")
        kwargs.setdefault("help_text", "Separate tags with commas, e.g. reading, Dev/Python.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": "tag-suggestions", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        names = tagnames.parse(super().clean(value) or "")
        if len(names) > tagnames.MAX_TAGS_PER_ITEM:
            raise forms.ValidationError(f"Use at most {tagnames.MAX_TAGS_PER_ITEM} tags.")
        return names


class ItemForm(forms.ModelForm):
    """Base of the item forms: owner-aware, with the tag names field prefilled on edit."""

    tag_names = TagNamesField()

    def __init__(self, *args: Any, owner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_id = owner_id
        if self.instance.pk and not self.is_bound:
            self.initial["tag_names"] = [tag.name for tag in self.instance.tags.all()]

    def item_fields(self) -> dict[str, Any]:
        """The cleaned model fields (tags excluded) to pass to the service."""
        return {
            name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data
        }


class ParentItemForm(ItemForm):
    """An item form with a ``parent`` choice limited to the owner's rows, refusing loops."""

    parent_model: type[Task] | type[Note]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = self.parent_model.objects.filter(owner_id=self.owner_id).order_by("title")
        if self.instance.pk:
            queryset = queryset.exclude(pk=self.instance.pk)
        field = self.fields["parent"]
        field.queryset = queryset.only("pk", "title")  # type: ignore[attr-defined]
        field.required = False

    def clean_parent(self) -> Model | None:
        parent = self.cleaned_data.get("parent")
        if parent is not None and would_cycle(self.parent_model, self.instance.pk, parent.pk):
            raise forms.ValidationError("That would put this item inside itself. Pick another parent.")
        return parent  # type: ignore[no-any-return]


class BookmarkForm(ItemForm):
    url = forms.URLField(label="URL", max_length=URL_MAX, assume_scheme="https")
    favicon_url = forms.URLField(
        label="Favicon URL", max_length=URL_MAX, required=False, assume_scheme="https"
    )

    class Meta:
        model = Bookmark
        fields = ("url", "title", "description", "favicon_url", "is_read", "is_favorite")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"title": "Leave empty to use the page's own title (or its address)."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.duplicate: Bookmark | None = None

    def clean_url(self) -> str:
        """An address the owner saved already is refused, with a link to that bookmark, unless
        "Save it again anyway" (``save_duplicate``, shown then) is ticked."""
        url: str = self.cleaned_data["url"]
        self.duplicate = bookmark_with_url(self.owner_id, url, exclude_pk=self.instance.pk)
        if self.duplicate is not None and not self.data.get("save_duplicate"):
            raise forms.ValidationError("You already saved this address.", code="duplicate")
        return url


class TaskForm(ParentItemForm):
    parent_model = Task

    class Meta:
        model = Task
        fields = (
            "title", "description", "status", "priority", "project", "due_date", "recurrence", "remind_at",
            "progress", "parent",
        )  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "remind_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        }
        labels = {"parent": "Subtask of"}
        help_texts = {
            "recurrence": "Completing a repeating task moves it to its next due date.",
            "remind_at": "A notification reaches you at this time (your time zone).",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        field.queryset = Project.objects.filter(owner_id=self.owner_id).order_by("name")  # type: ignore[attr-defined]
        field.required = False


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ("name", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, owner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_id = owner_id

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        clash = Project.objects.filter(owner_id=self.owner_id, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"You already have a project called “{name}”.")
        return name


class TaskMoveForm(forms.Form):
    """A move on a board: the column (status) and the place in it (0 = top)."""

    status = forms.ChoiceField(choices=[(s.value, s.label) for s in BOARD_STATUSES])
    position = forms.IntegerField(min_value=0, required=False)


class NoteForm(ParentItemForm):
    parent_model = Note

    class Meta:
        model = Note
        fields = ("title", "content", "is_pinned", "parent")
        widgets = {
            "content": forms.Textarea(
                attrs={
                    "rows": 14,
                    # Live preview: rendered by the server (same renderer as saving) after a pause.
                    "hx-post": reverse_lazy("content:note_preview"),
                    "hx-trigger": "input changed delay:800ms",
                    "hx-target": "#note-preview",
                    "hx-sync": "this:replace",
                }
            )
        }
        labels = {"parent": "Inside note"}
        help_texts = {
            "content": "Markdown: **bold**, _italic_, lists, - [ ] tasks, tables, ```python code```, links."
        }


class FileUploadForm(forms.Form):
    name = forms.CharField(
        max_length=255, required=False, help_text="Leave empty to keep the uploaded file's name."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=DESCRIPTION_MAX
    )
    tag_names = TagNamesField()
    upload = forms.FileField(label="File")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = False
        limit = filesizeformat(settings.CONTENT_UPLOAD_MAX_BYTES)
        self.fields[
            "upload"
        ].help_text = f"Up to {limit}. Images and PDFs open in the browser; other files download."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            try:
                data["content_type"] = check_upload(upload, clean_file_name(data.get("name") or upload.name))
            except UploadRejected as error:
                self.reject(error)
        return data

    def reject(self, error: UploadRejected) -> None:
        """Show why the upload was refused (also used for refusals found after validation)."""
        self.too_large = self.too_large or isinstance(error, UploadTooLarge)
        self.add_error("upload", str(error))


class FileEditForm(ItemForm):
    class Meta:
        model = StoredFile
        fields = ("name", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self) -> str:
        name = clean_file_name(self.cleaned_data["name"])
        try:
            sniff.check_claim(name, self.instance.content_type)
        except sniff.TypeMismatch as error:
            raise forms.ValidationError(str(error)) from error
        return name


EXPIRY_CHOICES = [
    ("", "Never expires"),
    ("1h", "Expires in 1 hour"),
    ("1d", "Expires in 1 day"),
    ("7d", "Expires in 7 days"),
    ("30d", "Expires in 30 days"),
]
_EXPIRY = {
    "1h": dt.timedelta(hours=1),
    "1d": dt.timedelta(days=1),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
}


class ShareLinkForm(forms.Form):
    expires = forms.ChoiceField(choices=EXPIRY_CHOICES, required=False, label="Link expiry")

    def expires_at(self) -> dt.datetime | None:
        delta = _EXPIRY.get(self.cleaned_data.get("expires") or "")
        return timezone.now() + delta if delta else None


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name", "color")
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}
        labels = {"color": "Colour"}
        help_texts = {"name": "A slash makes a path, e.g. Dev/Python."}

    def __init__(self, *args: Any, owner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_id = owner_id
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("color", tagnames.PALETTE[5])

    def clean_name(self) -> str:
        name = tagnames.normalize(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("A tag needs a name.")
        clash = Tag.objects.filter(owner_id=self.owner_id, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                f"You already have a tag called “{name}”. To combine the two, use Merge on this tag's page."
            )
        return name


class TagMergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Tag.objects.none(), label="Merge into", empty_label=None)

    def __init__(self, *args: Any, source: Tag, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Tag.objects.filter(owner_id=source.owner_id).exclude(pk=source.pk).order_by("name")
        )


class ImportForm(forms.Form):
    file = forms.FileField(label="File to import")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"Up to {filesizeformat(settings.CONTENT_IMPORT_MAX_BYTES)}."

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.CONTENT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(import_too_large_message())
        return upload


class AppImportForm(ImportForm):
    """An export of another app: which app, and the file."""

    source = forms.ChoiceField(label="From", choices=[("", "Choose the app…")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from content.importers.apps import SOURCES  # here: the readers import this module's limits

        self.fields["source"].choices = [("", "Choose the app…")] + [(k, s.label) for k, s in SOURCES.items()]
        self.order_fields(["source", "file"])


def import_too_large_message() -> str:
    return (
        f"This file is too large to import: the limit is {filesizeformat(settings.CONTENT_IMPORT_MAX_BYTES)}."
    )


# --- list filters ---------------------------------------------------------------------------

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
TAG_OPTION_CHARS = 32


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class FilterForm(forms.Form):
    """Query-string filters; an invalid value is ignored rather than reported (never an error)."""

    sort_choices: list[tuple[str, str]] = []
    tag = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    sort = forms.ChoiceField(required=False)

    def __init__(self, data: Any, *, tags: list[Tag]) -> None:
        super().__init__(data)
        # Cut long names: a select is as wide as its longest option (phones would scroll sideways).
        labels = ((tag.pk, Truncator(tag.name).chars(TAG_OPTION_CHARS)) for tag in tags)
        self.fields["tag"].choices = [("", "All tags"), *labels]
        self.fields["sort"].choices = self.sort_choices
        self.is_valid()

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if name not in self.errors else None

    @property
    def active(self) -> bool:
        return any(self.value(name) not in (None, "") for name in self.fields if name != "sort")


class BookmarkFilterForm(FilterForm):
    sort_choices = [
        ("newest", "Newest"),
        ("oldest", "Oldest"),
        ("updated", "Recently updated"),
        ("title", "Title"),
    ]
    favorite = forms.ChoiceField(choices=YES_NO, required=False, label="Favourite")
    read = forms.ChoiceField(choices=YES_NO, required=False, label="Read")


class TaskFilterForm(FilterForm):
    sort_choices = [
        ("newest", "Newest"),
        ("due", "Due date"),
        ("priority", "Priority"),
        ("updated", "Recently updated"),
        ("title", "Title"),
    ]
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("open", "Open"), *Task.Status.choices], required=False
    )
    priority = forms.ChoiceField(choices=[("", "Any priority"), *Task.Priority.choices], required=False)


class NoteFilterForm(FilterForm):
    sort_choices = [("updated", "Recently updated"), ("newest", "Newest"), ("title", "Title")]
    pinned = forms.ChoiceField(choices=YES_NO, required=False, label="Pinned")


class FileFilterForm(FilterForm):
    sort_choices = [("newest", "Newest"), ("name", "Name"), ("size", "Largest")]


class CollectionForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True)
    description = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the collection a name.")
        return name


class ShareWithForm(forms.Form):
    username = forms.CharField(max_length=150, strip=True, label="Share with (username)")
