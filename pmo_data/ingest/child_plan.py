"""The check of a large upload (`importer.plan`) in a child process, so other users don't wait.

Why: every Streamlit session is a thread of one server process, and planning a large file is
minutes of pandas and Arrow work that holds the GIL in long C calls: run in the server, it made
every other user's page several times slower and put its peak memory in the server. Here the
uploaded bytes are written to a temporary folder, `python -m pmo_data.ingest.child_plan` plans
them against the same store (opened read-only, pinned to the version the page read), sends the
progress steps back a line at a time, and writes the plan with `spill` (large arrays as files,
memory-mapped on the way back; one CSV is planned part by part, `streamed`, its rows written
as they are made). The server's thread only waits and relays the steps. The child
runs at a lower CPU priority and on one Arrow thread: a page is interactive, a check is not, and
on a small server the two would otherwise share the same cores evenly.

The plan that comes back is the one `importer.plan` returns, with the caller's inputs (so a
re-check or `importer.apply` works as before). Small uploads, and stores only this process can
see (':memory:'), are planned in the calling thread: a child costs about a second to start.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pyarrow as pa

from pmo_data.ingest import importer, spill, streamed
from pmo_data.ingest.plans import ImportPlan, Progress

log = logging.getLogger(__name__)

CHILD_NICE = 10  # the check's CPU priority below the server's (0 normal, 19 lowest)
APART_BYTES = 4 * 1024**2  # uploads at least this large are checked in a child process
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding this pmo_data
DONE = "__done__"


def store_location(store) -> str | None:
    """Where a child process finds the same store (None: only this process can see it)."""
    if store is None:
        return None
    backend = store.backend
    if getattr(backend, "memory", False):
        return None
    return getattr(backend, "dsn", None) or backend.location


def _size(source) -> int:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).stat().st_size
    return len(source)


def plan(
    inputs: list,
    store=None,
    force_entity: str | None = None,
    *,
    mapping_overrides: dict | None = None,
    on_step: Progress | None = None,
    audience: str = "cli",
    survey_date: date | None = None,
    apart: bool | None = None,
    stats: dict | None = None,
) -> ImportPlan:
    """`importer.plan` of [(name, bytes | path)], in a child process when `apart` (default:
    when the upload is at least APART_BYTES and a child can open the store).

    stats, if given, receives the child's peak resident memory (`child_peak`, bytes)."""
    location = store_location(store)
    if apart is None:
        apart = (store is None or location is not None) and (
            sum(_size(src) for _, src in importer._inputs(inputs)) >= APART_BYTES
        )
    kwargs = dict(mapping_overrides=mapping_overrides, audience=audience, survey_date=survey_date)
    if not apart:
        return importer.plan(inputs, store, force_entity, on_step=on_step, **kwargs)
    if store is not None and location is None:
        raise ValueError("this store is in memory: a child process cannot open it")
    job = dict(
        location=location,
        version=store.current_version() if store is not None else None,
        force_entity=force_entity,
        **kwargs,
    )
    out = _run(importer._inputs(inputs), job, on_step or (lambda *a: None), stats)
    out.inputs = importer._inputs(inputs)  # the caller's bytes: a re-check needs no temp files
    return out


def _run(inputs: list, job: dict, step: Progress, stats: dict | None) -> ImportPlan:
    with tempfile.TemporaryDirectory(prefix="pmo-check-") as tmp:
        folder = Path(tmp)
        files = []
        for i, (name, source) in enumerate(inputs):
            if isinstance(source, Path):
                files.append((name, str(source)))
                continue
            path = folder / f"upload-{i}"
            path.write_bytes(source)
            files.append((name, str(path)))
        job = {**job, "files": files, "folder": str(folder)}
        with (folder / "stderr").open("w+b") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pmo_data.ingest.child_plan"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                cwd=PACKAGE_ROOT,
            )
            try:
                proc.stdin.write(pickle.dumps(job))
                proc.stdin.close()
                peak = None
                for line in proc.stdout:
                    name, detail, fraction = json.loads(line)
                    if name == DONE:
                        peak = fraction
                    else:
                        step(name, detail, fraction)
                code = proc.wait()
            finally:  # the page was left or the run stopped: don't leave the child working
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stdout.close()
            if code or peak is None:
                err.seek(0)
                lines = err.read().decode(errors="replace").strip().splitlines()
                log.error("the check's child process failed (%s): %s", code, "\n".join(lines))
                raise RuntimeError(
                    "checking the files failed in its worker process"
                    + (f": {lines[-1]}" if lines else f" (exit code {code})")
                )
        if stats is not None:
            stats["child_peak"] = peak
        kind, value = spill.load(folder)  # large arrays stay mapped after the folder goes
    if kind == "error":
        raise value
    return value


def _peak() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    """The child: read the job from stdin, plan, write the plan, say done with the peak."""
    job = pickle.load(sys.stdin.buffer)
    os.nice(CHILD_NICE)  # pages are interactive, a check is not: theirs is the CPU first
    pa.set_cpu_count(1)  # and one core: the server's other sessions keep the rest
    pa.set_io_thread_count(1)
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr  # anything else printed must not break the step protocol

    def step(name: str, detail: str, fraction: float | None) -> None:
        channel.write(json.dumps([name, detail, fraction]) + "\n")

    store = None
    try:
        if job["location"] is not None:
            from pmo_data.store.versions import Store

            store = Store(job["location"], read_only=True)
            if job["version"] is not None:
                store = store.at(job["version"])
        files = [(name, Path(path)) for name, path in job["files"]]
        kwargs = dict(
            mapping_overrides=job["mapping_overrides"],
            on_step=step,
            audience=job["audience"],
            survey_date=job["survey_date"],
        )
        out = streamed.plan(files, store, job["force_entity"], folder=Path(job["folder"]), **kwargs)
        if out is None:  # not one CSV of one entity: the whole file at once
            out = importer.plan(files, store, job["force_entity"], **kwargs)
        result = ("plan", out)
    except Exception as exc:  # raised again in the server, as if planned there
        result = ("error", exc)
    finally:
        if store is not None:
            store.root.close()
    try:
        spill.dump(result, Path(job["folder"]))
    except Exception as exc:  # an exception that does not pickle: its message does
        spill.dump(
            ("error", RuntimeError(str(result[1]) if result[0] == "error" else exc)),
            Path(job["folder"]),
        )
    channel.write(json.dumps([DONE, "", _peak()]) + "\n")
    channel.close()


if __name__ == "__main__":
    main()
