"""Reusable widgets of the curate TUI."""
