"""Adapters: the outside world (HTTP, and later the database, key store and mailer)."""
