"""Text facts several stages need: the language of a text."""
