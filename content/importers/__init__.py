"""Readers for import files: browser bookmark exports (Netscape HTML) and Trackeep archives.

Readers only parse and validate; the writes happen in ``content.services``.
"""
