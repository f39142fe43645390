"""Entry point of the packaged application, ``sas-console``: the console by default.

``sas-console [options]`` is ``sas console [options]`` (so a double-click, or
``sas-console --self-test``, opens the console); a first argument naming
another sub-command (``sas-console server --db URL``, ``sas-console hub …``) or
``--version`` / ``--help`` goes to ``sas`` unchanged.  PyInstaller builds the
executable from this file (build.spec); from source it is installed as the
``sas-console`` script.
"""

from __future__ import annotations

import argparse
import sys

from app import cli

_TOP_LEVEL = {"-h", "--help", "--version"}
_VERBOSE = {"-v", "--verbose"}


def _commands() -> set[str]:
    parser = cli._build_parser()
    return {name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices}


def desktop_argv(argv: list[str]) -> list[str]:
    """The ``sas`` arguments for these ``sas-console`` arguments."""
    verbose = [a for a in argv[:1] if a in _VERBOSE]
    rest = argv[len(verbose):]
    if rest and (rest[0] in _TOP_LEVEL or rest[0] in _commands()):
        return argv
    return [*verbose, "console", *rest]


def main(argv: list[str] | None = None) -> int:
    return cli.main(desktop_argv(list(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    sys.exit(main())
