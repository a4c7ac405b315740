"""The ``clusternet`` command line: report, validate, export, summary.

Exit codes: 0 success, 1 bad input (the failure table or a one-line reason is printed, never a
traceback), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .errors import ClusternetError, SchemaError

__all__ = ["main", "EXIT_OK", "EXIT_BAD_INPUT", "EXIT_USAGE"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

# Named as in clusternet.datasets: flanders = load_flanders(), flanders-synthetic = synthetic_ecosystem().
DATASETS = ("flanders", "flanders-synthetic")
# clusternet 0.1 called the synthetic ecosystem "flanders" and the real tables "flanders-real".
_RENAMED_DATASETS = {"flanders-real": "flanders"}
EXPORT_FORMATS = ("gexf", "graphml", "vosviewer")

_PROVENANCE = {
    "flanders-synthetic": (
        "Real and synthetic parts. REAL, from the 2020 evaluation of the Flemish cluster policy "
        "(IDEA Consult and Technopolis): the 6 spearhead clusters (SPC) and 20 innovative business "
        "networks (IBN) of its Tabel 3, the IBN-SPC niche relations its text names, the intercluster "
        "projects of Tabel 10 and 11 and the Moonshot board. SYNTHETIC, generated with seed 0 and "
        "calibrated to the report's published figures (member counts, sectors, SME share, ownership, "
        "retention, projects per instrument of Tabel 6-8): every member firm, membership, cluster "
        "project and participation. The report publishes no member lists; no firm named here is real."
    ),
    "flanders": (
        "Real data only, from the 2020 evaluation of the Flemish cluster policy (IDEA Consult and "
        "Technopolis): the 6 SPCs and 20 IBNs of Tabel 3, the IBN-SPC niche relations, the intercluster "
        "projects of Tabel 10 and 11 and the Moonshot board. The report publishes no member lists, "
        "so membership and organisation analyses are left out."
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Examples
    --------
    >>> from clusternet.cli import main
    >>> main(["summary", "--dataset", "flanders"])  # doctest: +ELLIPSIS
    Ecosystem with 6 of 7 tables
    ...
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    try:
        return args.run(args)
    except SchemaError as error:
        print(f"clusternet: the input does not fit the data model ({len(error.failure_cases):,} problems):",
              file=sys.stderr)
        print(_plain(_problems(error.failure_cases, every_row=getattr(args, "all", False))), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ClusternetError as error:
        print(_plain(f"clusternet: {error}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # an output folder that cannot be written, a file that vanished
        print(_plain(f"clusternet: {error.strerror or error}: {error.filename or ''}"), file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clusternet",
        description="Network analysis of innovation clusters and R&D collaboration.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    report = commands.add_parser("report", help="write the evaluator's report (HTML, figures, tables)")
    _add_input(report)
    report.add_argument("--out", default="clusternet-report", help="output folder (default: %(default)s)")
    report.add_argument("--title", help="the report's title")
    report.add_argument("--seed", type=int, default=0, help="seed of communities and layouts")
    report.add_argument("--communities", choices=("auto", "leiden", "louvain"), default="auto",
                        help="community detection: leiden (needs python-igraph) or louvain; "
                             "auto takes leiden when igraph is installed (default: %(default)s)")
    report.add_argument("--top", type=_positive, default=2000, metavar="N",
                        help="the organisation page holds at most N organisations (default: %(default)s)")
    report.add_argument("--backbone", choices=("auto", "disparity", "noise_corrected", "hypergeometric", "sdsm",
                                               "none"), default="auto", metavar="METHOD",
                        help="the ties the organisation page draws: the largest component of a backbone "
                             "(disparity, noise_corrected, hypergeometric, sdsm), or none for the plain network "
                             "of the N most central; auto: none when at most N organisations have a tie, else "
                             "disparity (default: %(default)s)")
    report.add_argument("--alpha", type=_level, default=0.05,
                        help="the backbone's significance level (default: %(default)s)")
    report.add_argument("--population", type=_population, metavar="N|FILE",
                        help="the population of the membership overlap's null: a number of organisations, or a "
                             "file listing the organisations (a column organisation_id, or one id a line); "
                             "default: the organisations of the data")
    report.add_argument("--quiet", action="store_true", help="print nothing but errors")
    report.set_defaults(run=_report)

    validate = commands.add_parser("validate", help="check an input and print every problem")
    _add_input(validate)
    validate.add_argument("--all", action="store_true",
                          help="list every row of every problem (default: a count and the first rows)")
    validate.set_defaults(run=_validate)

    summary = commands.add_parser("summary", help="print what an input holds")
    _add_input(summary)
    summary.set_defaults(run=_summary)

    export = commands.add_parser("export", help="write a network for Gephi or VOSviewer")
    _add_input(export)
    export.add_argument("--format", choices=EXPORT_FORMATS, default="gexf")
    export.add_argument("--network", choices=("organisations", "clusters", "projects"), default="organisations")
    export.add_argument("--weight", default="count", help="organisation/project weighting (default: count)")
    export.add_argument("--out", help="output file (VOSviewer: the prefix of the map and network files)")
    export.add_argument("--quiet", action="store_true")
    export.set_defaults(run=_export)
    return parser


def _add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", nargs="?",
                        help="a folder of tables (one file per table), a CORDIS participations file, or, "
                             "with --columns or --vocabulary, a flat file of one row per participation")
    flat = parser.add_argument_group(
        "flat files (one row per participation, read by clusternet.read_participations)")
    flat.add_argument("--columns", action="append", type=_columns, metavar="MAPPING",
                      help="which column gives which field: a JSON object, or field=column "
                           "(project_id=Programme+Acronym for a compound key); repeat for several")
    flat.add_argument("--vocabulary", action="append", type=_vocabulary, metavar="JSON",
                      help='extra spellings, as JSON: \'{"role": {"Yes": "coordinator", "No": "partner"}}\'')
    flat.add_argument("--missing", action="append", default=[], metavar="TEXT",
                      help="a cell text that means no value, such as NA (repeat for several)")
    flat.add_argument("--conflicts", choices=("raise", "most_frequent"), default="raise",
                      help="rows of one organisation or project that disagree: raise, or keep the most "
                           "frequent value with a note (default: %(default)s)")
    flat.add_argument("--legal-forms", action="store_true",
                      help="leave legal forms (NV, GmbH, Ltd ...) out of ids made from names")
    parser.add_argument("--dataset", choices=DATASETS + tuple(_RENAMED_DATASETS),
                        help="a bundled dataset instead of INPUT: 'flanders' (the report's real tables, "
                             "clusternet.datasets.load_flanders) or 'flanders-synthetic' (the real landscape "
                             "with calibrated synthetic members, clusternet.datasets.synthetic_ecosystem)")


def _load(args):
    from . import datasets
    from .io import read_cordis, read_ecosystem

    if args.dataset and args.input:
        raise ClusternetError("give either INPUT or --dataset, not both")
    if args.dataset in _RENAMED_DATASETS:
        raise ClusternetError(
            f"--dataset {args.dataset} is now --dataset {_RENAMED_DATASETS[args.dataset]} (the names follow "
            "clusternet.datasets: 'flanders' is load_flanders(), 'flanders-synthetic' is synthetic_ecosystem())"
        )
    if args.dataset == "flanders":
        return datasets.load_flanders(), _PROVENANCE["flanders"]
    if args.dataset == "flanders-synthetic":
        return datasets.synthetic_ecosystem(seed=0), _PROVENANCE["flanders-synthetic"]
    if not args.input:
        raise ClusternetError(
            "give an INPUT (a folder of tables or a CORDIS file) or --dataset flanders / flanders-synthetic"
        )
    path = Path(args.input)
    flat = args.columns is not None or args.vocabulary is not None
    if flat:
        from .io import read_participations

        if not path.is_file():
            raise ClusternetError(f"--columns and --vocabulary read a flat file; {path} is not a file")
        columns = {field: column for mapping in args.columns or [] for field, column in mapping.items()}
        vocabulary: dict[str, dict[str, str]] = {}
        for mapping in args.vocabulary or []:
            for field, spellings in mapping.items():
                vocabulary.setdefault(field, {}).update(spellings)
        ecosystem = read_participations(path, columns=columns, vocabulary=vocabulary, missing=args.missing,
                                        conflicts=args.conflicts, legal_forms=args.legal_forms)
        return ecosystem, f"Participations read from {path.name}, one row per participation."
    if path.is_file():
        try:
            return read_cordis(path), f"EU Framework Programme participations read from {path.name}."
        except SchemaError as error:
            cases = error.failure_cases
            if not cases["reason"].astype(str).str.startswith("not a CORDIS").any():
                raise
            # most files that are not CORDIS are someone's own partner list
            hint = {"table": "", "file": str(path), "row": None, "column": "", "value": None,
                    "reason": "a flat file of one row per participation reads with --columns, such as "
                              "--columns project_id=Acronym --columns name=Partner (see 'Bring your own data' "
                              "in the docs)"}
            raise SchemaError(pd.concat([cases, pd.DataFrame([hint])], ignore_index=True)) from error
    return read_ecosystem(path), f"Tables read from {path}."


def _report(args) -> int:
    from .report import print_progress, write_report

    population = _read_population(args.population) if isinstance(args.population, Path) else args.population
    ecosystem, provenance = _load(args)
    title = args.title or {
        "flanders-synthetic": "Flemish clusters: network report",
        "flanders": "Flemish cluster landscape (real data)",
    }.get(args.dataset, "clusternet report")
    index = write_report(ecosystem, args.out, title=title, provenance=provenance, seed=args.seed,
                         community_method=args.communities, top=args.top,
                         backbone=None if args.backbone == "none" else args.backbone, alpha=args.alpha,
                         population=population, progress=None if args.quiet else print_progress)
    if not args.quiet:
        print(_plain(f"Report written: {index.resolve()}"))
        print("Open it in a browser; it works offline.")
    return EXIT_OK


def _validate(args) -> int:
    ecosystem, _ = _load(args)
    print(_plain(ecosystem.describe()))
    print("valid: no problems found")
    return EXIT_OK


def _summary(args) -> int:
    ecosystem, _ = _load(args)
    print(_plain(ecosystem.describe()))
    return EXIT_OK


def _export(args) -> int:
    from .graphs import cluster_network, organisation_network, project_network
    from .viz import write_gexf, write_graphml, write_vosviewer

    ecosystem, _ = _load(args)
    if args.network == "organisations":
        graph = organisation_network(ecosystem, weight=args.weight)
    elif args.network == "projects":
        graph = project_network(ecosystem, weight=args.weight)
    else:
        via = "intercluster" if "project_clusters" in ecosystem.provided else "memberships"
        graph = cluster_network(ecosystem, via=via)
    suffix = {"gexf": ".gexf", "graphml": ".graphml", "vosviewer": ""}[args.format]
    out = Path(args.out or f"{args.network}{suffix}")
    if args.format == "gexf":
        write_gexf(graph, out)
        written = [out]
    elif args.format == "graphml":
        write_graphml(graph, out)
        written = [out]
    else:
        written = list(write_vosviewer(graph, out.with_name(out.name + "_map.txt"),
                                       out.with_name(out.name + "_network.txt")))
    if not args.quiet:
        for path in written if isinstance(written, list | tuple) else [written]:
            print(_plain(f"written: {path}"))
    return EXIT_OK


def _positive(text: str) -> int:
    """``--top``: a whole number, at least 1."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, not {number}")
    return number


def _level(text: str) -> float:
    """``--alpha``: a number strictly between 0 and 1."""
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, not {text!r}") from None
    if not 0 < number < 1:
        raise argparse.ArgumentTypeError(f"expected a number strictly between 0 and 1, not {text}")
    return number


def _population(text: str) -> int | Path:
    """``--population``: a number of organisations (``176000``, ``176,000``) or a file that lists them."""
    digits = text.replace(",", "").replace("_", "").strip()
    if digits.isdigit():
        if int(digits) < 1:
            raise argparse.ArgumentTypeError("expected at least 1 organisation")
        return int(digits)
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"expected a number of organisations or a file listing them; {text!r} is "
                                         "neither")
    return path


def _read_population(path: Path) -> list[str]:
    """The organisation ids a population file lists: a table with ``organisation_id`` or one column, or
    a text file with one id a line (blank lines and lines starting with ``#`` skipped)."""
    from .errors import OptionError
    from .io import read_table

    if path.suffix.lower() in (".txt", ".lst", ""):
        lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
        ids = [line for line in lines if line and not line.startswith("#")]
    else:
        table = read_table(path)
        if "organisation_id" in table.columns:
            column = "organisation_id"
        elif len(table.columns) == 1:
            column = table.columns[0]
        else:
            raise OptionError(f"the population file {path} needs a column organisation_id or a single column; "
                              f"it has {', '.join(map(str, table.columns))}")
        ids = [str(value).strip() for value in table[column].dropna() if str(value).strip()]
    if not ids:
        raise ClusternetError(f"the population file {path} lists no organisation")
    return ids


def _columns(text: str) -> dict[str, str | list[str]]:
    """``--columns``: a JSON object, or one ``field=column`` pair (``+`` joins a compound key)."""
    if text.lstrip().startswith("{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as error:
            raise argparse.ArgumentTypeError(f"not a JSON object: {error}") from error
        if not isinstance(mapping, dict):
            raise argparse.ArgumentTypeError("expected a JSON object of field to column")
        return mapping
    field, equals, column = text.partition("=")
    if not equals or not field.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"expected field=column or a JSON object, not {text!r}")
    parts = [part.strip() for part in column.split("+")]
    return {field.strip(): parts[0] if len(parts) == 1 else parts}


def _vocabulary(text: str) -> dict[str, dict[str, str]]:
    """``--vocabulary``: a JSON object of field to an object of spelling to value."""
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}") from error
    if not isinstance(mapping, dict) or not all(isinstance(value, dict) for value in mapping.values()):
        raise argparse.ArgumentTypeError('expected a JSON object such as {"role": {"Yes": "coordinator"}}')
    return mapping


# How many rows a problem lists before --all.
_SHOWN_ROWS = 10


def _problems(cases: pd.DataFrame, *, every_row: bool = False) -> str:
    """The failure table grouped by table, column and reason: a count, the rows and the values.

    Reasons are printed in full; an empty cell is shown as ``''``; ``every_row`` lists each row.
    """
    lines = []
    keys = cases[["table", "file", "column", "reason"]].astype(object).where(cases[["table", "file", "column",
                                                                                     "reason"]].notna(), "")
    groups = keys.groupby(list(keys.columns), sort=False).groups
    for (table, file, column, reason), index in groups.items():
        group = cases.loc[index]
        where = ".".join(str(part) for part in (table, column) if part) or "input"
        rows = [row for row in group["row"].tolist() if not _empty(row)]
        count = f"{len(group):,} row{'s' if len(group) != 1 else ''}"
        runs = _row_runs(rows)
        listed = ", ".join(runs if every_row else runs[:_SHOWN_ROWS])
        if not every_row and len(runs) > _SHOWN_ROWS:
            listed += f" ... {len(runs) - _SHOWN_ROWS:,} more runs of rows (--all lists every row)"
        listed = f"row{'s' if len(rows) != 1 else ''} {listed}"
        lines.append(f"{where}: " + (f"{count}, {reason} ({listed})" if rows else str(reason))
                     + (f" [file {file}]" if file else ""))
        values = group["value"].map(lambda value: "" if _empty(value) else str(value))
        if rows and values.ne("").any():
            counts = values.value_counts(sort=True)
            listed_values = ", ".join(f"{value!r} ({number:,})" for value, number in counts.head(
                len(counts) if every_row else _SHOWN_ROWS).items())
            more = "" if every_row or len(counts) <= _SHOWN_ROWS else f" and {len(counts) - _SHOWN_ROWS:,} more"
            lines.append(f"    values: {listed_values}{more}")
        if every_row and rows:
            lines.extend(f"    row {row}: {'' if _empty(value) else str(value)!r}"
                         for row, value in zip(group["row"], group["value"], strict=True) if not _empty(row))
    return "\n".join(lines)


def _empty(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value))


def _row_runs(rows: list) -> list[str]:
    """Rows as runs, ``["2-301", "305"]``: consecutive spreadsheet rows in one."""
    if not all(isinstance(row, int) or (isinstance(row, float) and row.is_integer()) for row in rows):
        return [str(row) for row in rows]
    numbers = sorted({int(row) for row in rows})
    if not numbers:
        return []
    runs: list[str] = []
    start = numbers[0]
    for previous, current in zip(numbers, [*numbers[1:], None], strict=True):
        if current != previous + 1:
            runs.append(str(start) if start == previous else f"{start}-{previous}")
            start = current
    return runs


def _plain(text: str) -> str:
    """Terminal output: control characters in names (ANSI escapes, bells) are shown, not obeyed."""
    return "".join(
        character if character in "\n\t" or character.isprintable() else f"\\x{ord(character):02x}"
        for character in text
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
