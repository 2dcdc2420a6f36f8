"""The relational store (SQLite by default, PostgreSQL at scale) through SQLAlchemy Core."""
