"""The ``clusternet`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import ClusternetError, SchemaError

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

DATASETS = ("flanders-real",)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 bad input, 2 usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SchemaError as error:
        print(f"clusternet: the input does not fit the data model ({len(error.failure_cases)} problems):",
              file=sys.stderr)
        print(error.failure_cases.to_string(index=False, max_rows=50), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ClusternetError as error:
        print(f"clusternet: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clusternet", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    summary = commands.add_parser("summary", help="print what an input holds")
    _add_input(summary)
    summary.set_defaults(run=_summary)

    validate = commands.add_parser("validate", help="check an input and print every problem")
    _add_input(validate)
    validate.set_defaults(run=_validate)
    return parser


def _add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", nargs="?", help="a folder of tables (one file per table)")
    parser.add_argument("--dataset", choices=DATASETS, help="a bundled dataset instead of INPUT")


def _load(args):
    from . import datasets
    from .readers import read_ecosystem

    if args.dataset == "flanders-real":
        return datasets.load_flanders()
    if not args.input:
        raise ClusternetError("give an INPUT folder or --dataset")
    return read_ecosystem(Path(args.input))


def _summary(args) -> int:
    print(_load(args).describe())
    return EXIT_OK


def _validate(args) -> int:
    ecosystem = _load(args)
    print(ecosystem.describe())
    print("valid: no problems found")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
