"""Users, the site-wide signup switch, and the durable copy of sessions.

``Session`` replaces Django's session table (``AbstractBaseSession``, as in Django's docs) so the
durable copy also carries the owner and device metadata: "sign out everywhere" and the active
sessions page keep working from PostgreSQL when the Redis index is gone.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class User(AbstractUser):
    """A Trackeep user. ``role`` is the product role; admins are also Django staff."""

    class Role(models.TextChoices):
        USER = "user", "User"
        ADMIN = "admin", "Admin"

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER)
    bio = models.TextField(blank=True, max_length=2000)
    timezone = models.CharField(max_length=64, default="UTC")

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.is_superuser:
            self.role = self.Role.ADMIN
        if self.role == self.Role.ADMIN:
            self.is_staff = True
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class SiteSettings(models.Model):
    """Instance-wide switches an admin controls (a single row, ``pk=PK``)."""

    PK = 1

    signup_open = models.BooleanField(
        default=False, help_text="Let anyone create an account from the sign-up page."
    )

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"

    @classmethod
    def load(cls) -> SiteSettings:
        obj, _ = cls.objects.get_or_create(pk=cls.PK)
        return obj


class Session(AbstractBaseSession):
    """Durable copy of a session, with its owner and device (read by the session engines)."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    last_active = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    def __str__(self) -> str:
        """Never the key (Django's default): this text reaches admin pages and logs."""
        return f"session of {self.user or 'nobody'} from {self.ip or 'an unknown address'}"

    @classmethod
    def get_session_store_class(cls):  # type: ignore[no-untyped-def]
        from accounts.sessions.redis_db import SessionStore

        return SessionStore


class StaleSessionCopy(models.Model):
    """A session whose Redis copy may be older than the database: a write or delete Redis missed.

    Shared by every app process through the database (``accounts.sessions.stale``); deleted once some
    process has deleted the Redis copy.
    """

    cache_key = models.CharField(max_length=255, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"stale session copy recorded {self.recorded_at:%Y-%m-%d %H:%M}"


class CredentialChange(models.Model):
    """The session auth hash a user's sessions must carry since their password last changed ("" when
    none may: the account was deactivated). Shared by every process, kept one session lifetime."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    auth_hash = models.CharField(max_length=128, blank=True)
    changed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"credentials of user {self.user_id} changed {self.changed_at:%Y-%m-%d %H:%M}"
