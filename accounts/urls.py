"""URL routes of the accounts app (allauth's own routes are included beside these)."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("email/resend/", views.resend_verification, name="resend_verification"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/others/revoke/", views.revoke_other_sessions, name="revoke_others"),
    path("sessions/<str:key>/revoke/", views.revoke_session, name="revoke_session"),
]
