"""Your own data: a regional programme's partner list, read, checked, measured and reported.

The file, examples/data/regional-partners.csv, is SYNTHETIC and shaped like the export of a
cross-border programme: one row per partner in a project, no organisation ids, a Yes/No "Lead
partner" column, the total budget written the English way (1,106,773.95) and the partner budget
the continental way (325.257,85), names spelt several ways ("Acme N.V.", "ACME NV"). One
``columns=`` mapping and one ``vocabulary=`` are all it takes; docs/own-data.md walks through it.

Run: python examples/own_data.py [--out FOLDER]
"""

from __future__ import annotations

from pathlib import Path

from _common import heading, options, output_folder, save, show

import clusternet as cn

DATA = Path(__file__).resolve().parent / "data" / "regional-partners.csv"

# Which of the export's columns gives which of clusternet's fields. "Country" and "Start year"
# are found by their names; the project is the priority and the acronym together, and the
# priority is also the cluster that carries the project.
COLUMNS = {
    "project_id": ["Priority", "Project acronym"],
    "title": "Project title",
    "name": "Partner",
    "kind": "Partner type",
    "role": "Lead partner",
    "budget": "Total budget",
    "contribution": "Partner budget (EUR)",
    "cluster_id": "Priority",
}
# The spellings clusternet does not know by default: the lead flag, and two partner types.
VOCABULARY = {
    "role": {"Yes": "coordinator", "No": "partner"},
    "kind": {"Interest group": "cluster_organisation", "Large enterprise": "company"},
}


def main() -> None:
    args = options(__doc__.splitlines()[0], seed=False).parse_args()
    out = output_folder(args.out, "own-data")
    print("DATA: SYNTHETIC partner list shaped like a regional programme's export (examples/data).")

    heading("Read (read_participations)")
    eco = cn.read_participations(DATA, columns=COLUMNS, vocabulary=VOCABULARY)
    print(eco.describe())

    heading("Spellings merged into one organisation (name_variants)")
    variants = cn.name_variants(eco)
    merged = variants[variants["merged"]].set_index("organisation_id")
    # repr shows what a terminal hides: the no-break space of 'Universiteit\xa0Gent', a zero-width space
    show(merged.assign(spelling=merged["spelling"].map(repr))[["spelling", "rows"]],
         "each id is made from the normalised name and the country; review the merges here, and map an "
         "id column with columns={'organisation_id': ...} if the export has one.")
    save(variants, out, "own_data_name_variants")

    heading("Who holds the partnership together (centrality of the organisation network)")
    network = cn.organisation_network(eco)
    central = cn.centrality(network)[["degree", "betweenness"]].sort_values("betweenness", ascending=False)
    central.insert(0, "name", eco.organisations.set_index("organisation_id").loc[central.index, "name"])
    show(central, "degree: the share of the other organisations met in a project; betweenness: how often an "
         "organisation lies on the shortest path between two others.", rows=8)
    save(central, out, "own_data_centrality")

    heading("Report (write_report)")
    index = cn.write_report(eco, out / "report", title="Regional programme: partner network",
                            provenance="SYNTHETIC partner list shaped like a regional programme's export.")
    print(f"report: {index}")


if __name__ == "__main__":
    main()
