"""`python -m pmo_data ...`: scripted imports, validation, history, rollback, diff, template,
the access table, the audit log, and board packs / role briefs.

For analysts who automate the monthly load. Every failure is one clear line on stderr and a
non-zero exit (1: the data has errors or the action was refused; 2: bad usage, missing file,
store problem), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import duckdb

from pmo_data.ingest import effect, importer
from pmo_data.ingest.reading import ReadError
from pmo_data.schema import ENTITY_NAMES
from pmo_data.store.access import GROUPS, PermissionDenied
from pmo_data.store.audit import ACTIONS as AUDIT_ACTIONS
from pmo_data.store.team import is_postgres
from pmo_data.store.versions import Store, StoreError, default_db_path, program_viewer


class CliError(Exception):
    """A failure to report as one line (exit code in .code)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def _print_json(obj) -> None:
    print(json.dumps(obj, indent=2, default=str))


def _open(db: str | None, *, must_exist: bool = False) -> Store:
    path = db or default_db_path()
    on_disk = path != ":memory:" and not is_postgres(path)
    if must_exist and on_disk and not Path(path).exists():
        raise CliError(f"no store at {path}; import something first or pass --db")
    return Store(path)


def _report_out(plan, path: str | None, quiet: bool = False) -> None:
    if path:
        plan.report.to_excel(path)
        print(f"report written to {path}", file=sys.stderr if quiet else sys.stdout)


def _check_files(paths) -> None:
    for p in paths:
        if not Path(p).is_file():
            raise CliError(f"{p}: no such file")


def _modes(values: list[str] | None) -> str | dict[str, str] | None:
    """`--mode merge` (every entity) or `--mode feedback=append` (repeatable) -> modes."""
    if not values:
        return None
    out: dict[str, str] = {}
    for v in values:
        name, _, mode = v.rpartition("=")
        if mode not in effect.MODES or (name and name not in ENTITY_NAMES):
            raise CliError(
                f"--mode {v}: expected one of {', '.join(effect.MODES)}, optionally as "
                f"ENTITY=MODE with ENTITY one of {', '.join(ENTITY_NAMES)}"
            )
        if not name:
            if len(values) > 1:
                raise CliError("--mode: give one MODE for every entity, or ENTITY=MODE pairs")
            return mode
        out[name] = mode
    return out


def _effect_json(plan) -> dict:
    return {
        "base_version": plan.base_version,
        "entities": {
            name: {
                **e.to_dict(),
                "proposed": plan.proposals[name].mode,
                "why": plan.proposals[name].reason,
            }
            for name, e in plan.effects.items()
        },
        "needs_confirmation": plan.confirmations,
    }


def _print_effect(plan) -> None:
    if plan.effects:
        print(
            "\n".join(
                effect.effect_lines(plan.effects, plan.proposals, base_version=plan.base_version)
            )
        )


def cmd_import(args) -> int:
    _check_files(args.files)
    modes = _modes(args.mode)
    store = _open(args.db)
    try:
        plan = importer.plan(args.files, store, args.entity, modes=modes, survey_date=args.date)
        if not args.json:
            print("\n".join(plan.report.summary_lines()))
            _print_effect(plan)
        _report_out(plan, args.report, args.json)
        if args.dry_run:
            if args.json:
                out = {"version": None, "dry_run": True, "report": plan.report.to_dict()}
                _print_json({**out, "effect": _effect_json(plan)})
            else:
                print("dry run: nothing was written")
            return 1 if plan.has_errors else 0
        try:
            version = importer.apply(
                plan,
                store,
                accept_rejected=args.accept_rejected,
                allow_removals=args.allow_removals,
            )
        except importer.ImportBlocked as exc:
            if args.json:
                _print_json(
                    {
                        "version": None,
                        "refused": str(exc),
                        "report": plan.report.to_dict(),
                        "effect": _effect_json(plan),
                    }
                )
            first = str(exc).splitlines()[0]
            if isinstance(exc, importer.NeedsConfirmation):
                first += (
                    " — check the effect above; pass --allow-removals to confirm, or choose "
                    "another --mode (merge keeps the rows the file does not hold)"
                )
            raise CliError(f"import refused, store unchanged: {first}", 1) from None
        if args.json:
            _print_json(
                {"version": version, "report": plan.report.to_dict(), "effect": _effect_json(plan)}
            )
        else:
            counts = ", ".join(
                f"{k} {e.after} ({e.mode}: +{e.added} ~{e.changed} -{e.removed})"
                for k, e in plan.effects.items()
                if e.changes_anything
            )
            print(f"imported as version {version} ({counts}) into {store.path}")
    finally:
        store.close()
    return 0


def cmd_validate(args) -> int:
    _check_files(args.files)
    store = None
    path = args.db or default_db_path()
    if is_postgres(path) or Path(path).exists():  # remembered mappings, reference checks
        try:
            store = Store(path, read_only=True)
        except (StoreError, duckdb.Error):  # locked or not a store: validate without it
            store = None
    try:
        plan = importer.plan(
            args.files, store, args.entity, modes=_modes(args.mode), survey_date=args.date
        )
    finally:
        if store is not None:
            store.close()
    if args.json:
        _print_json({**plan.report.to_dict(), "effect": _effect_json(plan)})
    else:
        print("\n".join(plan.report.summary_lines()))
        _print_effect(plan)
    _report_out(plan, args.report, args.json)
    return 1 if plan.has_errors else 0


def cmd_demo(args) -> int:
    from pmo_data.demo import generate as demo  # written separately; heavy, so imported only here

    if args.workbook:
        demo.write_demo_workbook(args.workbook, scale=args.scale)
        print(f"demo workbook written to {args.workbook}")
        return 0
    store = _open(args.db)
    try:
        version = demo.load_demo(store, scale=args.scale)
        print(f"demo data loaded as version {version} into {store.path}: {store.counts()}")
    finally:
        store.close()
    return 0


def cmd_history(args) -> int:
    store = _open(args.db, must_exist=True)
    try:
        hist, current = store.history(), store.current_version()
    finally:
        store.close()
    records = hist.to_dict("records")
    if args.json:
        _print_json({"current": current, "versions": records})
        return 0
    if not records:
        print("no versions yet")
    for r in records:
        mark = "*" if r["version"] == current else " "
        files = ", ".join(f.get("name", "?") for f in r["files"]) or "-"
        rows = ", ".join(f"{k} {v}" for k, v in r["row_counts"].items())
        when = str(r["created_at"])[:19]
        print(f"{mark}{r['version']:>4}  {when}  {r['user_name']:<12} {r['action']:<8} {rows}")
        print(f"       files: {files}" + (f"  note: {r['note']}" if r["note"] else ""))
    return 0


def cmd_rollback(args) -> int:
    store = _open(args.db, must_exist=True)
    try:
        new = store.rollback(args.version)
    finally:
        store.close()
    print(f"rolled back to version {args.version}: now version {new}")
    return 0


def cmd_diff(args) -> int:
    store = _open(args.db, must_exist=True)
    try:
        d = store.diff(args.v1, args.v2)
    finally:
        store.close()
    if args.json:
        out = {
            name: {
                **x.summary,
                "changes": x.changed.head(1000).astype(str).to_dict("records"),
            }
            for name, x in d.items()
        }
        _print_json({"from": args.v1, "to": args.v2, "entities": out})
        return 0
    for name, x in d.items():
        s = x.summary
        print(f"{name:<10} +{s['added']} added  -{s['removed']} removed  ~{s['changed']} changed")
    return 0


def cmd_migrate(args) -> int:
    from pmo_data.store.migrate import copy_store

    source_path = getattr(args, "from")
    if not is_postgres(source_path) and not Path(source_path).exists():
        raise CliError(f"no store at {source_path}")
    source = Store(source_path)
    try:
        target = Store(args.to)
        try:
            print(f"copying {source.path} -> {target.path}")
            copied = copy_store(source, target, say=print)
            target.refresh()
            hist = target.history()
        finally:
            target.close()
    finally:
        source.close()
    print(
        f"migrated {len(hist)} versions ({sum(copied.values()):,} rows); current version "
        f"{hist['version'].max() if len(hist) else 0}. Point PMO_DB at {args.to.split('@')[-1]} "
        "(with its user) to use it."
    )
    return 0


def cmd_access_import(args) -> int:
    from pmo_data.store import access_table

    _check_files([args.file])
    try:
        grants = access_table.read_sheet(args.file)
    except access_table.AccessTableError as exc:
        raise CliError(f"{args.file}: access table not changed: {exc}", 1) from None
    store = _open(args.db)
    try:
        before = store.access_grants()
        version = access_table.save(
            store, grants, program_viewer(), f"imported {Path(args.file).name}"
        )
    finally:
        store.close()
    diff = access_table.changes(before, grants)
    print(
        f"access table: {len(grants)} rows ({len(diff['added'])} added, "
        f"{len(diff['removed'])} removed), access version {version}"
    )
    return 0


def cmd_access_list(args) -> int:
    store = _open(args.db, must_exist=True)
    try:
        grants, version = store.access_grants(), store.access_version()
    finally:
        store.close()
    if args.json:
        _print_json({"version": version, "rows": [g.__dict__ for g in grants]})
        return 0
    if not grants:
        print("the access table is empty (only PMO_ADMINS can sign in)")
    for g in grants:
        admin = "admin" if g.admin else ""
        print(f"{g.email:<36} {g.group:<16} {g.person or '-':<24} {admin}".rstrip())
    return 0


def cmd_audit(args) -> int:
    store = _open(args.db, must_exist=True)
    try:
        log = store.audit_log(action=args.action, actor=args.who, limit=args.limit)
    finally:
        store.close()
    records = log.to_dict("records")
    if args.json:
        for r in records:
            r["detail"] = json.loads(r["detail"]) if r["detail"] else None
        _print_json(records)
        return 0
    if not records:
        print("no audit entries")
    for r in records:
        when = str(r["logged_at"])[:19]
        print(f"{when}  {r['actor']:<28} {r['via']:<4} {r['action']:<13} {r['summary']}")
    return 0


def cmd_template(args) -> int:
    from pmo_data.ingest.template import write_template

    write_template(args.out)
    print(f"template written to {args.out}")
    return 0


def cmd_brief(args) -> int:
    from pmo_data import briefs  # plotly, python-pptx and reportlab: imported only here
    from pmo_data.briefs.style import StyleError, configured
    from pmo_data.store.access import Viewer
    from pmo_data.store.scope import people

    for out in args.out:
        if Path(out).suffix.lower().lstrip(".") not in briefs.FORMATS:
            raise CliError(f"--out must end in .pptx or .pdf, not {Path(out).name!r}")
    try:
        style = configured(args.org, args.colour)
    except StyleError as exc:
        raise CliError(str(exc)) from None
    viewer = Viewer(args.group, args.person or None)
    if viewer.needs_person and not args.person:
        raise CliError(f"--person is required for {GROUPS[args.group]} briefs (their scope)")
    store = _open(args.db, must_exist=True)
    try:
        if viewer.needs_person:
            known = people(store, args.group)
            if known and args.person not in known:
                some = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
                raise CliError(
                    f"{args.person!r} is not a {GROUPS[args.group]} in the data; one of: {some}"
                )
        content = briefs.packs.build(store, viewer, style=style)
        rendered = briefs.render(content)
    finally:
        store.close()
    for out in args.out:  # the same content and images in every format asked for
        data = briefs.write(content, Path(out).suffix.lower().lstrip("."), rendered)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
        print(
            f"{content.title} for {content.audience} ({len(content.slides) + 1} slides, "
            f"{len(data):,} bytes) written to {out}"
        )
    if content.empty:
        print(
            "warning: no data in this view yet: the brief says so; import exports first",
            file=sys.stderr,
        )
    if rendered.missing:
        print(
            f"warning: {rendered.missing}; the brief has tables but no chart images",
            file=sys.stderr,
        )
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pmo_data", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    db_help = "store: a DuckDB file or postgresql://... URL (default: $PMO_DB or data/pmo.duckdb)"

    def files_cmd(name, help_, func):
        s = sub.add_parser(name, help=help_)
        s.add_argument("files", nargs="+", metavar="FILE")
        s.add_argument("--db", help=db_help)
        s.add_argument("--as", dest="entity", choices=ENTITY_NAMES, help="treat sheets as")
        s.add_argument("--json", action="store_true", help="machine-readable report")
        s.add_argument("--report", metavar="OUT.xlsx", help="write the Excel import report")
        s.add_argument(
            "--mode",
            action="append",
            metavar="[ENTITY=]MODE",
            help="replace (the file is the whole list), merge (update by key, add new, keep "
            "the rest) or append (add new rows only); default: the proposal printed with the "
            "effect; repeat as ENTITY=MODE to set entities apart",
        )
        s.add_argument(
            "--date",
            type=_day,
            metavar="YYYY-MM-DD",
            help="survey date for response files with no date column (default: today)",
        )
        s.set_defaults(func=func)
        return s

    imp = files_cmd("import", "import files into the store as one new version", cmd_import)
    imp.add_argument(
        "--accept-rejected", action="store_true", help="load the good rows, leave rejected out"
    )
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="print the effect (rows added, changed, removed per entity) and write nothing",
    )
    imp.add_argument(
        "--allow-removals",
        action="store_true",
        help="confirm an effect that removes more "
        "than a fifth of an entity's rows or changes keys (named in the history entry)",
    )
    files_cmd(
        "validate", "dry run: report what an import would do (exit 1 on errors)", cmd_validate
    )
    s = sub.add_parser("demo", help="load deterministic demo data")
    s.add_argument("--db", help=db_help)
    s.add_argument("--scale", type=float, default=1.0, help="multiple of the reference size")
    s.add_argument("--workbook", metavar="OUT.xlsx", help="write the demo workbook instead")
    s.set_defaults(func=cmd_demo)
    s = sub.add_parser("history", help="list versions (newest first, * = current)")
    s.add_argument("--db", help=db_help)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_history)
    s = sub.add_parser("rollback", help="make an old version current again (as a new version)")
    s.add_argument("version", type=int)
    s.add_argument("--db", help=db_help)
    s.set_defaults(func=cmd_rollback)
    s = sub.add_parser("diff", help="what changed between two versions")
    s.add_argument("v1", type=int)
    s.add_argument("v2", type=int)
    s.add_argument("--db", help=db_help)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_diff)
    s = sub.add_parser(
        "migrate", help="copy a whole store, with its history, into a new empty store"
    )
    s.add_argument("--from", required=True, metavar="SOURCE", help="store to copy (file or URL)")
    s.add_argument(
        "--to", required=True, metavar="TARGET", help="new store, e.g. postgresql://user@host/db"
    )
    s.set_defaults(func=cmd_migrate)
    s = sub.add_parser("access", help="the access table: who sees which view")
    acc = s.add_subparsers(dest="access_command", required=True)
    a = acc.add_parser("import", help="replace the access table with a sheet (xlsx or csv)")
    a.add_argument("file", metavar="FILE", help="columns email, group, person, admin")
    a.add_argument("--db", help=db_help)
    a.set_defaults(func=cmd_access_import)
    a = acc.add_parser("list", help="print the access table")
    a.add_argument("--db", help=db_help)
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_access_list)
    s = sub.add_parser("audit", help="the audit log, newest first")
    s.add_argument("--db", help=db_help)
    s.add_argument("--json", action="store_true")
    s.add_argument("--action", choices=list(AUDIT_ACTIONS), help="only this kind of change")
    s.add_argument("--who", help="only entries whose actor contains this")
    s.add_argument("--limit", type=int, help="at most this many entries")
    s.set_defaults(func=cmd_audit)
    s = sub.add_parser(
        "brief", help="write a board pack or role brief (.pptx or .pdf) for one view"
    )
    s.add_argument("--group", required=True, choices=list(GROUPS), help="stakeholder group")
    s.add_argument("--person", help="the sponsor, manager, account lead or service owner")
    s.add_argument("--db", help=db_help)
    s.add_argument(
        "--out",
        required=True,
        action="append",
        metavar="FILE.pptx|FILE.pdf",
        help="where to write; give it twice for both formats from one build",
    )
    s.add_argument("--org", help="organisation name on the slides (default: $PMO_ORG_NAME)")
    s.add_argument("--colour", help="accent colour #rrggbb (default: $PMO_BRAND_COLOUR)")
    s.set_defaults(func=cmd_brief)
    s = sub.add_parser("template", help="write the blank import template")
    s.add_argument("out", metavar="OUT.xlsx")
    s.set_defaults(func=cmd_template)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except PermissionDenied as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ReadError, StoreError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        print(f"error: store: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "error: interrupted; the store is unchanged unless an import completed", file=sys.stderr
        )
        return 130
