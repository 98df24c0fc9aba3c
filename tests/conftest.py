"""Shared fixtures: an in-memory store, a temporary store path, and the real sample files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_data.store import Store

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "real"


def real_file(name: str) -> Path:
    """A file from ../shared/samples/real, or skip the test when it is not there."""
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real sample {name} not available")
    return path


@pytest.fixture
def store():
    """An empty in-memory store."""
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture
def tmp_db(tmp_path) -> Path:
    """A path for a store file that does not exist yet."""
    return tmp_path / "pmo.duckdb"
