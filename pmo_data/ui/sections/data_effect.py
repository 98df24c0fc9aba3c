"""Data page: what an import will do before it applies, per entity, and the analyst's choices.

The importer proposes a mode per entity (replace, merge or append) from what the file covers;
the analyst confirms or changes it here and sees the effect: rows added, changed (with the
fields), removed and unchanged, with examples. Removing more than a fifth of an entity, or
changing keys, needs the confirmation checkbox; the import button stays disabled until then.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_data.escaping import md
from pmo_data.ingest import effect, importer
from pmo_data.schema import ENTITIES
from pmo_data.ui.context import get_store
from pmo_data.ui.tables import label, table

MODE_LABEL = {
    "replace": "Replace: the file is the whole list",
    "merge": "Merge: update by key, add new, keep the rest",
    "append": "Append: add new rows only",
}


def _summary(plan) -> pd.DataFrame:
    """One row per entity: what the import does to it (labels from the tables vocabulary)."""
    rows = []
    for name, eff in plan.effects.items():
        rows.append(
            {
                "entity": ENTITIES[name].label,
                "mode": eff.mode.capitalize(),
                "before": eff.before,
                "added": eff.added,
                "changed": eff.changed,
                "removed": eff.removed,
                "unchanged": eff.unchanged,
                "duplicates": eff.duplicates,
                "after": eff.after,
                "changed_fields": ", ".join(
                    f"{label(k)} ({v:,})" for k, v in eff.changed_fields.items()
                )
                or None,
            }
        )
    return pd.DataFrame(rows)


def effect_section(plan, token: int) -> bool:
    """Mode choices, the effect table and examples, and the confirmation when one is needed.
    Returns True when the import may go ahead (nothing needs confirming, or it is confirmed)."""
    st.markdown("**What this import will do**")
    if not plan.effects:
        st.caption("Nothing to import yet: no sheet has rows that can be loaded.")
        return False
    store = get_store()
    version = plan.base_version
    st.caption(
        f"Compared with the data stored now (version {version or 0:d}). Each entity is imported "
        "in a mode: **replace** (the file is the whole list; rows not in it are removed), "
        "**merge** (rows are updated by their id, new ones added, the rest kept) or **append** "
        "(new rows added; rows already stored are left out and counted). The proposed mode "
        "fits what the file covers; change it if it is wrong. Nothing is written until you "
        "press Import."
    )
    chosen = {}
    for name, eff in list(plan.effects.items()):
        prop = plan.proposals[name]
        c1, c2 = st.columns([1, 2], vertical_alignment="center")
        mode = c1.selectbox(
            f"How to import {md(ENTITIES[name].label.lower())}",
            effect.MODES,
            index=effect.MODES.index(eff.mode),
            format_func=MODE_LABEL.get,
            key=f"mode_{token}_{name}",
        )
        c2.caption(f"Proposed **{md(prop.mode)}**: {md(prop.reason)}.")
        chosen[name] = mode
    importer.choose(plan, store, chosen)
    table(_summary(plan), key="effect_summary")
    for name, eff in plan.effects.items():
        _examples(name, eff)
    needs = plan.confirmations
    if not needs:
        return True
    st.warning(
        "**Check before importing.** This import "
        + "; and ".join(md(_sentence(n)) for n in needs)
        + ". If the file is only part of the data, choose **merge** above instead.",
        icon=":material/warning:",
    )
    return st.checkbox(
        "I have checked the effect above: import anyway",
        key=f"confirm_removals_{token}",
        help="Rows removed or re-keyed stay in the history; a rollback brings them back.",
    )


def _sentence(confirmation: str) -> str:
    name, _, what = confirmation.partition(": ")
    return what or name


def _examples(name: str, eff) -> None:
    ex = eff.examples
    shown = {k: v for k, v in ex.items() if v is not None and len(v)}
    if not shown and not len(eff.key_changes):
        return
    label = ENTITIES[name].label
    with st.expander(f"Examples: {md(label.lower())} ({md(eff.summary())})"):
        titles = {
            "added": "Added (first rows)",
            "changed": "Changed fields (first rows)",
            "removed": "Removed (first rows)",
            "duplicates": "Already stored, left out (first rows)",
        }
        for kind, title in titles.items():
            if kind in shown:
                st.caption(title)
                table(_example(shown[kind]), key=f"ex_{name}_{kind}")
        if len(eff.key_changes):
            st.caption(f"Same {md(label.lower())} under a new id ({len(eff.key_changes):,})")
            table(_example(eff.key_changes.head(effect.EXAMPLES)), key=f"ex_{name}_keys")


def _example(frame: pd.DataFrame) -> pd.DataFrame:
    """Example rows with vocabulary names: changed fields in words, keys as ids."""
    out = frame.rename(columns={"old key": "old_key", "new key": "new_key"})
    if "field" in out:
        out["field"] = out["field"].map(label)
    return out


def moved_notice(base: int | None, current: int, changes: list[str]) -> None:
    """The store changed since the files were checked: say how, and that the effect below is
    computed again against the data stored now."""
    lines = "\n".join(f"- {md(c)}" for c in changes) or "- (no details)"
    st.warning(
        f"**The data changed since you checked these files** (version {base or 0:d}, now "
        f"{current:d}):\n\n"
        + lines
        + f"\n\nThe files were checked again against version {current:d}. "
        "Review what the import will do below, then press Import again.",
        icon=":material/sync_problem:",
    )
