"""Dataset row formats (chat, Alpaca, ShareGPT, preference) and conversion between them."""

from curate.formats.convert import (
    FORMATS,
    CanonicalRow,
    RowError,
    detect_format,
    from_canonical,
    to_canonical,
)

__all__ = [
    "FORMATS",
    "CanonicalRow",
    "RowError",
    "detect_format",
    "from_canonical",
    "to_canonical",
]
