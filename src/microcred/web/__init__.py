"""The HTTP interface (FastAPI): built by :func:`microcred.web.app.create_app`, never at import."""
