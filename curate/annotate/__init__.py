"""Annotation round trips with outside tools (Label Studio)."""
