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

import mmap
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowExtensionArray

SPILL_BYTES = 1 << 20  # arrays at least this large go to their own file
MASKED = (pd.arrays.IntegerArray, pd.arrays.FloatingArray, pd.arrays.BooleanArray)


def array_state(arr: ArrowExtensionArray) -> dict:
    """An Arrow-backed pandas array's own state (its dtype) without its data."""
    return {k: v for k, v in arr.__dict__.items() if k not in ("_pa_array", "_cache")}


def wrap_chunks(cls: type, state: dict, chunked: pa.ChunkedArray) -> ArrowExtensionArray:
    """An array of type `cls` with `state` around `chunked`, without the copy pandas'
    constructor makes."""
    arr = cls.__new__(cls)
    arr.__dict__.update(state, _pa_array=chunked, _cache={})
    return arr


class _Pickler(pickle.Pickler):
    def __init__(self, fh, folder: Path):
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.folder, self.count = folder, 0

    def _name(self, suffix: str) -> str:
        self.count += 1
        return f"a{self.count}{suffix}"

    def persistent_id(self, obj):
        if isinstance(obj, ArrowExtensionArray) and (found := _mapped_chunks(obj)):
            return ("arrowchunks", found, obj._pa_array.type, type(obj), array_state(obj))
        if isinstance(obj, np.ndarray) and (found := _in_region(obj)):
            return found
        if isinstance(obj, ArrowExtensionArray) and obj.nbytes >= SPILL_BYTES:
            # pandas' own pickling combines the chunks (a copy of the column): write them as
            # they are, and keep the array's other state (its dtype) in the pickle
            name = self._name(".arrow")
            chunked = obj._pa_array
            table = pa.Table.from_arrays([chunked], names=["v"])
            path = str(self.folder / name)
            with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            return ("arrow", name, type(obj), array_state(obj))
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
        self.folder, self.tables = folder, {}

    def _arrow(self, path: Path) -> pa.Table:
        return _mapped_table(path)[1]

    def persistent_load(self, pid):
        kind, name, *rest = pid
        path = self.folder / name if isinstance(name, str) else None
        if kind == "npmap":
            offset, dtype, shape = rest
            if not int(np.prod(shape)):
                return np.empty(shape, dtype=dtype)
            return np.memmap(path, dtype=dtype, mode="c", offset=offset, shape=tuple(shape))
        if kind == "arrowchunks":
            typ, cls, state = rest
            chunks = []
            for file, column, i in name:
                if file not in self.tables:
                    self.tables[file] = self._arrow(self.folder / file)
                chunks.append(self.tables[file].column(column).chunk(i))
            return wrap_chunks(cls, state, pa.chunked_array(chunks, type=typ))
        if kind == "numpy":
            return np.asarray(np.load(path, mmap_mode="c", allow_pickle=False))
        if kind == "arrow":
            cls, state = rest
            return wrap_chunks(cls, state, self._arrow(path).column(0))
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


# -- frames written part by part, read back mapped ---------------------------------------------
# Arrays of mapped frames, so the pickle names their file instead of writing them again:
# numpy columns by the address range of their mapping, Arrow columns by their first buffer.
# Each entry holds its array, so no other array can take its address while it is named here.
_REGIONS: dict[int, tuple] = {}  # start address -> (length, file, file offset, array)
_CHUNKS: dict[tuple, tuple] = {}  # _chunk_key -> (file, column, batch, chunk)


_MAPS: list = []  # the mappings of those frames (see `drop_pages`)


def forget() -> None:
    """Name no mapped frame any more (the frames written so far are not used)."""
    _REGIONS.clear()
    _CHUNKS.clear()
    _MAPS.clear()


def drop_pages() -> None:
    """Let go of the pages of mapped frames this process has read (they stay in the page
    cache and are read again if touched): a check reads a column or a part at a time, and
    without this every page it ever read would count in its memory until it ends."""
    for view in _MAPS:
        view.madvise(mmap.MADV_DONTNEED)


def _chunk_key(chunk) -> tuple | None:
    data = chunk.buffers()[-1]
    if data is None or chunk.offset:
        return None
    return (data.address, len(chunk))


def _mapped_chunks(arr) -> list | None:
    """[(file, column, batch)] when every chunk of the array is a mapped frame's, else None
    (frames made of mapped frames, such as their concatenation, are named, not copied)."""
    chunks = arr._pa_array.chunks
    found = [_CHUNKS.get(_chunk_key(c)) for c in chunks]
    if not chunks or any(f is None for f in found):
        return None
    return [f[:3] for f in found]


def _in_region(arr: np.ndarray) -> tuple | None:
    """('npmap', file, offset, dtype, shape) for a C-contiguous view of a registered mapping."""
    if not _REGIONS or arr.dtype.hasobject or not arr.flags.c_contiguous or not arr.size:
        return None
    addr = arr.__array_interface__["data"][0]
    for start, (length, name, offset, _) in _REGIONS.items():
        if start <= addr and addr + arr.nbytes <= start + length:
            return ("npmap", name, offset + addr - start, arr.dtype.str, list(arr.shape))
    return None


class FrameWriter:
    """A DataFrame appended part by part to files in `folder`: numeric and date columns as raw
    arrays (one file each, read back as numpy memory maps; a nullable column such as "Int64"
    as its values and its mask), text columns as one Arrow IPC file (a record batch per part).
    Text held as Python objects is written as Arrow text and comes back as the "string" dtype.
    `Unsupported` for a dtype it cannot map or a part whose columns differ from the first's."""

    class Unsupported(Exception):
        pass

    def __init__(self, folder: Path, stem: str):
        self.folder, self.stem = Path(folder), stem
        self.columns: list | None = None
        self.kinds: list[tuple] = []
        self.rows = 0
        self.raw: dict[int, object] = {}
        self.arrow = None

    @classmethod
    def _kind(cls, s: pd.Series) -> tuple:
        dt = s.dtype
        if isinstance(dt, np.dtype) and dt.kind in "fiubmM":
            return ("numpy", dt.str)
        if isinstance(s.array, MASKED):
            return ("masked", str(dt))
        if isinstance(s.array, ArrowExtensionArray):
            return ("arrow", str(dt))
        if dt == np.dtype(object):  # text as Python objects: written and read back as "string"
            return ("arrow", "string")
        raise cls.Unsupported(f"{s.name}: {dt}")

    def append(self, frame: pd.DataFrame) -> None:
        if self.columns is None:
            self.columns = list(frame.columns)
            self.kinds = [self._kind(frame[c]) for c in self.columns]
        elif list(frame.columns) != self.columns:
            raise self.Unsupported("the parts' columns differ")
        arrays, names = [], []
        for j, (c, kind) in enumerate(zip(self.columns, self.kinds, strict=True)):
            s = frame[c]
            if self._kind(s) != kind:
                raise self.Unsupported(f"{c}: {s.dtype} after {kind}")
            if kind[0] == "numpy":
                self._write(j, "bin", s.to_numpy())
                continue
            if kind[0] == "masked":
                self._write(j, "bin", s.array._data)
                self._write(j, "mask", s.array._mask)
                continue
            if isinstance(s.array, ArrowExtensionArray):
                arr = s.array._pa_array.combine_chunks()
            else:
                try:
                    arr = pa.array(s.to_numpy(), type=pa.large_string(), from_pandas=True)
                except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                    raise self.Unsupported(f"{c}: {exc}") from None
            arrays.append(arr)
            names.append(str(j))
        if arrays:
            batch = pa.RecordBatch.from_arrays(arrays, names=names)
            if self.arrow is None:
                sink = pa.OSFile(str(self.folder / f"{self.stem}.arrow"), "wb")
                self.arrow = (sink, pa.ipc.new_file(sink, batch.schema))
            try:
                self.arrow[1].write_batch(batch)
            except pa.ArrowInvalid as exc:
                raise self.Unsupported(str(exc)) from None
        self.rows += len(frame)

    @classmethod
    def keeps(cls, frame: pd.DataFrame) -> bool:
        """Whether every column of `frame` comes back with its own dtype (text held as Python
        objects comes back as "string")."""
        try:
            kinds = [cls._kind(frame[c]) for c in frame.columns]
        except cls.Unsupported:
            return False
        return frame.columns.is_unique and all(
            k[0] != "arrow" or isinstance(frame[c].array, ArrowExtensionArray)
            for c, k in zip(frame.columns, kinds, strict=True)
        )

    def abandon(self) -> None:
        """Close the files without reading them back (the frame is made another way)."""
        for fh in self.raw.values():
            fh.close()
        if self.arrow is not None:
            self.arrow[1].close()
            self.arrow[0].close()

    def _write(self, j: int, suffix: str, arr: np.ndarray) -> None:
        if (j, suffix) not in self.raw:
            self.raw[(j, suffix)] = (self.folder / f"{self.stem}.{j}.{suffix}").open("wb")
        self.raw[(j, suffix)].write(np.ascontiguousarray(arr).tobytes())

    def close(self) -> pd.DataFrame:
        """The whole frame, mapped from the files (register it with `spill`)."""
        for fh in self.raw.values():
            fh.close()
        if self.arrow is not None:
            self.arrow[1].close()
            self.arrow[0].close()
        return mapped_frame(self.folder, self.stem, self.columns or [], self.kinds, self.rows)


def mapped_frame(folder: Path, stem: str, columns: list, kinds: list, rows: int) -> pd.DataFrame:
    """A `FrameWriter`'s frame, its columns mapped from its files and registered, so `dump`
    names the files instead of copying the data."""
    folder = Path(folder)
    table = None
    if any(k[0] not in ("numpy", "masked") for k in kinds):
        view, table = _mapped_table(folder / f"{stem}.arrow")
        _MAPS.append(view)
    out = {}
    for j, (c, (kind, dtype)) in enumerate(zip(columns, kinds, strict=True)):
        if kind == "numpy":
            arr = _raw(folder / f"{stem}.{j}.bin", np.dtype(dtype), rows)
            out[c] = pd.Series(arr, copy=False, name=c)
            continue
        if kind == "masked":
            cls = type(pd.array([], dtype=dtype))
            values = _raw(folder / f"{stem}.{j}.bin", pd.api.types.pandas_dtype(dtype).type, rows)
            mask = _raw(folder / f"{stem}.{j}.mask", np.dtype(bool), rows)
            out[c] = pd.Series(cls(values, mask, copy=False), copy=False, name=c)
            continue
        chunked = table.column(str(j))
        if chunked.num_chunks == 0:
            chunked = pa.chunked_array([pa.array([], type=chunked.type)])
        like = pd.array([], dtype=dtype)
        arr = wrap_chunks(type(like), array_state(like), chunked)
        for i, chunk in enumerate(chunked.chunks):
            if (key := _chunk_key(chunk)) is not None:
                _CHUNKS[key] = (f"{stem}.arrow", str(j), i, chunk)
        out[c] = pd.Series(arr, copy=False, name=c)
    return pd.DataFrame(out, columns=columns, copy=False)


def _mapped_table(path: Path) -> tuple[mmap.mmap, pa.Table]:
    """An Arrow IPC file's table, mapped (its arrays keep the mapping alive). Reading it reads
    each record batch's header: those pages, and the ones the kernel maps around them (~3 MB
    for a file of 16 batches, ~1 MB without), are let go; a review never reads them."""
    with path.open("rb") as fh:
        view = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    view.madvise(mmap.MADV_RANDOM)  # only the headers: not the pages around them
    table = pa.ipc.open_file(pa.BufferReader(pa.py_buffer(view))).read_all()
    view.madvise(mmap.MADV_DONTNEED)
    view.madvise(mmap.MADV_NORMAL)  # an import reads the columns through: read ahead
    return view, table


def _raw(path: Path, dtype: np.dtype, rows: int) -> np.ndarray:
    """A `FrameWriter`'s raw column mapped copy-on-write and registered (empty: in memory)."""
    if not rows:
        return np.empty(0, dtype=dtype)
    arr = np.memmap(path, dtype=dtype, mode="c", shape=(rows,))
    _REGIONS[arr.__array_interface__["data"][0]] = (arr.nbytes, path.name, 0, arr)
    _MAPS.append(arr._mmap)
    return np.asarray(arr)
