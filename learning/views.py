"""Learning pages: the catalogue, browsing, a path with its modules, authoring, enrolment, progress.

Others' unpublished paths (and their modules) answer 404, like any object a user may not see;
authoring pages answer 404 to anyone but the path's creator.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import confirm
from learning import selectors, services
from learning.forms import BrowseForm, ModuleForm, PathForm, RatingForm, ResourceForm
from learning.models import LearningPath, Module, Rating, Resource

PAGE_SIZE = 20


def _visible_path(request: HttpRequest, pk: int) -> LearningPath:
    path = get_object_or_404(LearningPath.objects.select_related("creator"), pk=pk)
    if not path.visible_to(request.user.pk):
        raise Http404
    return path


def _own_path(request: HttpRequest, pk: int) -> LearningPath:
    return get_object_or_404(LearningPath, pk=pk, creator_id=request.user.pk)


def _own_module(request: HttpRequest, pk: int) -> Module:
    return get_object_or_404(Module.objects.select_related("path"), pk=pk, path__creator_id=request.user.pk)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Featured and popular paths: two cached values, no query when warm."""
    context = {
        "featured": selectors.featured_paths(),
        "popular": selectors.popular_paths(),
        "categories": LearningPath.Category.choices,
        "form": BrowseForm(),
    }
    return render(request, "learning/catalogue.html", context)


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    form = BrowseForm(request.GET)
    paths = selectors.browse(
        query=form.value("q"),
        category=form.value("category"),
        difficulty=form.value("difficulty"),
        sort=form.value("sort") or "popular",
    )
    params = request.GET.copy()
    params.pop("page", None)
    page = Paginator(paths, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/browse.html", {"form": form, "page": page, "query": params.urlencode()})


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    context = {
        "enrollments": selectors.my_enrollments(request.user.pk),
        "created": selectors.created_by(request.user.pk),
    }
    return render(request, "learning/mine.html", context)


@login_required
def path_detail(request: HttpRequest, pk: int) -> HttpResponse:
    path = _visible_path(request, pk)
    modules = selectors.modules_with_resources(path)
    progress = selectors.progress_on(request.user.pk, path, len(modules))
    own_rating = Rating.objects.filter(user_id=request.user.pk, path=path).first()
    context = {
        "path": path,
        "modules": modules,
        "progress": progress,
        "is_creator": path.creator_id == request.user.pk,
        "reviews": selectors.reviews(path),
        "rating_form": RatingForm(instance=own_rating),
        "stats": selectors.with_stats(LearningPath.objects.filter(pk=path.pk)).values(
            "learners", "completions", "avg_rating", "rating_count"
        )[0],
    }
    return render(request, "learning/path_detail.html", context)


def _path_form_page(request: HttpRequest, form: PathForm, path: LearningPath | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "learning/path_form.html", {"form": form, "path": path}, status=status)


@login_required
def path_create(request: HttpRequest) -> HttpResponse:
    form = PathForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        path = services.create_path(request.user, **form.path_fields())
        messages.success(request, f"Path “{path.title}” created. Now add its modules.")
        return redirect("learning:path_detail", pk=path.pk)
    return _path_form_page(request, form, None)


@login_required
def path_edit(request: HttpRequest, pk: int) -> HttpResponse:
    path = _own_path(request, pk)
    form = PathForm(request.POST or None, instance=path)
    if request.method == "POST" and form.is_valid():
        services.update_path(path, **form.path_fields())
        messages.success(request, "Path updated.")
        return redirect("learning:path_detail", pk=path.pk)
    return _path_form_page(request, form, path)


@login_required
def path_delete(request: HttpRequest, pk: int) -> HttpResponse:
    path = _own_path(request, pk)
    if request.method == "POST":
        services.delete_path(path)
        messages.success(request, f"Path “{path.title}” deleted.")
        return redirect("learning:mine")
    learners = path.enrollments.count()
    lose = f", and {learners} learner{'s' if learners != 1 else ''} lose their progress" if learners else ""
    return confirm(
        request,
        title="Delete this path?",
        item=path.title,
        consequence=f"Its modules and cards go with it{lose}. Your bookmarks and notes stay.",
        action="Delete path",
        cancel=reverse("learning:path_detail", args=[path.pk]),
    )


@login_required
@require_POST
def path_feature(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404
    path = _visible_path(request, pk)
    services.set_featured(path, request.POST.get("featured") == "1")
    return redirect("learning:path_detail", pk=path.pk)


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    path = _visible_path(request, pk)
    services.enrol(request.user, path)
    messages.success(request, f"You are enrolled in “{path.title}”.")
    return redirect("learning:path_detail", pk=path.pk)


@login_required
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    path = _visible_path(request, pk)
    if request.method == "POST":
        services.unenrol(request.user, path)
        messages.success(request, f"You left “{path.title}”.")
        return redirect("learning:mine")
    return confirm(
        request,
        title="Leave this path?",
        item=path.title,
        consequence="Your progress on it is deleted. You can enrol again later and start over.",
        action="Leave path",
        cancel=reverse("learning:path_detail", args=[path.pk]),
    )


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    path = _visible_path(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose 1 to 5 stars.")
    else:
        try:
            services.rate(
                request.user, path, stars=form.cleaned_data["stars"], review=form.cleaned_data["review"]
            )
        except services.NotAllowed as error:
            messages.error(request, str(error).capitalize() + ".")
        else:
            messages.success(request, "Thanks for your rating.")
    return redirect("learning:path_detail", pk=path.pk)


@login_required
def module_detail(request: HttpRequest, pk: int) -> HttpResponse:
    module = get_object_or_404(Module.objects.select_related("path", "path__creator"), pk=pk)
    path = module.path
    if not path.visible_to(request.user.pk):
        raise Http404
    modules = list(path.modules.all())
    index = next(i for i, m in enumerate(modules) if m.pk == module.pk)
    progress = selectors.progress_on(request.user.pk, path, len(modules))
    context = {
        "module": module,
        "path": path,
        "resources": module.resources.select_related("bookmark", "note"),
        "progress": progress,
        "done": module.pk in progress.done_ids,
        "previous": modules[index - 1] if index else None,
        "next": modules[index + 1] if index + 1 < len(modules) else None,
        "number": index + 1,
        "is_creator": path.creator_id == request.user.pk,
    }
    return render(request, "learning/module_detail.html", context)


@login_required
@require_POST
def module_done(request: HttpRequest, pk: int) -> HttpResponse:
    module = get_object_or_404(Module.objects.select_related("path"), pk=pk)
    if not module.path.visible_to(request.user.pk):
        raise Http404
    done = request.POST.get("done", "1") == "1"
    try:
        enrollment = services.set_module_done(request.user, module, done)
    except services.NotAllowed:
        messages.error(request, "Enrol in the path to track your progress.")
        return redirect("learning:module_detail", pk=module.pk)
    if enrollment.completed_at and done:
        messages.success(request, f"Path complete: “{module.path.title}”. Well done!")
    following = module.path.modules.filter(position__gt=module.position).first() if done else None
    return redirect("learning:module_detail", pk=following.pk if following else module.pk)


def _module_form_page(
    request: HttpRequest, form: ModuleForm, path: LearningPath, module: Module | None
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "path": path, "module": module}
    return render(request, "learning/module_form.html", context, status=status)


@login_required
def module_create(request: HttpRequest, pk: int) -> HttpResponse:
    path = _own_path(request, pk)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        module = services.add_module(path, **form.cleaned_data)
        messages.success(request, f"Module “{module.title}” added.")
        return redirect("learning:path_detail", pk=path.pk)
    return _module_form_page(request, form, path, None)


@login_required
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = _own_module(request, pk)
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        services.update_module(module, **form.cleaned_data)
        messages.success(request, "Module updated.")
        return redirect("learning:module_detail", pk=module.pk)
    return _module_form_page(request, form, module.path, module)


@login_required
def module_delete(request: HttpRequest, pk: int) -> HttpResponse:
    module = _own_module(request, pk)
    if request.method == "POST":
        services.delete_module(module)
        messages.success(request, f"Module “{module.title}” deleted.")
        return redirect("learning:path_detail", pk=module.path_id)
    return confirm(
        request,
        title="Delete this module?",
        item=f"{module.title} in {module.path.title}",
        consequence="Its cards go with it, and learners lose their progress on it.",
        action="Delete module",
        cancel=reverse("learning:module_detail", args=[module.pk]),
    )


@login_required
@require_POST
def module_move(request: HttpRequest, pk: int) -> HttpResponse:
    module = _own_module(request, pk)
    services.move_module(module, -1 if request.POST.get("direction") == "up" else 1)
    return redirect("learning:path_detail", pk=module.path_id)


@login_required
def resource_create(request: HttpRequest, pk: int) -> HttpResponse:
    module = _own_module(request, pk)
    form = ResourceForm(request.POST or None, creator_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        services.add_resource(module, **form.resource_fields())
        messages.success(request, "Card added.")
        return redirect("learning:module_detail", pk=module.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "learning/resource_form.html", {"form": form, "module": module}, status=status)


@login_required
@require_POST
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.select_related("module__path"), pk=pk, module__path__creator_id=request.user.pk
    )
    services.delete_resource(resource)
    messages.success(request, "Card removed.")
    return redirect("learning:module_detail", pk=resource.module_id)
