"""What the store says when it cannot do what was asked: one clear message, no traceback."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation the user asked for cannot be done (message says why and what to do)."""


class StoreBusy(StoreError):
    """Another writer held the store longer than we are willing to wait; nothing changed."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened at all (wrong address, server down, bad file)."""


def first_line(exc: BaseException) -> str:
    """The first line of a database error, without the SQL echo databases append."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
