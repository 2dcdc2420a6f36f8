"""The credential core: a pure library (no web, database, settings or global state).

Start with :func:`microcred.core.issue.issue` and
:func:`microcred.core.verify.verify_credential`; the README lists every module.
"""
