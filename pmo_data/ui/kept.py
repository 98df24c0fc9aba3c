"""Widget values that outlive the runs which do not draw the widget: the widgets inside
`lazy_sections` and closer looks.

Streamlit drops a widget's value at the end of any run that does not draw it, so opening
another closer look (or tab) would reset every choice made in the one left. `kept(key)` copies
each change to a key of its own (`KEPT`) and, when the widget's own state is gone, puts the copy
back before the widget is drawn: the way the Maturity page keeps its answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

KEPT = "ui_kept"  # {widget key: its last value}


def _copy(key: str, then: Callable | None, args: tuple) -> None:
    st.session_state.setdefault(KEPT, {})[key] = st.session_state[key]
    if then is not None:
        then(*args)


def _offered(value: Any, options: Iterable | None) -> Any:
    """A kept choice the widget no longer offers is forgotten (a multiselect keeps the ones
    still offered): the data or a search changed what the widget lists."""
    if options is None:
        return value
    offered = list(options)
    if isinstance(value, list):
        return [v for v in value if v in offered]
    return value if value in offered else None


def kept(
    key: str,
    default: Any = None,
    *,
    options: Iterable | None = None,
    on_change: Callable | None = None,
    args: Iterable = (),
) -> dict:
    """`key=`, `on_change=` and `args=` for a widget drawn in some runs only; spread them
    into the call in place of the widget's own default (`st.radio(label, opts, **kept(k))`,
    `st.slider(label, 7, 120, **kept(k, 30))`). `on_change`/`args`: the widget's own callback,
    run after the copy. Call it before anything that reads `st.session_state[key]`."""
    if key not in st.session_state:  # first draw, or dropped by a run without the widget
        store = st.session_state.get(KEPT, {})
        value = _offered(store[key], options) if key in store else None
        value = default if value is None else value
        if value is not None:
            st.session_state[key] = value
    return {"key": key, "on_change": _copy, "args": (key, on_change, tuple(args))}


def put(key: str, value: Any) -> None:
    """Set a kept widget's value from code (a callback clearing a note), copy included."""
    st.session_state[key] = value
    st.session_state.setdefault(KEPT, {})[key] = value
