"""Rendering helpers for the web UI: pure functions over bytes and text.

Markdown to safe HTML, uploaded badge images checked and cleaned (SVG and PNG), generated
badge images, PDF certificates and LinkedIn "add to profile" links.  Nothing here touches
the database or the web framework.
"""
