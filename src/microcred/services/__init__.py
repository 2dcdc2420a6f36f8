"""Use cases: each one owns its transaction and depends on small ports."""
