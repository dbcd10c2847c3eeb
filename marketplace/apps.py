"""App config for marketplace: registers its cache family and the content item kinds, and takes
items deleted with their author's account out of the rankings."""

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from core.redis.families import register
        from marketplace import kinds
        from marketplace.caches import MARKETPLACE
        from marketplace.content_kinds import CONTENT_KINDS
        from marketplace.models import Item
        from marketplace.receivers import on_item_deleted

        register(MARKETPLACE)
        for kind in CONTENT_KINDS:
            kinds.register(kind)
        post_delete.connect(on_item_deleted, sender=Item, dispatch_uid="marketplace.item_deleted")
