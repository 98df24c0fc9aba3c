"""What the store says when it cannot do what was asked: one clear message, no traceback."""

from __future__ import annotations

import re
from pathlib import PurePath

_QUOTED_PATH = re.compile(r"(\"|')(/[^\"']+)(\"|')")


class StoreError(Exception):
    """A store operation the user asked for cannot be done (message says why and what to do)."""


class StoreBusy(StoreError):
    """Another writer held the store longer than we are willing to wait; nothing changed."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened at all (wrong address, server down, bad file)."""


def first_line(exc: BaseException) -> str:
    """The first line of a database error, without the SQL echo databases append and without
    server paths."""
    text = str(exc).strip().splitlines()
    return without_paths(text[0]) if text else type(exc).__name__


def without_paths(text: str) -> str:
    """A message with every quoted absolute path reduced to its file name (no server paths
    in what users see)."""
    return _QUOTED_PATH.sub(lambda m: f"{m[1]}{PurePath(m[2]).name}{m[3]}", text)


class VersionConflict(StoreError):
    """A write made against one version found the store at another (someone wrote since)."""
