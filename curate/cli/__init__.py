"""The ``curate`` command line."""
