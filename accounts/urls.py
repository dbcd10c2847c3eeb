"""URL routes of the accounts app (allauth's own routes are included after these).

Three allauth views are routed here first, at their own paths, to carry per-view limits
(``core.ratelimit.per_view``): sign-up per address, password reset per e-mail address, and the
two-factor code step per account and session (``accounts.two_factor``).
"""

from allauth.account import views as allauth_views
from django.urls import path, re_path

from accounts import two_factor, views
from accounts.sessions import public_id
from core.ratelimit import per_view

app_name = "accounts"
urlpatterns = [
    path("2fa/authenticate/", two_factor.authenticate, name="two_factor"),
    path("signup/", per_view.limit("signup", per_view.client_address)(allauth_views.signup), name="signup"),
    path(
        "password/reset/",
        per_view.limit("password_reset_email", per_view.posted_email)(allauth_views.password_reset),
        name="password_reset",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("email/resend/", views.resend_verification, name="resend_verification"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/others/revoke/", views.revoke_other_sessions, name="revoke_others"),
    re_path(
        rf"^sessions/(?P<session_id>{public_id.PATTERN.pattern})/revoke/$",
        views.revoke_session,
        name="revoke_session",
    ),
]
