"""Reader copies: a readable, searchable, offline copy of every saved bookmark's page (docs/reader.md)."""
