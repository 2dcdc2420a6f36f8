"""The credential core: a pure library (no web, database, settings or global state).

Public entry points are re-exported from :mod:`microcred.core.api`.
"""
