"""Content pages, one module per item type plus tags, shares, bulk actions and import/export.

Views parse the request and render; every write goes through ``content.services`` and every read
through ``content.selectors`` or an owner-scoped lookup (``common.owned``), so another user's id in a
URL answers 404.
"""
