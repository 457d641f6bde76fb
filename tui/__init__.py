"""The Textual terminal UI of curate (screens arrive with the TUI issue)."""
