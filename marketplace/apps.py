"""App config for marketplace: registers its cache family, the item kinds (content and learning
paths) and its section of the user's recommendations, and takes
items deleted with their author's account out of the rankings."""

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from analytics.recommendations import register_source
        from core.redis.families import register
        from marketplace import kinds
        from marketplace.caches import MARKETPLACE
        from marketplace.content_kinds import CONTENT_KINDS
        from marketplace.learning_kinds import LEARNING_PATH
        from marketplace.models import Item
        from marketplace.receivers import on_item_deleted
        from marketplace.recommend import MARKETPLACE_ITEMS

        register(MARKETPLACE)
        for kind in (*CONTENT_KINDS, LEARNING_PATH):
            kinds.register(kind)
        register_source(MARKETPLACE_ITEMS)
        post_delete.connect(on_item_deleted, sender=Item, dispatch_uid="marketplace.item_deleted")
