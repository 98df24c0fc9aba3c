"""Every option the app and the CLI read, declared once: name, default, help.

Why one place: options read in many modules drift from their documentation. Each option is an
environment variable (values in `.streamlit/secrets.toml` under `[pmo]` are accepted too, for
deployments that keep configuration with their secrets); `tests/test_settings.py` checks that
the README's options table lists exactly these.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    """One option: its environment variable, default (as text) and what it does."""

    name: str
    default: str
    help: str

    def raw(self) -> str:
        """The configured text: environment first, then secrets.toml `[pmo]`, then the default."""
        value = os.environ.get(self.name)
        if value is None:
            value = _secrets().get(self.name)
        return self.default if value in (None, "") else str(value)

    def number(self) -> float:
        """The option read as a number (the default when it is not one)."""
        try:
            return float(self.raw())
        except ValueError:
            return float(self.default)

    def flag(self) -> bool:
        """The option read as yes/no (1, true, yes, on)."""
        return self.raw().strip().lower() in ("1", "true", "yes", "on")


def _secrets() -> dict[str, str]:
    """`[pmo]` of `.streamlit/secrets.toml` when present (read without Streamlit)."""
    path = REPO_ROOT / ".streamlit" / "secrets.toml"
    if not path.exists():
        return {}
    import tomllib

    try:
        return dict(tomllib.loads(path.read_text()).get("pmo", {}))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


PMO_DB = Setting(
    "PMO_DB",
    "data/pmo.duckdb",
    "the store: a DuckDB file path, or `postgresql://user@host:port/db` for a team store "
    "(the CLI's `--db` overrides it)",
)
PMO_NO_DEMO = Setting(
    "PMO_NO_DEMO", "", "set to `1` to start with an empty store instead of demo data"
)

PMO_LOCK_TIMEOUT = Setting(
    "PMO_LOCK_TIMEOUT",
    "30",
    "seconds a write (or an app server's first read of a DuckDB file) waits for another "
    "writer to finish before giving up with a clear message; nothing is changed",
)
PMO_DB_POOL_SIZE = Setting(
    "PMO_DB_POOL_SIZE",
    "4",
    "connections each app server or CLI keeps open to a PostgreSQL team store at most",
)

PMO_ADMINS = Setting(
    "PMO_ADMINS",
    "",
    "with sign-in: comma-separated emails of the first admins, who may edit the access table "
    "even before it lists anyone (a new deployment is never locked out)",
)
PMO_SESSION_HOURS = Setting(
    "PMO_SESSION_HOURS",
    "12",
    "with sign-in: hours after signing in at the identity provider before the app asks again",
)

PMO_ORG_NAME = Setting(
    "PMO_ORG_NAME", "PMO Value Hub", "the organisation named on board packs and role briefs"
)
PMO_BRAND_COLOUR = Setting(
    "PMO_BRAND_COLOUR", "#1f6feb", "the accent colour of board packs and briefs, as `#rrggbb`"
)
PMO_CHROMIUM = Setting(
    "PMO_CHROMIUM",
    "",
    "path to Chromium or Chrome for the chart images in briefs (unset: found on `PATH`, "
    "e.g. Debian's `/usr/bin/chromium`)",
)

SETTINGS: tuple[Setting, ...] = (
    PMO_DB,
    PMO_NO_DEMO,
    PMO_LOCK_TIMEOUT,
    PMO_DB_POOL_SIZE,
    PMO_ADMINS,
    PMO_SESSION_HOURS,
    PMO_ORG_NAME,
    PMO_BRAND_COLOUR,
    PMO_CHROMIUM,
)


def db_location() -> str:
    """The configured store; a relative file path is taken from the repository root."""
    value = PMO_DB.raw()
    if "://" in value or Path(value).is_absolute():
        return value
    return str(REPO_ROOT / value)


def options_table() -> str:
    """The README's options table, generated from `SETTINGS`."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "unset"
        rows.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(rows)


def admins() -> frozenset[str]:
    """PMO_ADMINS as normalised emails."""
    return frozenset(e.strip().lower() for e in PMO_ADMINS.raw().split(",") if e.strip())


def session_hours() -> float:
    """PMO_SESSION_HOURS as a positive number (the default when unreadable)."""
    try:
        hours = float(PMO_SESSION_HOURS.raw())
    except ValueError:
        return float(PMO_SESSION_HOURS.default)
    return hours if hours > 0 else float(PMO_SESSION_HOURS.default)
