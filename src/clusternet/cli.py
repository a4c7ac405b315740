"""The ``clusternet`` command line: report, validate, export, summary.

Exit codes: 0 success, 1 bad input (the failure table or a one-line reason is printed, never a
traceback), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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
    Ecosystem with 6 of 6 tables
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
        print(_plain(error.failure_cases.to_string(index=False, max_rows=50, max_colwidth=60)),
              file=sys.stderr)
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
    report.add_argument("--quiet", action="store_true", help="print nothing but errors")
    report.set_defaults(run=_report)

    validate = commands.add_parser("validate", help="check an input and print every problem")
    _add_input(validate)
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
                        help="a folder of tables (one file per table) or a CORDIS participations file")
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
    if path.is_file():
        return read_cordis(path), f"EU Framework Programme participations read from {path.name}."
    return read_ecosystem(path), f"Tables read from {path}."


def _report(args) -> int:
    from .report import print_progress, write_report

    ecosystem, provenance = _load(args)
    title = args.title or {
        "flanders-synthetic": "Flemish clusters: network report",
        "flanders": "Flemish cluster landscape (real data)",
    }.get(args.dataset, "clusternet report")
    index = write_report(ecosystem, args.out, title=title, provenance=provenance, seed=args.seed,
                         community_method=args.communities, progress=None if args.quiet else print_progress)
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


def _plain(text: str) -> str:
    """Terminal output: control characters in names (ANSI escapes, bells) are shown, not obeyed."""
    return "".join(
        character if character in "\n\t" or character.isprintable() else f"\\x{ord(character):02x}"
        for character in text
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
