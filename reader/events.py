"""The reader app's domain event, for the search index.

``reader_copy_saved`` is sent after the transaction that stored a bookmark's reader copy commits,
with ``user_id`` (the bookmark's owner) and ``bookmark_ids`` (tuple of ints). The search app
re-indexes those bookmarks so words of the page body find them; reader knows nothing of search.
"""

from django.dispatch import Signal

reader_copy_saved = Signal()
