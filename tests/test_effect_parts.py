"""The effect of a large upload, computed without copying the file's rows (issue 16): with a
folder, a merged or appended table is written part by part and mapped back. It must be the
effect made in memory (counts, fields, examples, key changes, the table and its dtypes), and
the table, sent to the server mapped (`spill`), must write the same snapshot on every backend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from pmo_data.demo.generate import load_demo
from pmo_data.ingest import effect, spill
from pmo_data.store.versions import Store


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr(effect, "TABLE_PART_ROWS", 37)  # many parts in a small file
    yield
    spill.forget()


@pytest.fixture(scope="module")
def demo():
    s = Store(":memory:")
    load_demo(s, scale=0.05)
    yield s
    s.close()


def _incoming(current: pd.DataFrame, name: str, seed: int) -> pd.DataFrame:
    """Some stored rows (a few values changed, blanks, an extra), new keys (some sharing a
    stored row's name: a key change), shuffled; the file's rows as the check makes them."""
    key = effect.entity(name).key
    rng = np.random.default_rng(seed)
    out = current.sample(frac=0.6, random_state=seed).copy()
    numbers = [c for c in out.columns if out[c].dtype == np.float64 and c != "sentiment"]
    for c in numbers[:2]:
        out.loc[out.sample(frac=0.3, random_state=seed).index, c] += 1
    out.loc[out.sample(frac=0.1, random_state=seed + 1).index, numbers[-1]] = np.nan
    gone = current.drop(out.index).head(3).copy()  # renamed: the same thing under a new key
    new = current.sample(n=8, random_state=seed + 2).copy()
    new[key] = new[key].astype(str) + "-new"
    out = pd.concat([out, new, gone.assign(**{key: gone[key].astype(str) + "-re"})])
    out["extra"] = np.where(rng.random(len(out)) < 0.3, '{"a": 1}', None)
    out = out.sample(frac=1, random_state=seed).reset_index(drop=True)
    for c in out.columns:
        if out[c].dtype == object or isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype("string")
    return out


def _same(parts: effect.Effect, whole: effect.Effect) -> None:
    assert parts.to_dict() == whole.to_dict() and parts.confirmations == whole.confirmations
    assert parts.table.dtypes.equals(whole.table.dtypes)
    pd.testing.assert_frame_equal(parts.table, whole.table)
    for kind, frame in whole.examples.items():
        pd.testing.assert_frame_equal(parts.examples[kind], frame)
    pd.testing.assert_frame_equal(parts.key_changes, whole.key_changes)


@pytest.mark.parametrize("name", ["projects", "feedback", "savings"])
@pytest.mark.parametrize("mode", effect.MODES)
def test_an_effect_written_in_parts_is_the_one_made_in_memory(tmp_path, demo, name, mode):
    current = demo.frame(name)
    incoming = _incoming(current, name, seed=len(name))
    whole = effect.compute(name, mode, current, incoming)
    parts = effect.compute(name, mode, current, incoming, tmp_path)
    assert whole.changes_anything and (mode == "replace" or whole.added == 8 + 3)
    if mode == "merge":
        assert whole.changed and whole.changed_fields
    _same(parts, whole)
    if mode != "replace":  # the new table is the files', not a copy in memory
        assert all(p.name.startswith(f"effect-{name}-") for p in tmp_path.iterdir())
        for c in parts.table.columns:
            arr = parts.table[c].array
            if hasattr(arr, "_pa_array"):
                assert spill._mapped_chunks(arr), c
            else:
                assert spill._in_region(getattr(arr, "_data", parts.table[c].to_numpy())), c
    key = effect.entity(name).key
    assert effect.propose(name, current[key], incoming[key]) == effect.propose(
        name, current[key].astype(object), incoming[key].astype(object)
    )


def test_the_files_keys_are_counted_exactly(monkeypatch):
    rng = np.random.default_rng(16)
    for size in (0, 1, 50, 400):
        values = [None if rng.random() < 0.1 else f"k{rng.integers(0, 60)}" for _ in range(size)]
        half = size // 2
        chunked = pa.chunked_array(
            [pa.array(values[:half], pa.large_string()), pa.array(values[half:], pa.large_string())]
        )
        assert effect._distinct(chunked) == len({v for v in values if v is not None})
    same = pa.chunked_array([pa.array(["a", "b", "c"])])  # every hash the same: compared as text
    monkeypatch.setattr(pd.util, "hash_array", lambda v, categorize: np.zeros(len(v), np.uint64))
    assert effect._distinct(same) == 3


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_table_written_in_parts_writes_the_same_snapshot(tmp_path, request, backend):
    """Sent mapped to the server (nullable row numbers, dates, text from the files) and
    written on either backend: the snapshot the table made in memory writes."""
    if backend == "duckdb":
        locations = [str(tmp_path / "a.duckdb"), str(tmp_path / "b.duckdb")]
    else:
        cluster = request.getfixturevalue("pg_cluster")
        locations = [cluster.create_schema(), cluster.create_schema()]
    stores = [Store(location) for location in locations]
    try:
        for s in stores:
            load_demo(s, scale=0.05)
        current = stores[0].frame("projects")
        incoming = _incoming(current, "projects", seed=3)
        for mode in ("merge", "append"):
            folder = tmp_path / mode
            folder.mkdir()
            table = effect.compute("projects", mode, current, incoming, folder).table
            spill.dump(table, folder)
            tables = [spill.load(folder), effect.compute("projects", mode, current, incoming).table]
            written = [
                s.frame("projects", s.write_version({"projects": t}, user="t"))
                for s, t in zip(stores, tables, strict=True)
            ]
            assert len(written[0]) == len(tables[1]) > len(current)
            pd.testing.assert_frame_equal(written[0], written[1])
    finally:
        for s in stores:
            s.close()


def test_a_large_plans_mode_changed_on_the_page_is_computed_in_a_folder(monkeypatch, demo):
    """The analyst changing a large upload's mode (the page's `choose`, no folder): the new
    effect is computed part by part in a temporary folder (gone after), the same effect as in
    memory; a small plan's stays in memory."""
    from pmo_data.ingest import applying, importer

    current = demo.frame("feedback")
    incoming = _incoming(current, "feedback", seed=3)
    data = incoming.drop(columns=[c for c in incoming if c.startswith("_")]).to_csv(index=False)
    folders = []
    compute = effect.compute

    def seen(name, mode, cur, inc, folder=None):
        folders.append(folder)
        return compute(name, mode, cur, inc, folder)

    monkeypatch.setattr(effect, "compute", seen)
    for large_rows, kept in [(10, True), (10**9, False)]:
        monkeypatch.setattr(applying, "LARGE_ROWS", large_rows)
        plan = importer.plan([("feedback.csv", data.encode())], demo)
        mode = "merge" if plan.effects["feedback"].mode != "merge" else "append"
        folders.clear()
        importer.choose(plan, demo, {"feedback": mode})
        assert len(folders) == 1 and (folders[0] is not None) == kept
        if kept:
            assert not folders[0].exists()  # the files go with the folder; the table is mapped
            assert not spill._REGIONS and not spill._CHUNKS
        whole = compute("feedback", mode, demo.frame("feedback"), plan.tables["feedback"])
        _same(plan.effects["feedback"], whole)
