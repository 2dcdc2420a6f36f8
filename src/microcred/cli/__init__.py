"""The ``microcred`` command line."""
