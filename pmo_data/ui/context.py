"""The store connection and version-keyed caching for pages.

One `Store` per process (`st.cache_resource`); readers take cursors. Every cached result is
keyed by the store's current version, so an import or rollback refreshes every page and
nothing stale is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import streamlit as st

from pmo_data import settings
from pmo_data.escaping import md
from pmo_data.store import failures
from pmo_data.store.versions import Store, StoreError, default_db_path

log = logging.getLogger(__name__)

_REGISTRY: dict[str, Callable] = {}


def _auto_demo_enabled() -> bool:
    return not settings.PMO_NO_DEMO.flag()


@st.cache_resource(show_spinner="Opening the PMO store…")
def _open_store(path: str) -> Store:
    store = Store(path)
    if store.current_version() == 0 and _auto_demo_enabled():
        from pmo_data.demo.generate import load_demo

        load_demo(store)
    return store


def get_store() -> Store:
    """The process-wide store at PMO_DB (or data/pmo.duckdb); demo data on a brand-new store."""
    return _open_store(default_db_path())


def open_store_or_stop() -> Store:
    """The store for the router: if it cannot be opened, say why and what to do, and stop."""
    try:
        return get_store()
    except StoreError as exc:
        log.error("cannot open the store: %s", exc)
        st.error(md(exc), icon=":material/database_off:")
        st.stop()


@contextmanager
def store_failures() -> Iterator[None]:
    """Around a page: a store failure becomes a clear message instead of a traceback. A read
    that found the database invalidated has already reopened it; the next rerun works."""
    try:
        yield
    except StoreError as exc:
        st.error(md(exc), icon=":material/error:")
    except duckdb.Error as exc:
        log.exception("store query failed")
        if isinstance(exc, duckdb.FatalException):
            get_store().reopen()
        st.error(
            "The store could not answer this page: "
            f"{md(failures.without_paths(str(exc)))}. Reload the page; if it keeps failing, "
            "send this message to your administrator.",
            icon=":material/error:",
        )


def store_version() -> int:
    return get_store().current_version()


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_call(key: str, db_path: str, version: int, args: tuple, kwargs: tuple) -> Any:
    return _REGISTRY[key](get_store(), *args, **dict(kwargs))


def run(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call `fn(store, *args, **kwargs)` cached by (function, store, version, arguments).

    Arguments must be hashable values (Viewer, Filters, str, numbers, tuples).
    """
    key = f"{fn.__module__}.{fn.__qualname__}"
    _REGISTRY[key] = fn
    store = get_store()
    return _cached_call(
        key, store.path, store.current_version(), args, tuple(sorted(kwargs.items()))
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _shared_call(key: str, db_path: str, version: int, args: tuple, kwargs: tuple) -> Any:
    return _REGISTRY[key](get_store(), *args, **dict(kwargs))


def shared(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Like `run`, but every rerun gets the same object instead of a copy: for large tables
    (every project at 100x is 75,000 rows, ~30 MB to unpickle on each rerun through `run`)
    that pages only read. Callers must not modify the result in place.
    """
    key = f"{fn.__module__}.{fn.__qualname__}"
    _REGISTRY[key] = fn
    store = get_store()
    return _shared_call(
        key, store.path, store.current_version(), args, tuple(sorted(kwargs.items()))
    )


def is_demo() -> bool:
    """True while the current version is the bundled demo data."""
    info = get_store().version_info(store_version())
    return bool(info) and info.get("action") == "demo"


def clear_caches() -> None:
    """After a write: results are version-keyed already; this just frees memory."""
    _cached_call.clear()
    _shared_call.clear()
