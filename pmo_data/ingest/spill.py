"""A plan crosses a process boundary as a pickle whose big arrays are files beside it.

Why: the check of a large upload runs in a child process (`child_plan`), and its plan (the
rows to load, the effect's table, the sheet as read) is several times the file. Pickled whole
it would be copied into the server's memory; here every large Arrow or numeric array is written
to its own file (Arrow IPC, `.npy`) and read back memory-mapped, so the server's process holds
only what the review touches (page cache, not heap) and the rest stays on disk until the import
reads it. Arrays are mapped copy-on-write (numpy) or read-only (Arrow, which never writes in
place), and the files may be unlinked once loaded: a mapping outlives its directory entry.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pyarrow as pa
from pandas.arrays import ArrowExtensionArray

SPILL_BYTES = 1 << 20  # arrays at least this large go to their own file


class _Pickler(pickle.Pickler):
    def __init__(self, fh, folder: Path):
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.folder, self.count = folder, 0

    def _name(self, suffix: str) -> str:
        self.count += 1
        return f"a{self.count}{suffix}"

    def persistent_id(self, obj):
        if isinstance(obj, ArrowExtensionArray) and obj.nbytes >= SPILL_BYTES:
            # pandas' own pickling combines the chunks (a copy of the column): write them as
            # they are, and keep the array's other state (its dtype) in the pickle
            name = self._name(".arrow")
            chunked = obj._pa_array
            table = pa.Table.from_arrays([chunked], names=["v"])
            path = str(self.folder / name)
            with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            state = {k: v for k, v in obj.__dict__.items() if k not in ("_pa_array", "_cache")}
            return ("arrow", name, type(obj), state)
        if (
            type(obj) is np.ndarray
            and obj.dtype != object
            and obj.nbytes >= SPILL_BYTES
            and not obj.dtype.hasobject
        ):
            name = self._name(".npy")
            np.save(self.folder / name, obj, allow_pickle=False)
            return ("numpy", name)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh, folder: Path):
        super().__init__(fh)
        self.folder = folder

    def persistent_load(self, pid):
        kind, name, *rest = pid
        path = self.folder / name
        if kind == "numpy":
            return np.asarray(np.load(path, mmap_mode="c", allow_pickle=False))
        if kind == "arrow":
            cls, state = rest
            # not closed here: the arrays keep the mapping alive
            chunked = pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all().column(0)
            arr = cls.__new__(cls)
            arr.__dict__.update(state, _pa_array=chunked, _cache={})
            return arr
        raise pickle.UnpicklingError(f"unknown spilled array {kind!r}")


def dump(obj, folder: Path) -> Path:
    """Pickle `obj` into `folder` (large arrays as files of their own); returns the pickle."""
    path = Path(folder) / "object.pickle"
    with path.open("wb") as fh:
        _Pickler(fh, Path(folder)).dump(obj)
    return path


def load(folder: Path):
    """The object `dump` wrote, its large arrays memory-mapped from their files."""
    with (Path(folder) / "object.pickle").open("rb") as fh:
        return _Unpickler(fh, Path(folder)).load()
