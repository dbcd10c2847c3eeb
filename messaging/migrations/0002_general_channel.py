"""Create #general with every existing user as a member, and each user's "Notes to self".

New users get both from the ``post_save`` receiver in ``messaging.signals``.
"""

from django.conf import settings
from django.db import migrations


def create_general(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Conversation = apps.get_model("messaging", "Conversation")
    Membership = apps.get_model("messaging", "Membership")
    general, _ = Conversation.objects.get_or_create(
        key="general", defaults={"kind": "channel", "name": "general"}
    )
    for user_id in User.objects.values_list("pk", flat=True).iterator():
        Membership.objects.get_or_create(conversation=general, user_id=user_id)
        notes, created = Conversation.objects.get_or_create(
            key=f"self:{user_id}",
            defaults={"kind": "self", "name": "Notes to self", "created_by_id": user_id},
        )
        if created:
            Membership.objects.create(conversation=notes, user_id=user_id, role="owner")


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_general, migrations.RunPython.noop)]
