"""`schemegen registry`: check, diff, show, export and scan for maintainers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from schemegen.cli.common import (
    Exit,
    UsageError,
    add_ios_limit_option,
    add_no_config_option,
    add_registry_option,
    check_ios_limit,
    err,
    load_registry,
    overlays_for,
    read_text_file,
)

if TYPE_CHECKING:
    pass


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from schemegen.registry.export import EXPORTS

    p = sub.add_parser(
        "registry", help="check, diff, show and export the registry; scan manifests for new values"
    )
    rsub = p.add_subparsers(dest="registry_command", metavar="SUBCOMMAND")
    p.set_defaults(run=lambda args: _missing_subcommand(p))

    c = rsub.add_parser("check", help="validate schemes.yaml and overlays (near misses for review)")
    c.add_argument("files", nargs="*", metavar="FILE", help="overlay files to validate with it")
    c.add_argument(
        "--base",
        metavar="FILE",
        help="registry file to check instead of the installed schemes.yaml",
    )
    c.add_argument("--strict", action="store_true", help="review notes fail too (exit 1)")
    add_registry_option(c)
    add_no_config_option(c)
    c.set_defaults(run=_registry_check)

    d = rsub.add_parser("diff", help="what changed between two registry versions (for a PR)")
    d.add_argument(
        "old",
        metavar="OLD",
        help="a file, or a git revision (HEAD~1 = schemes.yaml at that revision)",
    )
    d.add_argument(
        "new",
        nargs="?",
        metavar="NEW",
        help="a file or git revision (default: the working schemes.yaml)",
    )
    d.add_argument(
        "--file",
        default="schemes.yaml",
        help="the registry's path in the repository, for revisions (default schemes.yaml)",
    )
    d.add_argument("--format", choices=("text", "json"), default="text")
    add_ios_limit_option(d)
    d.set_defaults(run=_registry_diff)

    s = rsub.add_parser("show", help="a table of apps, apps in detail, or the effective registry")
    s.add_argument("ids", nargs="*", metavar="ID", help="apps to show in detail")
    s.add_argument(
        "--effective",
        action="store_true",
        help="print the effective registry after overlays as YAML",
    )
    add_registry_option(s)
    add_no_config_option(s)
    s.set_defaults(run=_registry_show)

    e = rsub.add_parser("export", help="all apps as markdown (docs/registry.md), json or csv")
    e.add_argument("--format", choices=tuple(EXPORTS), default="markdown")
    add_registry_option(e)
    add_no_config_option(e)
    e.set_defaults(run=_registry_export)

    n = rsub.add_parser(
        "scan", help="list schemes and packages in manifests/plists the registry does not know"
    )
    n.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="AndroidManifest.xml / Info.plist files or directories to search",
    )
    n.add_argument("--format", choices=("text", "json"), default="text")
    add_registry_option(n)
    add_no_config_option(n)
    n.set_defaults(run=_registry_scan)


def _missing_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return Exit.ERROR


def _registry_check(args: argparse.Namespace) -> int:
    from schemegen.registry.check import check_files

    names = [*overlays_for(args), *args.files]
    texts = [(name, read_text_file(name, "registry overlay")) for name in names]
    base_text = (args.base, read_text_file(args.base, "registry")) if args.base else None
    checked = check_files(base_text, texts)
    result = checked.result
    for finding in result.findings:
        print(finding)
    failing = result.failing if args.strict else result.errors
    what = checked.origin + (f" + {len(names)} overlay(s)" if names else "")
    counts = f"{len(result.errors)} error(s), {len(result.reviews)} review note(s)"
    if failing:
        err(f"{what}: {counts}")
        return Exit.FINDINGS
    assert result.registry is not None
    err(
        f"{what}: registry {result.registry.version} is valid ({len(result.registry.apps)} "
        f"apps); {counts}"
    )
    return Exit.OK


def _registry_diff(args: argparse.Namespace) -> int:
    from schemegen.registry import diff, load
    from schemegen.registry.revisions import RevisionError, registry_source

    check_ios_limit(args.ios_query_limit)
    try:
        old_label, old_text = registry_source(args.old, args.file)
        new_label, new_text = registry_source(args.new, args.file)
    except RevisionError as error:
        raise UsageError(str(error)) from None
    old = load.parse_yaml(old_text, old_label)
    new = load.parse_yaml(new_text, new_label)
    result = diff.diff(old, new, old_label, new_label, args.ios_query_limit)
    if args.format == "json":
        sys.stdout.write(diff.diff_json(result))
    else:
        sys.stdout.write(diff.diff_text(result))
    return Exit.OK


def _registry_show(args: argparse.Namespace) -> int:
    from schemegen.registry import export
    from schemegen.registry.schemes import near_misses

    reg = load_registry(overlays_for(args))
    if args.effective:
        if args.ids:
            raise UsageError("--effective prints the whole registry; give no ids")
        sys.stdout.write(export.effective_yaml(reg))
        return Exit.OK
    if not args.ids:
        sys.stdout.write(export.show_table(reg.apps))
        return Exit.OK
    for app_id in args.ids:
        if app_id not in reg.by_id:
            hint = near_misses(app_id, reg.by_id)
            raise UsageError(
                f"unknown app id `{app_id}`"
                + (f"; did you mean {', '.join(hint)}?" if hint else "")
            )
    sys.stdout.write("\n".join(export.show_detail(reg.by_id[i], reg) for i in args.ids))
    return Exit.OK


def _registry_export(args: argparse.Namespace) -> int:
    from schemegen.registry.export import EXPORTS

    sys.stdout.write(EXPORTS[args.format](load_registry(overlays_for(args))))
    return Exit.OK


def _scan_files(paths: Sequence[str]) -> list[str]:
    """The manifests and plists under `paths`, found exactly as `lint` finds them."""
    from schemegen.lint.run import discover

    found, missing = discover(paths)
    if missing:
        raise UsageError(f"{missing[0].path}: no such file or directory")
    return found


def _registry_scan(args: argparse.Namespace) -> int:
    from schemegen.core import parsing
    from schemegen.registry import scan

    reg = load_registry(overlays_for(args, args.paths))
    files = _scan_files(args.paths)
    occurrences: list[scan.Occurrence] = []
    unreadable = []
    for path in files:
        try:
            occurrences += scan.read_occurrences(parsing.read_document(path))
        except scan.ScanError as error:
            unreadable.append(str(error))
            err(f"warning: {error}")
    result = scan.scan(reg, occurrences, [str(f) for f in files], unreadable)
    if args.format == "json":
        sys.stdout.write(scan.scan_json(result, reg))
    else:
        sys.stdout.write(scan.scan_text(result, reg))
    err(
        f"scanned {len(files)} file(s): {len(result.unknown)} unknown value(s), "
        f"{len(result.aliases)} alias(es), {len(result.non_payment)} reviewed non-payment, "
        f"{result.known} known"
    )
    return Exit.OK
