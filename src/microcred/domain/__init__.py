"""Rules of the platform as plain dataclasses (no database, no web)."""
