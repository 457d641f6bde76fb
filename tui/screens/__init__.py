"""The screens of the curate TUI, one per module."""
