"""The Textual terminal UI of curate: runs, live progress, browse, overrides and audits."""
