"""The brief's look: the organisation's name and accent colour (settings `PMO_ORG_NAME` and
`PMO_BRAND_COLOUR`), the greys, and the RAG cell colours shared by both writers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmo_data import settings

INK = "#1b2430"
MUTED = "#57606a"
RULE = "#d0d7de"
ZEBRA = "#f6f8fa"
WARN = "#9a6700"  # dark amber: readable on white, not a RAG fill
OLD_DATA = "Some figures come from data older than its window: see the next slide."
GOOD, BAD, NEUTRAL = "#1d7a45", "#b42318", "#57606a"
# Cell (fill, text) per RAG: light tints with dark text stay readable in print and on screen.
RAG_CELL = {
    "Red": ("#fbe3e3", "#a32020"),
    "Amber": ("#fdf0d9", "#8a5a00"),
    "Green": ("#e0f3e8", "#1d6b3c"),
}
_HEX = re.compile(r"^#?[0-9a-fA-F]{6}$")


class StyleError(ValueError):
    """A configured name or colour that cannot be used (the message says what to set)."""


@dataclass(frozen=True)
class Style:
    organisation: str
    colour: str  # "#rrggbb"

    @property
    def tint(self) -> str:
        """The accent colour mixed 88% with white: tile backgrounds."""
        return mix(self.colour, "#ffffff", 0.88)


def hex_colour(value: str) -> str:
    """'#1F6FEB' or '1f6feb' as '#1f6feb'; anything else is a StyleError."""
    value = str(value).strip()
    if not _HEX.match(value):
        raise StyleError(f"brand colour {value!r} is not a colour like #1f6feb")
    return "#" + value.lstrip("#").lower()


def rgb(colour: str) -> tuple[int, int, int]:
    c = hex_colour(colour).lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def mix(a: str, b: str, share_b: float) -> str:
    ra, rb = rgb(a), rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * share_b):02x}" for x, y in zip(ra, rb, strict=True))


def configured(organisation: str | None = None, colour: str | None = None) -> Style:
    """The style from arguments, else from settings."""
    name = (organisation or settings.PMO_ORG_NAME.raw()).strip()
    if not name:
        raise StyleError("the organisation name is empty; set PMO_ORG_NAME or pass --org")
    return Style(name[:80], hex_colour(colour or settings.PMO_BRAND_COLOUR.raw()))
