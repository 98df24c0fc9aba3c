"""What to tell people when the store's file cannot be opened or written.

DuckDB's messages name the server's paths and say little about what to do. These turn them into
one sentence a user can act on (disk full, read-only, locked by another program), keeping only
the file's name; the full error goes to the server log.
"""

from __future__ import annotations

import re
from pathlib import PurePath

FULL = ("no space left", "file too large", "disk quota", "enospc", "efbig")
READ_ONLY = ("read-only file system", "permission denied", "read only", "erofs", "eacces")
LOCKED = ("could not set lock", "conflicting lock", "lock on file")
_PATH = re.compile(r"(\"|')(/[^\"']+)(\"|')")


def _cause(exc: BaseException) -> str:
    return " ".join(str(exc).split()).lower()


def without_paths(text: str) -> str:
    """A message with every quoted absolute path reduced to its file name."""
    return _PATH.sub(lambda m: f"{m[1]}{PurePath(m[2]).name}{m[3]}", text)


def kind(exc: BaseException) -> str | None:
    """'full', 'read_only', 'locked' or None (something else)."""
    text = _cause(exc)
    if isinstance(exc, OSError) and exc.errno in (28, 27):  # ENOSPC, EFBIG
        return "full"
    if isinstance(exc, OSError) and exc.errno in (13, 30, 1):  # EACCES, EROFS, EPERM
        return "read_only"
    for name, words in (("locked", LOCKED), ("full", FULL), ("read_only", READ_ONLY)):
        if any(w in text for w in words):
            return name
    return None


def open_message(path: str, exc: BaseException) -> str:
    """Why the store could not be opened at start, and what to do."""
    name = PurePath(path).name
    hint = {
        "locked": "another program (a dashboard or a CLI import) holds it open: close it, or "
        "point PMO_DB at another file.",
        "read_only": "the file or its folder is read-only for the user running the app: give "
        "that user write access, or point PMO_DB at a writable file.",
        "full": "the disk holding it is full: free some space, or point PMO_DB at another disk.",
    }.get(kind(exc), "check that PMO_DB names a DuckDB file the app can read and write.")
    return f"Cannot open the store {name}: {hint} ({without_paths(str(exc))})"


def write_message(exc: BaseException) -> str:
    """Why a write (import, rollback, clear) failed; the store keeps its previous version."""
    hint = {
        "full": "the disk holding the store is full. Free some space and try again.",
        "read_only": "the store's file or folder has become read-only. Restore write access "
        "and try again.",
        "locked": "another program holds the store. Close it and try again.",
    }.get(kind(exc), "try again; if it keeps failing, send this message to your administrator.")
    return (
        f"Nothing was written: {hint} The store still holds its previous version. "
        f"(Cause: {without_paths(str(exc))})"
    )
