"""Account pages: first-run setup, profile, active sessions, and resending the verification link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import selectors, services, verification
from accounts.forms import FirstAdminForm, ProfileForm


def _user_id(request: HttpRequest) -> int:
    """The signed-in user's id (views behind ``login_required`` only: an anonymous request here is a
    programming error, refused rather than read as user 0)."""
    if request.user.pk is None:
        raise PermissionDenied("Sign in first.")
    return int(request.user.pk)


def setup(request: HttpRequest) -> HttpResponse:
    """First-run page: creates the admin account while the instance has no user at all."""
    if selectors.any_user_exists():
        raise Http404("Trackeep is already set up.")
    form = FirstAdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.create_first_admin(
            email=form.cleaned_data["email"],
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
        )
        if user is None:  # another first-run post created the admin a moment ago
            messages.info(request, "Trackeep has just been set up. Sign in with the admin account.")
            return redirect("account_login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Trackeep. Your admin account is ready.")
        return redirect("home")
    return render(request, "accounts/setup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's profile, served from the profile cache."""
    data = selectors.get_profile(_user_id(request))
    if data is None:
        raise Http404
    return render(request, "accounts/profile.html", {"profile": data})


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = get_user_model().objects.get(pk=_user_id(request))
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(request, form)
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    rows = selectors.list_sessions(_user_id(request), request.session.session_key)
    return render(request, "accounts/sessions.html", {"sessions": rows})


@login_required
@require_POST
def revoke_session(request: HttpRequest, session_id: str) -> HttpResponse:
    outcome = services.revoke_session_by_id(_user_id(request), session_id, request.session.session_key)
    if outcome is services.RevokeOutcome.NOT_FOUND:
        raise Http404
    if outcome is services.RevokeOutcome.CURRENT:
        messages.error(request, "Use “Log out” to end the session you are using.")
    else:
        messages.success(request, "That session has been signed out.")
    return redirect("accounts:sessions")


@login_required
@require_POST
def revoke_other_sessions(request: HttpRequest) -> HttpResponse:
    revoked = services.revoke_other_sessions(_user_id(request), request.session.session_key)
    messages.success(request, f"Signed out {len(revoked)} other session(s).")
    return redirect("accounts:sessions")


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    """Send a new verification link to the user's unverified address, then go back."""
    address = verification.resend(request, request.user)
    if address:
        messages.success(request, f"We sent a new verification link to {address}.")
    else:
        messages.info(request, "Your email address is already verified.")
    return redirect(safe_next(request, "accounts:profile"))


def safe_next(request: HttpRequest, default: str) -> str:
    """The posted ``next`` if it is a page of this site, else the URL name ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default
