"""microcred: Open Badges 3.0 / W3C Verifiable Credentials 2.0 micro-credentials."""

__version__ = "0.1.0"
