"""Routers of the HTTP interface, one module per area."""
