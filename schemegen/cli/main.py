"""Command line: argument parsing, file I/O, output streams and exit codes."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

from schemegen import __version__
from schemegen.cli.common import Exit, UsageError, err

if TYPE_CHECKING:
    pass


class _ArgumentError(Exception):
    """argparse refused the command line; `main` prints it as one line with a hint."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line (the README's promise for exit 2), and whose help
    formatter keeps shutil off the start-up path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise _ArgumentError(message, self.prog)


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:  # argparse keeps no public list of a parser's options
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found |= _option_strings(child)
    return found


def _did_you_mean(argv: Sequence[str], known: Collection[str]) -> str:
    """` (did you mean `--app-scheme`?)` for the first unknown long option in `argv`."""
    import difflib

    for arg in argv:
        if arg == "--":
            break
        name = arg.split("=", 1)[0]
        if not name.startswith("--") or name in known:
            continue
        dashed = name.replace("_", "-")
        guess = [dashed] if dashed in known else difflib.get_close_matches(name, known, 1, 0.75)
        if guess:
            return f" (did you mean `{guess[0]}`?)"
    return ""


# The command modules, imported only for the command being run (start-up of `lint`).
ADDERS = {
    "generate": "schemegen.cli.generate",
    "list": "schemegen.cli.list",
    "lint": "schemegen.cli.lint",
    "rules": "schemegen.cli.rules",
    "apply": "schemegen.cli.apply",
    "registry": "schemegen.cli.registry",
}


def _version() -> str:
    from schemegen.registry import snapshot

    shipped = snapshot.shipped()
    if shipped is not None:
        return f"schemegen {__version__} (registry {shipped.version}, updated {shipped.updated})"
    from schemegen.registry import load
    from schemegen.registry import model as registry

    try:
        from schemegen.registry.cache import parse_cached

        data = load.load_shipped(parse_cached).data
        return f"schemegen {__version__} (registry {data['version']}, updated {data['updated']})"
    except registry.RegistryError:
        return f"schemegen {__version__} (registry unreadable)"


@lru_cache(maxsize=1)  # argparse builds a formatter per option; the terminal stays as it is
def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil (bz2, lzma, fnmatch)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, width or _terminal_columns() - 2
        )


def build_parser(commands: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser, with every subcommand or only those in `commands`.

    Option tables import the modules that hold their choices (generate pulls in render,
    registry pulls in registry_tools): building only the subcommand being run keeps those
    imports off the start-up path of `lint`.
    """
    parser: argparse.ArgumentParser = _Parser(
        prog="schemegen",
        description="Registry, generator and linter for Korean payment-app URL schemes.",
    )
    parser.add_argument("--version", action="store_true", help="print tool and registry version")
    if commands is not None and not commands:
        return parser
    sub: argparse._SubParsersAction[argparse.ArgumentParser]
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from importlib import import_module

    for name, module in ADDERS.items():
        if commands is None or name in commands:
            import_module(module).add_parser(sub)
    return parser


def _needed_commands(argv: Sequence[str]) -> tuple[str, ...] | None:
    """The subcommands `argv` can reach: its command, none for a bare --version, else all."""
    for index, arg in enumerate(argv):
        if arg in ("-h", "--help", "--"):
            return None
        if not arg.startswith("-"):
            return (arg,) if arg in ADDERS else None
        if arg != "--version" or index:
            return None
    return () if argv else None


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up makes only long-lived objects (modules, the parser, the registry): collecting
    # garbage among them is a twentieth of `lint FILE`. Commands that go on to make and drop
    # many objects turn collection back on (`collect_from_here`); main restores the caller's.
    collecting, thresholds = gc.isenabled(), gc.get_threshold()
    gc.disable()
    try:
        return _main(sys.argv[1:] if argv is None else list(argv))
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        (gc.enable if collecting else gc.disable)()


def console() -> NoReturn:
    """The `schemegen` command (and `python -m schemegen`): `main`, then the process's exit."""
    code = main()
    # At exit the interpreter collects garbage over every object (modules, the registry) just
    # before freeing them all anyway: a tenth of `lint FILE`. Collections skip frozen objects.
    gc.freeze()
    sys.exit(code)


def _main(argv: list[str]) -> int:
    parser = build_parser(_needed_commands(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return Exit.OK if exit_.code in (0, None) else Exit.ERROR
    except _ArgumentError as error:
        hint = _did_you_mean(argv, _option_strings(parser))
        command = error.prog.removeprefix("schemegen").strip()
        where = f"{command}: " if command else ""
        err(f"{where}{error}{hint}; see `{error.prog} --help`")
        return Exit.ERROR
    if args.version:
        print(_version())
        return Exit.OK
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return Exit.ERROR
    from schemegen.registry.model import RegistryError
    from schemegen.registry.selection import SelectionError

    try:
        return int(args.run(args))
    except UsageError as error:
        err(str(error))
    except RegistryError as error:
        for problem in error.problems:
            err(str(problem))
    except SelectionError as error:
        err(str(error))
    except KeyboardInterrupt:
        err("interrupted")
    except Exception as error:
        if os.environ.get("SCHEMEGEN_DEBUG"):
            raise
        err(f"internal error: {type(error).__name__}: {error} (set SCHEMEGEN_DEBUG=1 for details)")
    return Exit.ERROR
