"""The web application: server-rendered pages for issuers (the console), learners
(credential pages) and verifiers, from the same process as the API.

Every page works without JavaScript; ``static/app.js`` only enhances (live previews,
progress).  Pages are routed with :class:`~microcred.web.ui.routing.PageRoute`, which
checks the CSRF token of every form and turns errors into HTML pages.
"""
