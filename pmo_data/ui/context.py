"""The store for pages: one per process, one version per page run, results cached by version.

`begin_run()` runs at the top of every script run (the entrypoint calls it): it catches up with
writes made elsewhere (a scheduled CLI import, another app server) with one cheap check, and
pins the version this run reads, so everything one run shows comes from one version even if an
import lands meanwhile. Cached results are keyed by (store, version, generation): every open
session sees a new import or a newly saved decision on its next rerun, and nothing stale is
shown. Store failures reach people as one clear message (`store_failures`), never a
traceback.
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
from pmo_data.store.versions import Store, StoreBusy, StoreError

log = logging.getLogger(__name__)

_REGISTRY: dict[str, Callable] = {}
_RUN_KEY = "_pmo_store_this_run"
# How long a page run waits for a DuckDB file that a writer holds, when it already has a copy
# to show: not long; the next rerun catches up.
_QUICK_WAIT = 0.5


def _auto_demo_enabled() -> bool:
    return not settings.PMO_NO_DEMO.flag()


@st.cache_resource(show_spinner="Opening the PMO store…")
def _open_store(location: str) -> Store:
    store = Store(location)
    if store.current_version() == 0 and _auto_demo_enabled():
        from pmo_data.demo.generate import load_demo

        with store.writing() as w:  # two servers starting at once load the demo only once
            if w.current_version() == 0:
                load_demo(store)
    return store


def begin_run() -> Store:
    """Catch up with the store and pin its version for this script run (call once, first)."""
    try:
        store = _open_store(settings.db_location())
    except StoreError as exc:
        log.error("cannot open the store: %s", exc)
        st.error(md(exc), icon=":material/database_off:")
        st.stop()
    try:
        store.refresh(wait=_QUICK_WAIT if store.has_copy else None)
    except StoreBusy:
        st.toast("An import is being written; showing the version before it.")
    except StoreError as exc:
        log.warning("could not catch up with the store: %s", exc)
        st.warning(f"Showing the last version read: {md(exc)}", icon=":material/sync_problem:")
    pinned = store.at(store.current_version())
    st.session_state[_RUN_KEY] = pinned
    return pinned


def get_store() -> Store:
    """The store as of this run's version (pinned by `begin_run`)."""
    pinned = st.session_state.get(_RUN_KEY)
    return pinned if pinned is not None else begin_run()


def store_version() -> int:
    return get_store().current_version()


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_call(
    key: str, location: str, version: int, generation: int, args: tuple, kwargs: tuple
) -> Any:
    return _REGISTRY[key](_open_store(location).at(version), *args, **dict(kwargs))


def run(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call `fn(store, *args, **kwargs)` cached by (function, store, version, arguments).

    `fn` reads the version this run pinned. Arguments must be hashable values (Viewer,
    Filters, str, numbers, tuples).
    """
    key = f"{fn.__module__}.{fn.__qualname__}"
    _REGISTRY[key] = fn
    store = get_store()
    return _cached_call(
        key,
        settings.db_location(),
        store.current_version(),
        store.generation,
        args,
        tuple(sorted(kwargs.items())),
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _shared_call(
    key: str, location: str, version: int, generation: int, args: tuple, kwargs: tuple
) -> Any:
    return _REGISTRY[key](_open_store(location).at(version), *args, **dict(kwargs))


def shared(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Like `run`, but every rerun gets the same object instead of a copy: for large tables
    (every project at 100x is 75,000 rows, ~30 MB to unpickle on each rerun through `run`)
    that pages only read. Callers must not modify the result in place.
    """
    key = f"{fn.__module__}.{fn.__qualname__}"
    _REGISTRY[key] = fn
    store = get_store()
    return _shared_call(
        key,
        settings.db_location(),
        store.current_version(),
        store.generation,
        args,
        tuple(sorted(kwargs.items())),
    )


def is_demo() -> bool:
    """True while the current version is the bundled demo data."""
    info = get_store().version_info(store_version())
    return bool(info) and info.get("action") == "demo"


def clear_caches() -> None:
    """After a write: results are version-keyed already; this just frees memory."""
    _cached_call.clear()
    _shared_call.clear()


@contextmanager
def store_failures() -> Iterator[None]:
    """Around a page: a store failure (busy, unreachable, refused, disk full) becomes a clear
    message instead of a traceback. A query that found this process's copy broken has already
    rebuilt it; the next rerun works."""
    try:
        yield
    except StoreError as exc:
        st.error(md(exc), icon=":material/error:")
    except duckdb.Error as exc:
        log.exception("store query failed")
        if isinstance(exc, duckdb.FatalException):
            get_store().root.reset_copy()
        st.error(
            "The store could not answer this page: "
            f"{md(failures.without_paths(str(exc)))}. Reload the page; if it keeps failing, "
            "send this message to your administrator.",
            icon=":material/error:",
        )
