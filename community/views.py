"""Community pages: challenges (list, create, page with live board, join, leave), profiles, follows,
follower lists and the feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from community import selectors, services, targets
from community.forms import ChallengeForm
from community.models import Challenge

PEOPLE_PAGE_SIZE = 50
FINISHED_PAGE_SIZE = 20


@login_required
def challenges(request: HttpRequest) -> HttpResponse:
    services.finish_due()
    finished = Paginator(selectors.finished_challenges(), FINISHED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "open": selectors.open_challenges(),
        "joined": selectors.joined_ids(request.user.pk),
        "page": finished,
        "now": timezone.now(),
    }
    return render(request, "community/challenges.html", context)


@login_required
def challenge_create(request: HttpRequest) -> HttpResponse:
    form = ChallengeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        starts_at, ends_at = form.window()
        try:
            challenge = services.create_challenge(
                request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                target=form.cleaned_data["target"],
                goal=form.cleaned_data["goal"],
                starts_at=starts_at,
                ends_at=ends_at,
            )
        except services.CommunityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Challenge “{challenge.title}” created; you have joined it.")
            return redirect("community:challenge", pk=challenge.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "community/challenge_form.html", {"form": form}, status=status)


def _board_context(request: HttpRequest, challenge: Challenge) -> dict[str, Any]:
    try:
        kind: targets.TargetKind | None = targets.get(challenge.target)
    except targets.UnknownTarget:
        kind = None
    board = selectors.board(challenge, request.user.pk)

    def row(entry: Any) -> dict[str, Any]:
        shown = kind.display(entry.progress) if kind else str(entry.progress)
        return {**vars(entry), "username": board.usernames.get(entry.user_id, "?"), "shown": shown}

    return {
        "challenge": challenge,
        "rows": [row(entry) for entry in board.top],
        "own": row(board.own) if board.own else None,
        "own_outside_top": board.own_outside_top,
        "total": board.total,
        "goal_amount": challenge.goal * (kind.scale if kind else 1),
    }


@login_required
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    services.finish_due()
    challenge = selectors.challenge_or_404(pk)
    context = {
        **_board_context(request, challenge),
        "target": selectors.target_label(challenge),
        "me": selectors.participant(challenge, request.user.pk),
        "is_open": challenge.finished_at is None,
    }
    return render(request, "community/challenge.html", context)


@login_required
def challenge_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The board alone: what the open page reloads when the socket says it changed."""
    challenge = selectors.challenge_or_404(pk)
    return render(request, "community/_board.html", _board_context(request, challenge))


@login_required
@require_POST
def challenge_join(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = selectors.challenge_or_404(pk)
    try:
        services.join(request.user, challenge)
    except services.CommunityError as error:
        messages.error(request, error.message)
    return redirect("community:challenge", pk=challenge.pk)


@login_required
@require_POST
def challenge_leave(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = selectors.challenge_or_404(pk)
    try:
        if services.leave(request.user, challenge):
            messages.success(request, "You left the challenge.")
    except services.CommunityError as error:
        messages.error(request, error.message)
    return redirect("community:challenge", pk=challenge.pk)


# --- people ---------------------------------------------------------------------------------------


@login_required
def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.active_user_or_404(username)
    context = {
        "person": person,
        "is_me": person.pk == request.user.pk,
        "following": selectors.is_following(request.user.pk, person.pk),
        "counts": selectors.follow_counts(person.pk),
        "items": selectors.published_items(person.pk),
        "results": selectors.challenge_results(person.pk),
    }
    return render(request, "community/profile.html", context)


@login_required
@require_POST
def follow(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.active_user_or_404(username)
    try:
        if services.follow(request.user, person):
            messages.success(request, f"You follow {person.username} now.")
    except services.CommunityError as error:
        messages.error(request, error.message)
    return redirect("community:profile", username=person.username)


@login_required
@require_POST
def unfollow(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.active_user_or_404(username)
    if services.unfollow(request.user, person):
        messages.success(request, f"You no longer follow {person.username}.")
    return redirect("community:profile", username=person.username)


def _people(request: HttpRequest, username: str, which: str) -> HttpResponse:
    person = selectors.active_user_or_404(username)
    queryset = selectors.followers_of(person.pk) if which == "followers" else selectors.followed_by(person.pk)
    page = Paginator(queryset, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "person": person,
        "page": page,
        "which": which,
        "back": reverse("community:profile", args=[username]),
    }
    return render(request, "community/people.html", context)


@login_required
def followers(request: HttpRequest, username: str) -> HttpResponse:
    return _people(request, username, "followers")


@login_required
def following(request: HttpRequest, username: str) -> HttpResponse:
    return _people(request, username, "following")


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    return render(request, "community/feed.html", {"entries": selectors.feed(request.user.pk)})
