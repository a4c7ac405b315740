"""The evaluator's report: every analysis of an ecosystem in one offline folder."""

from __future__ import annotations

import base64
import html
import math
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._shared import is_missing
from .errors import MissingTableError, OptionError
from .model import Ecosystem

__all__ = ["write_report", "ReportSection"]

# The report opens from disk with no network: nothing may load from anywhere else.
_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; } h2 { margin-top: 2.4rem; border-bottom: 1px solid #ddd; }
.provenance { background: #f5f7fa; border-left: 4px solid #4E79A7; padding: .6rem 1rem; }
.skipped { color: #8a6d3b; background: #fcf8e3; padding: .5rem 1rem; }
.note { color: #555; font-size: .9rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .8rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: right; }
th { background: #f0f0f0; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
nav ul { columns: 2; } .files { font-size: .85rem; color: #555; }
"""
_MAX_HTML_ROWS = 40
# Above this many ties the communities' spread over seeds is left out with python-louvain.
_LOUVAIN_SPREAD_TIES = 50_000
# The core is tested against this many rewired graphs up to _CORE_TEST_TIES ties (2 s CPU on the
# synthetic Flanders network's 5,856 ties); above, each rewiring is too slow for a report.
_CORE_SAMPLES = 20
_CORE_TEST_TIES = 50_000
# Up to this many years of projects the core is followed year by year, else over three spans.
_YEARLY_PERIODS = 4
# The resolution profile scans modularity's resolution a factor of ten either side of the
# report's 1, with one Leiden run per change of partition (two dozen on the synthetic Flemish
# network, about 2 CPU s); above this many ties it is left out (a run takes seconds there).
_PROFILE_RANGE = (0.1, 10.0)
_PROFILE_TIES = 100_000
_BACKBONES = ("auto", "disparity", "noise_corrected", "hypergeometric", "sdsm")
_BACKBONE_NAMES = {"disparity": "disparity filter", "noise_corrected": "noise-corrected backbone",
                   "hypergeometric": "hypergeometric backbone", "sdsm": "stochastic degree sequence model"}
_WEIGHT_NAMES = {"newman": "Newman weights", "count": "weight: shared projects"}


@dataclass
class ReportSection:
    """One section of the report: a title, its HTML body, the files it wrote."""

    key: str
    title: str
    body: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: str | None = None
    # Sentences for the key findings at the top of the report, each with its number and what to
    # compare it with; plain text (escaped when the page is written).
    findings: list[str] = field(default_factory=list)


def write_report(
    ecosystem: Ecosystem,
    out: str | Path,
    *,
    title: str = "clusternet report",
    provenance: str | None = None,
    seed: int = 0,
    community_method: str = "auto",
    top: int = 2000,
    backbone: str | None = "auto",
    alpha: float = 0.05,
    population: int | Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    max_html_nodes: int | None = None,
) -> Path:
    """Write the evaluator's report of an ecosystem into a folder.

    The folder gets ``index.html`` (self-contained: it opens offline, with its figures embedded),
    one interactive network page per network (``networks/*.html``), every figure as PNG and SVG
    (``figures/``) and every table as CSV (``tables/``, formula injection neutralised). Each
    analysis runs only where the tables it needs were given; the report says which were left
    out and why.

    Sections: the data (row counts, notes, provenance), the KPIs of the report's Tabel 4 and 12
    (:func:`~clusternet.kpis`), the SPC-IBN membership overlap (:func:`~clusternet.overlap`,
    :func:`~clusternet.niche_mapping`, :func:`~clusternet.multi_membership`), the centrality of
    clusters (:func:`~clusternet.cluster_centrality`), cross-sector bridging
    (:func:`~clusternet.attribute_mixing`, :func:`~clusternet.consortium_diversity`), communities
    against the nominal clusters (:func:`~clusternet.communities`,
    :func:`~clusternet.compare_partitions`, :func:`~clusternet.community_profile`), and the
    interactive networks.

    Parameters
    ----------
    ecosystem : Ecosystem
    out : path
        The folder to write; created if needed. Files of an earlier report are overwritten.
    title : str
        The report's title.
    provenance : str, optional
        A paragraph on where the data comes from, shown first (plain text; escaped).
    seed : int
        Seed of the community detection and of the network layouts.
    community_method : {"auto", "leiden", "louvain"}
        The ``method`` of :func:`~clusternet.communities`. ``auto`` takes ``leiden`` when
        python-igraph is installed (the ``fast`` extra) and ``louvain`` otherwise; the report
        says which it used. On all of Horizon 2020, python-louvain takes about two minutes of
        the report's three, Leiden a few seconds.
    top : int, default 2000
        The organisation page holds at most this many organisations: those of the backbone's
        largest component, or when it has more, its ``top`` most central by degree.
    backbone : {"auto", "disparity", "noise_corrected", "hypergeometric", "sdsm"} or None
        The ties the organisation page draws (:func:`~clusternet.backbone`, from the ecosystem:
        ``disparity`` and ``noise_corrected`` test Newman weights, the others shared projects).
        ``None`` (``--backbone none``): the plain network of the ``top`` most central
        organisations with a tie. ``auto``: the plain network when at most ``top``
        organisations have a tie (nothing to thin: the synthetic Flemish network's 736), else
        the disparity filter, the backbone the docs recommend for pictures (on Horizon 2020 it
        keeps 31,708 of 796,670 ties at 0.05). The page's description line says which it drew.
    alpha : float, default 0.05
        The backbone's significance level.
    population : int or iterable of str, optional
        The population of the membership overlap's hypergeometric null
        (:func:`~clusternet.overlap`): a number of organisations (all firms of a region, say)
        or the ids of the organisations the clusters draw from. By default the organisations
        of the ecosystem. The report prints it beside every overlap p-value.
    progress : callable, optional
        Called with a line of text as each step starts and ends.
    max_html_nodes : int, optional
        The old name of ``top`` (deprecated).

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> import clusternet as cn
    >>> index = cn.write_report(cn.datasets.load_flanders(), tempfile.mkdtemp(), title="Flanders")
    >>> index.name
    'index.html'
    >>> "Centrality of clusters" in index.read_text(encoding="utf-8")
    True
    """
    if max_html_nodes is not None:
        warnings.warn("write_report(max_html_nodes=...) is now top=...", DeprecationWarning, stacklevel=2)
        top = max_html_nodes
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1:
        raise OptionError(f"top={top!r} must be a whole number of organisations, at least 1")
    if backbone is not None and backbone not in _BACKBONES:
        raise OptionError(f"backbone must be one of {', '.join(map(repr, _BACKBONES))} or None; got {backbone!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.number) or not 0 < alpha < 1:
        raise OptionError(f"alpha={alpha!r} must be a number strictly between 0 and 1")
    if isinstance(population, str):
        raise OptionError(f"population={population!r} must be a number of organisations or a list of their ids, "
                          "not one string")
    if isinstance(population, bool) or (isinstance(population, int | np.integer) and population < 1):
        raise OptionError(f"population={population!r} must be a whole number of organisations, at least 1")
    if population is not None and not isinstance(population, int | np.integer):
        population = sorted({str(organisation) for organisation in population})
        if not population:
            raise OptionError("population lists no organisation")
    out = Path(out)
    for folder in ("figures", "tables", "networks"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    method = _community_method(community_method)
    builder = _ReportBuilder(ecosystem, out, seed=seed, community_method=method, top=int(top), backbone=backbone,
                             alpha=float(alpha), population=population, progress=progress)
    sections = builder.run()
    index = out / "index.html"
    index.write_text(_page(title, provenance, sections), encoding="utf-8")
    return index


def _community_method(method: str) -> str:
    if method not in ("auto", "leiden", "louvain"):
        raise OptionError(f"community_method must be 'auto', 'leiden' or 'louvain'; got {method!r}")
    if method != "auto":
        return method
    from ._options import igraph

    return "leiden" if igraph() is not None else "louvain"


class _ReportBuilder:
    """Runs the analyses one by one; a missing table skips a section, never the report."""

    def __init__(self, ecosystem: Ecosystem, out: Path, *, seed: int, community_method: str, top: int,
                 backbone: str | None, alpha: float, population, progress):
        self.ecosystem = ecosystem
        self.out = out
        self.seed = seed
        self.community_method = community_method
        self.top = top
        self.backbone = backbone
        self.alpha = alpha
        self.population = population
        self.progress = progress or (lambda line: None)
        self._organisation_network = None
        self._active_network = None
        self._clusters_only = None
        self._communities = None
        # The Flemish evaluation's wording (SPC, IBN, its Tabel numbers) only where the data has
        # its cluster types; other data gets the generic wording.
        self.flemish = "clusters" in ecosystem.provided and {"SPC", "IBN"} <= set(ecosystem.clusters["type"])

    def run(self) -> list[ReportSection]:
        steps = [
            ("data", "The data", self.data),
            ("kpis", "Programme KPIs", self.kpis),
            ("overlap", "SPC-IBN membership overlap" if self.flemish else "Membership overlap", self.overlap),
            ("centrality", "Centrality of clusters", self.centrality),
            ("bridging", "Cross-sector bridging", self.bridging),
            ("communities", "Communities against the nominal clusters", self.communities),
            ("structure", "Core, periphery and countries", self.structure),
            ("networks", "Interactive networks", self.networks),
        ]
        sections = []
        for number, (key, title, step) in enumerate(steps, start=1):
            section = ReportSection(key, title)
            self.progress(f"[{number}/{len(steps)}] {title} ...")
            started = time.perf_counter()
            # What a measure warns about goes into its section, not onto the console.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    step(section)
                except MissingTableError as error:
                    section.skipped = str(error)
            notes = list(dict.fromkeys(str(warning.message).rstrip(".") for warning in caught))
            section.body.extend(f'<p class="note">Note: {html.escape(note)}.</p>' for note in notes)
            self.progress(f"[{number}/{len(steps)}] {title}: "
                          f"{'skipped' if section.skipped else 'done'} in {time.perf_counter() - started:.1f} s")
            sections.append(section)
        return sections

    # -- the sections -------------------------------------------------------------------
    def data(self, section: ReportSection) -> None:
        summary = self.ecosystem.summary().reset_index()
        section.body.append(_table_html(summary))
        self._save_table(section, summary, "data_summary")
        notes = self.ecosystem.notes
        if len(notes):
            section.body.append("<p>What validation filled in or merged (nothing is changed silently):</p>")
            section.body.append(_table_html(notes))
            self._save_table(section, notes, "data_notes")
        for sentence in self.programme_sentences():
            section.body.append(f"<p>{html.escape(sentence)}</p>")

    def kpis(self, section: ReportSection) -> None:
        from .measures import kpis

        eco = self.clusters_only()
        by = "cluster" if "clusters" in eco.provided and (
            "memberships" in eco.provided or "project_clusters" in eco.provided) else None
        table = kpis(eco, by=by)
        self._save_table(section, table, "kpis")
        source = (" as the SPCs report them to the government (Tabel 4 and 12 of the 2020 evaluation of "
                  "the Flemish cluster policy)" if self.flemish else "")
        section.body.append(
            f"<p>Per cluster and year{source}. Members (memberships) and active companies (companies in "
            "the cluster's projects) are counted apart. The full table is in <code>tables/kpis.csv</code>.</p>"
            if by else "<p>Per year, for the whole ecosystem (no clusters given).</p>"
        )
        rule = table.attrs.get("international_projects")
        if rule is not None:
            section.body.append(
                f"<p>A project counts as international when it has {html.escape(str(rule))} "
                "(<code>kpis(home_country=...)</code> sets the home country).</p>"
            )
        section.body.append(_table_html(table, limit=_MAX_HTML_ROWS))
        if table["cross_sector_projects"].notna().any():
            self._cross_sector_baseline(section, eco, by)

    def _cross_sector_baseline(self, section: ReportSection, eco: Ecosystem, by: str | None) -> None:
        """The cross-sector KPI beside the count that shuffled sectors give, per cluster and year."""
        from .measures import cross_sector_baseline

        try:
            baseline = cross_sector_baseline(eco, by=by, samples=1000, seed=self.seed)
        except (OptionError, MissingTableError) as error:
            section.body.append(f"<p>No baseline for the cross-sector projects: {html.escape(str(error))}.</p>")
            return
        self._save_table(section, baseline, "kpis_cross_sector_baseline")
        # the cells with a project of two or more companies of known sector: elsewhere both are 0
        shown = baseline[(baseline["expected"].fillna(0) > 0) | (baseline["cross_sector_projects"].fillna(0) > 0)]
        section.body.append(
            "<h3>Cross-sector projects beside chance</h3>"
            f"<p><code>cross_sector_projects</code> beside the count expected with the sectors shuffled among "
            f"{html.escape(baseline.attrs['population'])} (the consortia kept; exact expectation, spread over "
            f"{baseline.attrs['samples']:,} shuffles, seed {self.seed}). Most consortia of several firms join "
            "two sectors by chance alone, so only a count well above <code>expected</code> (beyond "
            "<code>high</code>, the 97.5% quantile of the shuffles) says the cluster bridges sectors. Shown: "
            "the clusters and years with a project of two or more companies of known sector; all of them in "
            "<code>tables/kpis_cross_sector_baseline.csv</code>.</p>")
        section.body.append(_table_html(shown, limit=_MAX_HTML_ROWS))

    def overlap(self, section: ReportSection) -> None:
        from .measures import multi_membership, niche_mapping, overlap

        eco = self.ecosystem
        eco.require("clusters", "memberships", purpose="the membership overlap")
        memberships = self.cluster_memberships()
        with_members = memberships["cluster_id"].nunique()
        if with_members < 2:
            raise MissingTableError(f"{with_members} cluster(s) have members, so no two clusters can share any")
        member_types = set(memberships.merge(eco.clusters, on="cluster_id")["type"])
        spc_ibn = self.flemish and {"SPC", "IBN"} <= member_types
        names = eco.clusters.set_index("cluster_id")["name"]
        population = self.population
        if spc_ibn:
            table = overlap(eco, between=("SPC", "IBN"), population=population, correction="holm")
            name, pairs = "overlap_spc_ibn", "SPC and IBN"
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # a table of zeros is said below instead
                table = overlap(self.clusters_only(), population=population, correction="holm")
            name, pairs = "overlap", "pair of clusters"
        self._save_table(section, table, name)
        described = table.attrs["population"]
        size = int(table["population"].iloc[0]) if len(table) else None
        section.body.append(
            f"<p>Shared members of every {pairs}, with the Jaccard index and the hypergeometric probability "
            f"of sharing at least that many members by chance, the members drawn from a population of "
            f"{html.escape(described)}.</p>"
        )
        if not (table["shared"] > 0).any():
            section.body.append("<p>No two clusters share a member.</p>")
        sharing = table[table["shared"] > 0]
        if len(sharing):
            top = sharing.sort_values(["association", "shared", "source", "target"],
                                      ascending=[False, False, True, True]).iloc[0]
            section.findings.append(
                f"The strongest membership overlap: {names.get(top['source'], top['source'])} and "
                f"{names.get(top['target'], top['target'])} share {int(top['shared']):,} members, "
                f"{top['association']:.2g} times what chance gives (hypergeometric p = {top['p_value']:.2g}, "
                f"{top['p_adjusted']:.2g} after Holm's correction for the {len(table):,} pairs tested; "
                f"population: {described})." + self._population_sensitivity(top, size, spc_ibn)
            )
        section.body.append(
            f"<p>Population: {html.escape(described)}. <code>p_adjusted</code> corrects the p-values by Holm's "
            f"method for the {len(table):,} pairs tested at once. The population decides the conclusion: "
            "against a larger population (all firms of a region, say) the same shared counts lie further "
            "above chance. <code>--population N</code> or <code>--population FILE</code> (in Python "
            "<code>write_report(population=...)</code>) sets it.</p>"
        )
        if isinstance(population, list):
            outside = sorted(set(memberships["organisation_id"]) - set(population))
            if outside:
                section.body.append(
                    f"<p>{len(outside):,} members are not in the population given and are left out of the "
                    "overlap.</p>")
        shown = sharing.sort_values(["p_value", "source", "target"]).head(15)
        shown = pd.DataFrame({
            "source": shown["source"].map(lambda cluster: names.get(cluster, cluster)),
            "target": shown["target"].map(lambda cluster: names.get(cluster, cluster)),
            "shared": shown["shared"], "jaccard": shown["jaccard"], "times chance": shown["association"],
            "p_value": shown["p_value"].map(_p_text), "p_adjusted (Holm)": shown["p_adjusted"].map(_p_text),
            "population": shown["population"],
        })
        if len(shown):
            section.body.append(f"<h3>The {len(shown):,} pairs least likely to share so many members by chance"
                                "</h3>")
            section.body.append(_table_html(shown))
        self._figure(section, name, lambda ax: _plot("plot_overlap", table, value="jaccard", ax=ax, labels=names),
                     size=(10, 7))
        if spc_ibn:
            niches = niche_mapping(eco, measure="p_value", population=population, correction="holm")
            self._save_table(section, niches, "niche_mapping")
            section.body.append(
                "<h3>The SPC each IBN shares most members with beyond chance, beside the relation the report "
                "names</h3><p>By the lowest hypergeometric p-value (population: "
                f"{html.escape(niches.attrs['population'])}; <code>p_adjusted</code> by Holm's correction over "
                "every SPC-IBN pair tested), not by Jaccard: Jaccard favours the largest SPCs, so one large SPC "
                "would be every IBN's closest.</p>")
            niches_shown = niches.copy()
            niches_shown["spc"] = niches_shown["spc"].map(lambda cluster: names.get(cluster, cluster)
                                                          if isinstance(cluster, str) else cluster)
            for column in ("p_value", "p_adjusted"):
                niches_shown[column] = niches_shown[column].map(_p_text)
            section.body.append(_table_html(niches_shown))
            multi = multi_membership(eco, types=("SPC",))
            self._save_table(section, multi, "multi_membership_spc")
            section.body.append("<h3>Organisations by number of SPCs they are a member of</h3>")
        else:
            multi = multi_membership(self.clusters_only())
            self._save_table(section, multi, "multi_membership")
            section.body.append("<h3>Organisations by number of clusters they are a member of</h3>")
        section.body.append(_table_html(multi))

    def _population_sensitivity(self, top: pd.Series, size: int | None, spc_ibn: bool) -> str:
        """The strongest pair's p-value under the other population: the ecosystem's or the one given."""
        from .measures import overlap

        if self.population is None or "organisations" not in self.ecosystem.provided:
            return (" The p-value depends on that population: a larger one (all firms of a region, say) puts "
                    "the same count further above chance (--population sets it).")
        eco = self.ecosystem if spc_ibn else self.clusters_only()
        default = overlap(eco, between=("SPC", "IBN") if spc_ibn else None)
        row = default[(default["source"] == top["source"]) & (default["target"] == top["target"])].iloc[0]
        return (f" Against {default.attrs['population']} instead it would be {row['association']:.2g} times "
                f"chance (p = {row['p_value']:.2g}).")

    def centrality(self, section: ReportSection) -> None:
        from .measures import cluster_centrality, cluster_rank_sensitivity

        self.ecosystem.require("clusters", purpose="the centrality of clusters")
        eco = self.clusters_only()
        via, why = self._cluster_link()
        table = self._counts_missing_where_unknown(cluster_centrality(eco, via=via))
        self._save_table(section, table, "cluster_centrality")
        ranked = table.sort_values(["rank", "name"])
        first = ranked.iloc[0]
        tied = ranked[ranked["rank"] == first["rank"]]
        if len(ranked) > 1 and first["degree"] > 0:
            runner = ranked[ranked["rank"] > first["rank"]].head(1)
            lead = ("" if runner.empty else
                    f", ahead of {runner.iloc[0]['name']} (degree {int(runner.iloc[0]['degree'])}, "
                    f"strength {runner.iloc[0]['strength']:g})")
            who = " and ".join(str(name) for name in tied["name"]) if len(tied) > 1 else str(first["name"])
            section.findings.append(
                f"The most central cluster{'s' if len(tied) > 1 else ''} (linked {_VIA_TEXT[via]}): {who}, "
                f"linked with {int(first['degree'])} of the {len(ranked) - 1} other clusters (strength "
                f"{first['strength']:g}){lead}. "
                "A ranking on few links: see the table for degree, strength and betweenness."
            )
            if via == "intercluster":
                section.findings.append(self._first_rank_robustness(section, eco, tied, cluster_rank_sensitivity))
        if why:
            section.body.append(f"<p>{html.escape(why)}</p>")
        section.body.append(
            f"<p>Clusters in the cluster network <code>via=\"{via}\"</code> ({_VIA_TEXT[via]}): degree is "
            "the number of clusters it is linked with; reach the unique organisations in its memberships "
            "and projects.</p>"
        )
        self._figure(section, "cluster_centrality",
                     lambda ax: _plot("plot_centrality", table, "degree", ax=ax, labels=table["name"],
                                      color_by=table["type"]),
                     size=(8, 7))
        section.body.append(_table_html(table))

    def _first_rank_robustness(self, section: ReportSection, eco: Ecosystem, tied: pd.DataFrame,
                               sensitivity) -> str:
        """How often the most central cluster stays first when the projects in doubt are dropped."""
        # What is in doubt, most specific first: rows whose status is neither approved nor withdrawn;
        # in the Flemish data, Tabel 10 (the 2017-2018 calls), whose text says seven of its ten
        # applications were approved without saying which; elsewhere any one project (the jackknife).
        words = {1: "one", 2: "two", 3: "three"}
        # Few enough readings that the report stays quick: every subset up to 500, else 200 drawn.
        limit, drawn = 500, 200
        why = ""
        try:
            options, dropped = {"uncertain": "status", "leave_out": 1}, "project with an uncertain status is"
            # the projects bound the readings of a jackknife over some of them
            few = eco.project_clusters["project_id"].nunique() <= limit
            table = sensitivity(eco, **options, samples=None if few else drawn, seed=self.seed)
        except OptionError:
            counted = eco.project_clusters.loc[
                eco.project_clusters["status"].astype("string").str.strip().str.lower().ne("withdrawn").fillna(True)
                .to_numpy(), "project_id"]
            projects = eco.projects if "projects" in eco.provided else pd.DataFrame(columns=["project_id", "year"])
            tabel_10 = projects.loc[projects["year"].isin([2017, 2018]) & projects["project_id"].isin(counted),
                                    "project_id"]
            if self.flemish and len(tabel_10) == 10:
                options, dropped = {"uncertain": tabel_10.tolist(), "leave_out": 3}, "Tabel 10 projects are"
                why = ": the evaluation says seven of the ten Tabel 10 applications were approved, not which"
            else:
                # An intercluster project joins two or more clusters; leaving out one carried by a
                # single cluster changes no link, so it would only add readings that change nothing.
                carried = eco.project_clusters.loc[counted.index, ["project_id", "cluster_id"]].drop_duplicates()
                links = carried.groupby("project_id")["cluster_id"].nunique()
                options = {"uncertain": sorted(links.index[links >= 2]), "leave_out": 1}
                dropped = "intercluster project is"
            units = len(options["uncertain"])
            total = math.comb(units, options["leave_out"])
            table = sensitivity(eco, **options, samples=None if total <= limit else drawn, seed=self.seed)
        dropped = f"{words.get(options['leave_out'], options['leave_out'])} {dropped} dropped"
        self._save_table(section, table, "cluster_rank_sensitivity")
        readings = int(table["readings"].iloc[0])
        parts = []
        for cluster_id in tied.index:
            row = table.loc[cluster_id]
            alone = f", alone in {int(row['first_alone'])}" if row["first_alone"] != row["first"] else ""
            parts.append(f"{row['name']} is the most central cluster in {int(row['first'])} of {readings} readings "
                         f"of which {dropped} ({row['first_share']:.1%}{alone}), its rank ranging from "
                         f"{int(row['best_rank'])} to {int(row['worst_rank'])}")
        return "; ".join(parts) + f" (read: {table.attrs['readings']}){why}."

    def _counts_missing_where_unknown(self, table: pd.DataFrame) -> pd.DataFrame:
        """Counts of what the data does not list shown as missing, not as zero.

        ``members`` is missing for a cluster the memberships table has no row for;
        ``project_organisations`` (and ``reach``) for a cluster none of whose projects lists a
        participant, such as the Flemish intercluster projects, whose consortia the evaluation
        does not publish. ``projects_without_participants`` counts such projects.
        """
        eco = self.clusters_only()
        table = table.copy()
        if "memberships" in eco.provided:
            listed = table.index.isin(eco.memberships["cluster_id"])
        else:
            listed = np.zeros(len(table), dtype=bool)
        carried = pd.DataFrame(columns=["project_id", "cluster_id"])
        if "project_clusters" in eco.provided:
            rows = eco.project_clusters
            if "status" in rows.columns:  # a withdrawn partner does not carry the project, as in cluster_centrality
                rows = rows[rows["status"].astype("string").str.strip().str.lower().ne("withdrawn").fillna(True)]
            carried = rows[["project_id", "cluster_id"]].drop_duplicates()
        with_participants = (set(eco.participations["project_id"]) if "participations" in eco.provided else set())
        carried = carried.assign(empty=~carried["project_id"].isin(with_participants))
        empty = carried.groupby("cluster_id")["empty"].agg(["sum", "all"]).reindex(table.index)
        unknown_projects = empty["all"].fillna(False).astype(bool).to_numpy()
        for column in ("members", "project_organisations", "reach"):
            if column in table.columns:
                table[column] = table[column].astype("Int64")
        if "members" in table.columns:
            table.loc[~listed, "members"] = pd.NA
        if "project_organisations" in table.columns:
            table.loc[unknown_projects, "project_organisations"] = pd.NA
            table.insert(list(table.columns).index("project_organisations") + 1, "projects_without_participants",
                         empty["sum"].fillna(0).astype("Int64").to_numpy())
        if "reach" in table.columns:
            table.loc[~listed | unknown_projects, "reach"] = pd.NA
        return table

    def _cluster_link(self) -> tuple[str, str]:
        """The link the cluster network is drawn with, and a sentence when it is not the first choice."""
        from .graphs import cluster_edges

        eco = self.clusters_only()
        tried = []
        for via, needs in (("intercluster", ("project_clusters",)), ("memberships", ("memberships",))):
            if not all(name in eco.provided for name in needs):
                continue
            if len(cluster_edges(eco, via=via)):
                why = ""
                if tried:
                    why = (f"No two clusters are linked {_VIA_TEXT[tried[0]]}, so clusters are linked "
                           f"{_VIA_TEXT[via]} instead.")
                return via, why
            tried.append(via)
        if not tried:
            raise MissingTableError("the cluster network needs project_clusters (joint projects) or memberships")
        raise MissingTableError(
            "no two clusters are linked " + " or ".join(_VIA_TEXT[via] for via in tried)
            + ", so every cluster would have degree 0"
        )

    def bridging(self, section: ReportSection) -> None:
        from .measures import attribute_mixing, consortium_diversity

        eco = self.ecosystem
        graph = self.organisation_network()
        rows, left_out = [], []
        for attribute in ("sector", "size_class", "kind", "country"):
            try:
                rows.append(attribute_mixing(graph, attribute=attribute))
            except OptionError as error:
                left_out.append(str(error).removeprefix("nothing to measure: "))
        if rows:
            summary = pd.concat(rows, ignore_index=True)[["attribute", "among", "groups", "organisations",
                                                          "ties", "ei_index"]]
            self._save_table(section, summary, "ei_index")
            section.body.append(
                "<p>Krackhardt and Stern's E-I index of the organisation network: -1 when every tie stays "
                "inside a group, +1 when every tie crosses groups. Sector and size are compared among "
                "companies only, and organisations whose value is unknown are left out.</p>")
            section.body.append(_table_html(summary))
        if left_out:
            section.body.append(f"<p>No E-I index where there is nothing to measure: "
                                f"{html.escape('; '.join(left_out))}.</p>")
        try:
            mixing = attribute_mixing(graph, attribute="sector", fallback="kind", level="group")
        except OptionError as error:
            section.body.append(f"<p>No ties within and across groups to show: {html.escape(str(error))}.</p>")
            return
        attribute, among = mixing["attribute"].iloc[0], mixing["among"].iloc[0]
        mixing = mixing.drop(columns=["attribute", "among"]).set_index("group")
        self._save_table(section, mixing, f"group_mixing_{attribute}")
        section.body.append(f"<h3>Ties within and across {attribute} groups"
                            f"{' (companies)' if among == 'companies' else ''}</h3>")
        section.body.append(_table_html(mixing))
        groups = attribute_mixing(graph, attribute=attribute, level="node").set_index("node")["group"]
        members = "companies" if among == "companies" else "organisations"
        # A share means little without what the same consortia give with the groups at random: the
        # labels shuffled among the participants of known value, exact expectations beside the spread.
        diversity = consortium_diversity(eco, groups, baseline="shuffle", samples=1000, seed=self.seed)
        self._save_table(section, diversity, f"consortium_diversity_{attribute}")
        line = diversity.attrs["baseline"]
        if line["projects"] == 0:
            section.body.append(f"<p>No share of projects spanning {attribute} groups: no project has two "
                                f"{members} with a known {attribute}.</p>")
            return
        baseline = pd.DataFrame([{
            "projects": line["projects"], "organisations": line["organisations"], "groups": line["groups"],
            "observed": line["observed"], "expected_exact": line["expected"], "expected": line["expected_sampled"],
            "expected_sd": line["expected_sd"], "low": line["low"], "high": line["high"],
            "p_value": line["p_value"], "samples": line["samples"],
        }])
        self._save_table(section, baseline, f"spanning_share_{attribute}")
        plural = "sectors" if attribute == "sector" else f"{attribute} groups"
        who = "firms" if members == "companies" else "organisations"
        section.findings.append(
            f"{line['observed']:.0%} of {line['projects']:,} projects join {who} of several {plural}; "
            f"{line['expected']:.1%} expected with {plural} shuffled across the {line['organisations']:,} "
            f"{who} of known {attribute} that take part in them (\u00b1{line['expected_sd']:.1%} over "
            f"{line['samples']:,} shuffles; "
            + ("other organisations and an unknown sector are no group" if members == "companies" else
               "an unknown value is no group")
            + "), so "
            + (f"the projects bridge more than chance (one-sided p = {line['p_value']:.2g})."
               if line["p_value"] < 0.05 else
               f"that share is what consortia of these sizes give by chance (p = {line['p_value']:.2f}).")
        )
        eligible = (diversity["participants"] - diversity["unknown"]) >= 2
        means = diversity.loc[eligible, ["groups", "expected_groups", "blau", "expected_blau",
                                         "shannon", "expected_shannon"]].mean()
        compared = pd.DataFrame(
            {"observed": [line["observed"], means["groups"], means["blau"], means["shannon"]],
             "expected with shuffled groups": [line["expected"], means["expected_groups"],
                                               means["expected_blau"], means["expected_shannon"]]},
            index=pd.Index([f"share spanning two or more {plural}", f"{plural} per project (mean)",
                            "Blau index (mean)", "Shannon entropy (mean)"], name="over the projects"))
        section.body.append(
            f"<p>{line['observed']:.0%} of the {line['projects']:,} projects with two or more "
            f"{members} of known {attribute} bring together {members} of two or more {attribute} groups. "
            f"With the {attribute} labels shuffled among the {line['organisations']:,} {members} of known "
            f"{attribute} that take part in a project, the consortia kept, the share would be "
            f"{line['expected']:.1%} (exact, hypergeometric); over {line['samples']:,} shuffles (seed "
            f"{self.seed}) {line['expected_sampled']:.1%} &plusmn; {line['expected_sd']:.1%} (95% of "
            f"shuffles between {line['low']:.1%} and {line['high']:.1%}; one-sided p = "
            f"{line['p_value']:.3g}).</p>")
        section.body.append(_table_html(compared))
        section.body.append(
            f"<p>Per project: observed groups, Blau index and Shannon entropy beside their expected values "
            f"and spread under the shuffle in <code>tables/consortium_diversity_{attribute}.csv</code>; the "
            f"share and its baseline in <code>tables/spanning_share_{attribute}.csv</code>.</p>")

    def communities(self, section: ReportSection) -> None:
        from .measures import community_agreement, community_profile, compare_partitions, misfits

        eco = self.ecosystem
        graph = self.organisation_network()
        active = self.active_network()
        if active.number_of_nodes() == 0:
            raise MissingTableError("no two organisations share a project, so there are no communities to find")
        found = self.detected_communities()
        left_out = graph.number_of_nodes() - active.number_of_nodes()
        section.body.append(
            f"<p>{self.community_method.capitalize()} communities of the organisation network (seed {self.seed}): "
            f"{found.nunique():,} communities over the {len(found):,} organisations with a tie."
            + (f" The {left_out:,} organisations without a tie are left out: each would be a community of its "
               "own, and so many groups of one would make any partition look like the clusters." if left_out else "")
            + "</p>")
        profile = community_profile(eco, found, graph=active)
        self._save_table(section, profile, "community_profile")
        nominal, which = self.nominal_groups()
        self._figure(section, "communities",
                     lambda ax: _plot("plot_communities", found, nominal if nominal is not None else
                                      eco.organisations.set_index("organisation_id")["kind"], ax=ax, top=15),
                     size=(9, 6))
        section.body.append(_table_html(profile, limit=15))
        self.resolution_plateau(section, active, found)
        if nominal is None:
            return
        compared = found.index.intersection(nominal.index)
        comparison = compare_partitions(found.reindex(compared), nominal.reindex(compared),
                                        graph=active.subgraph(compared).copy())
        # How much the agreement depends on the seed: the same method over five seeds, unless that
        # is python-louvain on a large network (two minutes a run on all of Horizon 2020).
        cheap = self.community_method == "leiden" or active.number_of_edges() <= _LOUVAIN_SPREAD_TIES
        seeds = list(range(self.seed, self.seed + (5 if cheap else 1)))
        agreement = community_agreement(active, nominal, methods=[self.community_method], seeds=seeds,
                                        consensus=False)
        spread = agreement.xs(self.community_method, level="method")
        table = pd.DataFrame([comparison])
        self._save_table(section, table, "communities_vs_clusters")
        self._save_table(section, agreement, "community_agreement")
        several = int((nominal.reindex(compared) == "several").sum())
        section.body.append(
            f"<h3>Do the communities follow the cluster boundaries?</h3><p>Compared with {html.escape(which)}, "
            f"over the {len(compared):,} organisations with a tie that have one ({several:,} of them labelled "
            "'several'): normalised mutual information (0: unrelated, 1: identical), adjusted mutual information "
            "and adjusted Rand index (both 0 for partitions that agree only by chance, 1: identical), the "
            "variation of information (a distance in nats, 0: identical) and the modularity of each partition. "
            f"The spread over seeds is in <code>tables/community_agreement.csv</code>.</p>")
        section.body.append(_table_html(table))
        nmi, ari = float(comparison["nmi"]), float(comparison["ari"])
        boundaries = "SPC" if self.flemish else "cluster"
        section.findings.append(
            f"Communities of collaboration follow the {boundaries} boundaries "
            f"{'closely' if nmi >= 0.7 else 'partly' if nmi >= 0.3 else 'hardly'}: normalised mutual "
            f"information {nmi:.2f} and adjusted Rand index {ari:.2f} (0 when they agree only by chance) between "
            f"the {int(comparison['groups_a']):,} {self.community_method} communities and {which}, over the "
            f"{len(compared):,} organisations with a tie that have one; "
            + (f"over seeds {seeds[0]}-{seeds[-1]} the NMI ranges from {spread.loc['nmi', 'min']:.2f} to "
               f"{spread.loc['nmi', 'max']:.2f}, the ARI from {spread.loc['ari', 'min']:.2f} to "
               f"{spread.loc['ari', 'max']:.2f}." if len(seeds) > 1 else
               "one seed only: python-louvain is slow on a network this large (--communities leiden gives the "
               "spread over seeds).")
        )
        odd = misfits(found.reindex(compared), nominal.reindex(compared))
        self._save_table(section, odd, "misfits")
        section.body.append(f"<p>{len(odd):,} organisations sit in a community dominated by another "
                            "group than their own (<code>tables/misfits.csv</code>).</p>")

    def structure(self, section: ReportSection) -> None:
        """The core of the organisation network, whether it stays, and the ties between countries."""
        from .errors import InvalidGraphError
        from .measures import core_periphery

        eco = self.ecosystem
        eco.require("organisations", "projects", "participations", purpose="the core and the country network")
        active = self.active_network()
        samples = _CORE_SAMPLES if active.number_of_edges() <= _CORE_TEST_TIES else 0
        try:
            core = core_periphery(active, samples=samples, seed=self.seed)
        except InvalidGraphError as error:
            section.body.append(f"<p>No core-periphery fit: {html.escape(str(error))}.</p>")
        else:
            self._core(section, core, active)
        self._core_over_time(section)
        self._countries(section)

    def _core(self, section: ReportSection, core: pd.DataFrame, active) -> None:
        fit = core.attrs
        size, linked = int(fit["core_size"]), active.number_of_nodes()
        names = _nx_attribute(active, "name")
        table = core.assign(name=[names.get(node) for node in core.index]).rename_axis("organisation_id")
        table = table.reset_index().sort_values(["coreness", "organisation_id"], ascending=[False, True])
        self._save_table(section, table[["organisation_id", "name", "coreness", "core"]], "core_periphery")
        if fit["samples"]:
            test = (f"{fit['samples']} degree-preserving rewirings of the network (null: the same degrees, ties "
                    f"placed at random) reach {fit['null_fit']:.3f} on average (sd {fit['null_fit_sd']:.3f}; "
                    f"p = {_p_text(fit['p_value'])}), so the core is "
                    + ("organised beyond what the degrees alone give." if fit["p_value"] <= 0.05 else
                       "no more than the hubs alone would make."))
        else:
            test = (f"Not tested against rewired graphs: the network has more than {_CORE_TEST_TIES:,} ties "
                    "(core_periphery(G, samples=20) runs the test).")
        section.body.append(
            f"<h3>The core</h3><p>Borgatti and Everett's discrete model over the {linked:,} organisations with a "
            f"tie: a core of {size:,} ({_share(size / linked)}) fits the core-periphery pattern with correlation "
            f"{fit['fit']:.3f}. {html.escape(test)} Every organisation's coreness is in "
            "<code>tables/core_periphery.csv</code>.</p>")
        leading = table.head(10)
        section.body.append(_table_html(leading[["organisation_id", "name", "coreness", "core"]].reset_index(drop=True)))
        section.findings.append(
            f"A densely tied core of {size:,} of the {linked:,} organisations with a tie ({_share(size / linked)}): "
            f"core-periphery correlation {fit['fit']:.3f}"
            + (f", against {fit['null_fit']:.3f} (sd {fit['null_fit_sd']:.3f}) in {fit['samples']} rewirings with the "
               f"same degrees (p = {_p_text(fit['p_value'])})." if fit["samples"] else
               " (not tested against rewirings: the network is too large for the report).")
        )

    def _core_over_time(self, section: ReportSection) -> None:
        from .errors import InvalidGraphError
        from .measures import core_persistence

        eco = self.ecosystem
        taking_part = eco.projects["project_id"].isin(eco.participations["project_id"])
        years = sorted(int(year) for year in eco.projects.loc[taking_part, "year"].dropna().unique())
        if len(years) < 2:
            return
        # One period per year for a short programme, else three spans of (nearly) equal length.
        periods = ([year] for year in years) if len(years) <= _YEARLY_PERIODS else (
            [int(year) for year in chunk] for chunk in np.array_split(np.array(years), 3))
        periods = [range(chunk[0], chunk[-1] + 1) for chunk in periods]
        try:
            persistence = core_persistence(eco, periods, samples=0, seed=self.seed)
        except InvalidGraphError as error:
            section.body.append(f"<p>The core over time is not shown: {html.escape(str(error))}.</p>")
            return
        self._save_table(section, persistence.drop(columns="core"), "core_persistence")
        stayed = persistence["stayed"].dropna()
        section.body.append(
            "<h3>Does the core stay?</h3><p>The core of each period's network (its projects only), and the share "
            "of the previous period's core still in it (<code>stayed</code>; the Jaccard index of the two cores "
            "beside it). A core that stays while the network grows is the 'oligarchic core' of Breschi and "
            "Cusmano (2004).</p>")
        section.body.append(_table_html(persistence.drop(columns=["core", "p_value"], errors="ignore")))
        if len(stayed):
            section.findings.append(
                f"Of each period's core, {_share(stayed.min())} to {_share(stayed.max())} was in the previous period's core "
                f"({', '.join(persistence.index)}; cores of {persistence['core_size'].min():,} to "
                f"{persistence['core_size'].max():,} organisations).")

    def _countries(self, section: ReportSection) -> None:
        from .graphs import region_network

        eco = self.ecosystem
        if "country" not in eco.organisations.columns:
            section.body.append("<p>No country network: the organisations table has no country column.</p>")
            return
        participating = eco.organisations["organisation_id"].isin(eco.participations["organisation_id"])
        countries = eco.organisations.loc[participating, "country"].dropna()
        if countries.nunique() < 2:
            section.body.append("<p>No country network: the participating organisations are in "
                                f"{'one country' if countries.nunique() else 'no known country'}.</p>")
            return
        graph = region_network(eco, level="country")
        internal = sum(float(data.get("internal", 0)) for _, data in graph.nodes(data=True))
        across = float(graph.size(weight="weight"))
        if internal + across == 0:
            return
        table = pd.DataFrame(
            [{"source": u, "target": v, "pairs": float(w)} for u, v, w in graph.edges(data="weight")]
            + [{"source": node, "target": node, "pairs": float(data.get("internal", 0))}
               for node, data in graph.nodes(data=True)],
            columns=["source", "target", "pairs"],
        ).sort_values(["pairs", "source", "target"], ascending=[False, True, True]).reset_index(drop=True)
        self._save_table(section, table, "country_ties")
        # If partners were paired regardless of country, two participations would be from different
        # countries with probability 1 - sum of squared country shares of the participations.
        shares = pd.Series({node: float(data.get("participations", 0)) for node, data in graph.nodes(data=True)})
        shares = shares / shares.sum()
        baseline = 1.0 - float((shares**2).sum())
        cross = table[table["source"] != table["target"]]
        strongest = cross.iloc[0] if len(cross) else None
        sentence = (f"{_share(across / (internal + across))} of the {internal + across:,.0f} organisation pairs joined "
                    f"in projects cross a border, against {_share(baseline)} if partners were paired regardless of country "
                    f"(1 minus the sum of the {len(shares):,} countries' squared shares of the participations)")
        if strongest is not None:
            sentence += (f"; the strongest cross-border pair is {strongest['source']}-{strongest['target']} "
                         f"with {strongest['pairs']:,.0f} pairs")
        section.body.append(f"<h3>Countries</h3><p>{html.escape(sentence)}. The country ties are in "
                            "<code>tables/country_ties.csv</code>.</p>")
        section.findings.append(sentence + ".")
        self._figure(section, "country_ties", lambda ax: _plot("plot_region_ties", graph, ax=ax, top=12), size=(7, 6))

    def resolution_plateau(self, section: ReportSection, active, found: pd.Series) -> None:
        """The widest range of modularity's resolution over which Leiden's partition stays the same."""
        from .measures import resolution_profile

        low, high = _PROFILE_RANGE
        if active.number_of_edges() > _PROFILE_TIES:
            section.body.append(
                f"<p>The resolution profile is left out: the network has {active.number_of_edges():,} ties "
                f"(above {_PROFILE_TIES:,}, a Leiden run per change of partition takes too long for the report). "
                f"<code>cn.resolution_profile(G, method=\"modularity\", resolution_range=({low:g}, {high:g}))</code> "
                "computes it.</p>")
            return
        profile = resolution_profile(active, method="modularity", resolution_range=_PROFILE_RANGE, seed=self.seed)
        self._save_table(section, profile, "resolution_profile")
        text = (f"<h3>How much do the communities depend on the resolution?</h3><p>Modularity's resolution "
                f"(1 for the communities above) scanned from {low:g} to {high:g}: Leiden's best partition "
                f"changes {len(profile) - 1:,} times over that range "
                "(<code>tables/resolution_profile.csv</code>). ")
        plateau = profile[profile["plateau"]]
        if plateau.empty:
            section.body.append(text + "No partition other than a single community or every organisation "
                                "alone is the best over any range.</p>")
            return
        row = plateau.iloc[0]
        inside = row["resolution_low"] <= 1.0 <= row["resolution_high"]
        text += (f"The widest stable range (the plateau) is {row['resolution_low']:.4g} to "
                 f"{row['resolution_high']:.4g} ({row['decades']:.2f} decades), where the same partition into "
                 f"{int(row['communities']):,} communities is the best found; the report's resolution 1 lies "
                 + ("inside it" if inside else "outside it")
                 + f" (the communities above, found at resolution 1: {found.nunique():,}).</p>")
        section.body.append(text)
        section.findings.append(
            f"The communities' resolution plateau: one partition into {int(row['communities']):,} communities "
            f"is the best Leiden finds for every resolution from {row['resolution_low']:.4g} to "
            f"{row['resolution_high']:.4g}, the widest such range between {low:g} and {high:g}; the report's "
            f"resolution 1 lies {'inside' if inside else 'outside'} it.")

    def nominal_groups(self) -> tuple[pd.Series | None, str]:
        """Each organisation's cluster to compare the communities with, and what it is in words."""
        from .measures import nominal_partition

        eco = self.ecosystem
        if "memberships" not in eco.provided or eco.memberships.empty:
            return None, ""
        if self.flemish:
            # SPC membership only: counting IBN memberships too, most SIM members are also in an
            # IBN niche of SIM and 'several' would dominate (docs/walkthrough.md, question 5).
            spcs = eco.clusters.loc[eco.clusters["type"] == "SPC", "cluster_id"]
            members = eco.memberships[eco.memberships["cluster_id"].isin(spcs)]
            if members.empty:
                return None, ""
            labels = nominal_partition(eco.replace(memberships=members))
            return labels, ("SPC membership (an organisation in two or more SPCs counts as 'several'; IBN "
                            "memberships and programmes are not counted)")
        clusters = eco.memberships["cluster_id"].nunique()
        return nominal_partition(eco), (f"membership of the {clusters:,} clusters (an organisation in several "
                                        "counts as 'several')")

    def networks(self, section: ReportSection) -> None:
        from .graphs import cluster_network

        eco = self.ecosystem
        links = []
        if "clusters" in eco.provided:
            for via, needs in (("intercluster", "project_clusters"), ("memberships", "memberships")):
                if needs not in eco.provided:
                    continue
                graph = cluster_network(self.clusters_only(), via=via)
                name = f"clusters_{via}"
                # A cluster without a link is a finding (15 of the 20 Flemish IBNs carry no joint
                # project), and a cluster network is small: its page keeps every cluster.
                self._network_page(graph, name, f"Clusters linked {_VIA_TEXT[via]}", color_by="type",
                                   size_by=pd.Series(dict(graph.degree()), dtype=float, name="degree"),
                                   isolates=True)
                links.append((name, f"Clusters linked {_VIA_TEXT[via]}", graph))
        if "participations" in eco.provided and len(eco.participations) and self.active_network().number_of_nodes():
            graph, description, said = self._organisation_page()
            found = self.detected_communities()
            for node in graph.nodes:
                graph.nodes[node]["community"] = int(found.get(node, -1))
            self._network_page(graph, "organisations", "Organisations linked by shared projects",
                               color_by="community", size_by=pd.Series(dict(graph.degree()), dtype=float, name="degree"),
                               description=f"{description}; colour: community.")
            section.body.append(f"<p>The organisation page: {html.escape(said)} Its organisations, with their "
                                "degree on the page and their community, are in "
                                "<code>tables/organisation_page.csv</code>.</p>")
            names = _nx_attribute(graph, "name")
            held = pd.DataFrame({
                "organisation_id": list(graph.nodes),
                "name": [names.get(node) for node in graph.nodes],
                "degree": [degree for _, degree in graph.degree()],
                "community": [graph.nodes[node]["community"] for node in graph.nodes],
            }).sort_values(["degree", "organisation_id"], ascending=[False, True]).reset_index(drop=True)
            self._save_table(section, held, "organisation_page")
            links.append(("organisations", "Organisations linked by shared projects", graph))
        if "participations" in eco.provided and len(eco.participations) and not self.active_network().number_of_nodes():
            if not links:
                raise MissingTableError("no two organisations share a project, so there is no organisation network "
                                        "to draw")
            section.body.append("<p>No organisation page: no two organisations share a project.</p>")
        if not links:
            raise MissingTableError("the networks need clusters with memberships or project_clusters, "
                                    "or participations")
        items = "".join(
            f'<li><a href="networks/{name}.html">{html.escape(label)}</a> '
            f"({graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges)</li>"
            for name, label, graph in links)
        section.body.append(f"<p>Each opens offline in a browser: search, filter, hover for details.</p>"
                            f"<ul>{items}</ul>")
        section.files += [f"networks/{name}.html" for name, _, _ in links]

    def _organisation_page(self):
        """The organisations the page holds, its description line and a sentence on the choice."""
        import networkx as nx

        from .graphs import backbone

        full = self.organisation_network()
        everyone, ties = full.number_of_nodes(), full.number_of_edges()
        tied = sorted((node for node, degree in full.degree() if degree > 0), key=str)
        method = self.backbone
        why = ""
        if method == "auto":
            method = None if len(tied) <= self.top else "disparity"
            why = (f"{len(tied):,} organisations have a tie, at most the {self.top:,} a page holds, so the page "
                   "draws the plain network (--backbone chooses a backbone). " if method is None else
                   f"{len(tied):,} organisations have a tie, more than the {self.top:,} a page holds, so the page "
                   "draws the disparity filter's backbone, the one the docs recommend for pictures. ")
        if method is not None:
            kept = backbone(self.ecosystem, method=method, alpha=self.alpha)
            weight = _WEIGHT_NAMES.get(kept.graph.get("weight"), f"{kept.graph.get('weight')} weights")
            named = f"{_BACKBONE_NAMES[method]}, alpha {self.alpha:g}, {weight}"
            if kept.number_of_edges() == 0:
                why += (f"The {named} keeps none of the {ties:,} ties, so the page draws the plain network "
                        "instead. ")
                method = None
        if method is None:
            degrees = pd.Series(dict(full.subgraph(tied).degree()), dtype=float)
            chosen = _most_central(degrees, self.top)
            graph = full.subgraph(chosen).copy()
            held = (f"all {len(tied):,} with a tie" if len(chosen) == len(tied) else
                    f"the most central by degree of the {len(tied):,} with a tie")
            description = (f"{len(chosen):,} of {everyone:,} organisations, {held} (no backbone); "
                           f"{graph.number_of_edges():,} of {ties:,} ties")
            return graph, description, why + description + "."
        components = sorted(nx.connected_components(kept), key=lambda nodes: (-len(nodes), min(map(str, nodes))))
        largest = components[0]
        core = kept.subgraph(largest)
        chosen = _most_central(pd.Series(dict(core.degree()), dtype=float), self.top)
        graph = core.subgraph(chosen).copy()
        if len(chosen) == len(largest):
            held = f"in the backbone's largest component ({named})"
        else:
            held = (f"the most central by degree of the {len(largest):,} in the backbone's largest component "
                    f"({named})")
        description = (f"{len(chosen):,} of {everyone:,} organisations {held}; {graph.number_of_edges():,} of "
                       f"{ties:,} ties")
        said = (f"{why}{description}. The backbone keeps {kept.number_of_edges():,} ties in "
                f"{sum(1 for nodes in components if len(nodes) > 1):,} components; --backbone none draws the "
                "plain network.")
        return graph, description, said

    # -- shared pieces ------------------------------------------------------------------
    def organisation_network(self):
        if self._organisation_network is None:
            from .graphs import organisation_network

            self.ecosystem.require("projects", "participations", purpose="the organisation network")
            if self.ecosystem.participations.empty:
                raise MissingTableError("the participations table has no rows, so there is no "
                                        "organisation network")
            self._organisation_network = organisation_network(self.ecosystem, weight="newman")
        return self._organisation_network

    def programmes(self) -> pd.DataFrame:
        """Rows of the clusters table that are programmes, not clusters.

        Only in the Flemish data, whose clusters are SPCs and IBNs: a row of another type there
        is a programme run by the clusters (the Moonshot: coordinated by Catalisti, the SPCs on
        its board), and counting it as a 27th cluster without a tie would change every count
        and ranking. Elsewhere every row of the clusters table is a cluster.
        """
        if not self.flemish:
            return self.ecosystem.clusters.iloc[:0]
        clusters = self.ecosystem.clusters
        return clusters[~clusters["type"].isin(["SPC", "IBN"])]

    def clusters_only(self) -> Ecosystem:
        """The ecosystem without its programmes (the Flemish Moonshot), for every cluster count."""
        if self._clusters_only is None:
            eco = self.ecosystem
            programmes = set(self.programmes()["cluster_id"])
            if not programmes:
                self._clusters_only = eco
            else:
                tables = {"clusters": eco.clusters[~eco.clusters["cluster_id"].isin(programmes)]}
                for name in ("memberships", "project_clusters"):
                    if name in eco.provided:
                        table = getattr(eco, name)
                        tables[name] = table[~table["cluster_id"].isin(programmes)]
                self._clusters_only = eco.replace(**tables)
        return self._clusters_only

    def cluster_memberships(self) -> pd.DataFrame:
        return self.clusters_only().memberships

    def programme_sentences(self) -> list[str]:
        """What each programme is, from its memberships and the projects that name it."""
        eco = self.ecosystem
        sentences = []
        names = (eco.organisations.set_index("organisation_id")["name"] if "organisations" in eco.provided
                 else pd.Series(dtype=object))
        for programme in self.programmes().itertuples(index=False):
            parts = [f"{programme.name} is not a cluster but a programme run by the clusters"]
            members = (eco.memberships[eco.memberships["cluster_id"] == programme.cluster_id]
                       if "memberships" in eco.provided else pd.DataFrame(columns=["organisation_id"]))

            def named(ids):
                return _list_text([str(names.get(organisation, organisation)) for organisation in ids])

            if "tier" in members.columns:
                coordinators = members.loc[members["tier"].astype("string").str.lower() == "coordinator",
                                           "organisation_id"].drop_duplicates()
                if len(coordinators):
                    parts.append(f"coordinated by {named(coordinators)}")
            if "board" in members.columns:
                board = members.loc[members["board"].fillna(False).astype(bool), "organisation_id"].drop_duplicates()
                if len(board):
                    parts.append(f"with {len(board)} cluster organisations on its board ({named(board)})")
            sentence = ", ".join(parts) + "."
            if "projects" in eco.provided and "title" in eco.projects.columns:
                titles = eco.projects["title"].astype("string")
                own = eco.projects[titles.str.contains(str(programme.name), case=False, regex=False).fillna(False)]
                if len(own):
                    linked = eco.project_clusters["project_id"].isin(own["project_id"]).any() if (
                        "project_clusters" in eco.provided) else False
                    with_partners = eco.participations["project_id"].isin(own["project_id"]).any() if (
                        "participations" in eco.provided) else False
                    years = sorted(own["year"].dropna().astype(int).unique()) if "year" in own.columns else []
                    sentence += (f" {len(own):,} projects in the data carry its name"
                                 + (f" ({_list_text([str(year) for year in years])})" if years else "")
                                 + ("; the data links none of them to a cluster" if not linked else "")
                                 + (" and lists none of their partners" if not with_partners else "") + ".")
            sentence += (" It is therefore left out of the cluster counts, KPIs, rankings and cluster networks; "
                         "its members are the board, not firms.")
            sentences.append(sentence)
        return sentences

    def active_network(self):
        """The organisation network without the organisations that have no tie."""
        if self._active_network is None:
            graph = self.organisation_network()
            self._active_network = graph.subgraph([node for node, degree in graph.degree() if degree > 0]).copy()
        return self._active_network

    def detected_communities(self, seed: int | None = None) -> pd.Series:
        """Communities of the organisations with a tie (the report's seed unless another is given)."""
        from .measures import communities

        if seed is not None and seed != self.seed:
            return communities(self.active_network(), method=self.community_method, seed=seed)
        if self._communities is None:
            self._communities = communities(self.active_network(), method=self.community_method, seed=self.seed)
        return self._communities

    def _save_table(self, section: ReportSection, table: pd.DataFrame, name: str) -> None:
        from .viz import write_table

        path = self.out / "tables" / f"{name}.csv"
        # tables indexed by cluster, community or (cluster, year) keep their index as columns
        keep_index = not isinstance(table.index, pd.RangeIndex)
        write_table(table.reset_index() if keep_index else table, path)
        section.files.append(f"tables/{name}.csv")

    def _figure(self, section: ReportSection, name: str, draw, *, size=(8, 6)) -> None:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        # Constrained layout makes room for legends beside the axes (tight_layout warned and cut
        # them off), and the tight bounding box keeps whatever still lies outside.
        figure, ax = plt.subplots(figsize=size, layout="constrained")
        try:
            with warnings.catch_warnings():
                # A name with a control character (an escape, a bell) has no glyph: matplotlib draws a
                # box and would warn on the console for each; the HTML and the tables keep the name.
                warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
                draw(ax)
                png = self.out / "figures" / f"{name}.png"
                figure.savefig(png, dpi=150, metadata={"Software": None}, bbox_inches="tight")
                figure.savefig(self.out / "figures" / f"{name}.svg", metadata={"Date": None}, bbox_inches="tight")
            from .viz import clean_svg

            clean_svg(self.out / "figures" / f"{name}.svg")
        finally:
            plt.close(figure)
        encoded = base64.b64encode(png.read_bytes()).decode("ascii")
        section.body.append(f'<p><img alt="{html.escape(name)}" src="data:image/png;base64,{encoded}"></p>')
        section.files += [f"figures/{name}.png", f"figures/{name}.svg"]

    def _network_page(self, graph, name: str, title: str, **options) -> None:
        from .viz import to_html

        to_html(graph, self.out / "networks" / f"{name}.html", title=title, seed=self.seed, **options)


_VIA_TEXT = {
    "intercluster": "by the projects they carry together",
    "memberships": "by shared members",
    "projects": "by members meeting in projects",
}


def _nx_attribute(graph, key: str) -> dict:
    """A node attribute of a networkx graph as a dict (missing where a node has none)."""
    return {node: data[key] for node, data in graph.nodes(data=True) if key in data}


def _list_text(items: list[str]) -> str:
    """``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _share(value: float) -> str:
    """A share in per cent, with a decimal below 10% so that a small share does not read as its baseline."""
    return f"{value:.1%}" if abs(value) < 0.1 else f"{value:.0%}"


def _p_text(value: float) -> str:
    """A p-value as a reader wants it: two significant digits, missing as missing."""
    return "" if pd.isna(value) else f"{value:.2g}"


def _most_central(degrees: pd.Series, top: int) -> list:
    """The ``top`` nodes of highest degree, ties broken by id; in id order."""
    order = pd.DataFrame({"degree": degrees.to_numpy(), "id": [str(node) for node in degrees.index]},
                         index=degrees.index)
    chosen = order.sort_values(["degree", "id"], ascending=[False, True]).index[:top]
    return sorted(chosen, key=str)


def _plot(name: str, *args, **kwargs):
    from . import viz

    return getattr(viz, name)(*args, **kwargs)


_MISSING = "\u2013"  # an en dash: a missing cell is shown as missing, never as a zero or a blank


def _table_html(table: pd.DataFrame, *, limit: int | None = None) -> str:
    """A table for reading: no 0..n row numbers, missing cells as a dash, counts as whole numbers."""
    shown = (table if limit is None else table.head(limit)).copy()
    missing = bool(shown.isna().to_numpy().any()) if len(shown.columns) else False
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_float_dtype(values) and values.dropna().map(float.is_integer).all():
            shown[column] = values.map(lambda value: _MISSING if pd.isna(value) else f"{int(value):,}")
        elif pd.api.types.is_float_dtype(values):
            shown[column] = values.map(lambda value: _MISSING if pd.isna(value) else f"{value:,.3f}")
        elif pd.api.types.is_integer_dtype(values):
            shown[column] = values.astype(object).map(lambda value: _MISSING if is_missing(value) else f"{value:,}")
        elif not pd.api.types.is_bool_dtype(values):
            shown[column] = values.astype(object).map(lambda value: _MISSING if is_missing(value) else value)
    text = shown.to_html(escape=True, na_rep=_MISSING, border=0, index=not isinstance(shown.index, pd.RangeIndex))
    if missing:
        text += (f'<p class="files">{_MISSING}: missing (not in the data, or not defined, such as a rate '
                 "without a previous year).</p>")
    if limit is not None and len(table) > limit:
        text += f"<p class=\"files\">First {limit} of {len(table):,} rows.</p>"
    return text


def _page(title: str, provenance: str | None, sections: list[ReportSection]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        '<p class="files">Made with clusternet.</p>',
    ]
    if provenance:
        parts.append(f'<p class="provenance">{html.escape(provenance)}</p>')
    toc = "".join(f'<li><a href="#{s.key}">{html.escape(s.title)}</a></li>' for s in sections)
    parts.append(f"<nav><ul>{toc}</ul></nav>")
    findings = [(section, sentence) for section in sections for sentence in section.findings]
    if findings:
        items = "".join(f'<li>{html.escape(sentence)} <a href="#{section.key}">more</a></li>'
                        for section, sentence in findings)
        parts.append(f'<section id="findings"><h2>Key findings</h2><ul>{items}</ul></section>')
    for section in sections:
        parts.append(f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>')
        if section.skipped:
            parts.append(f'<p class="skipped">Not in this report: {html.escape(section.skipped)}.</p>')
        parts.extend(section.body)
        if section.files:
            files = ", ".join(f'<a href="{html.escape(f)}">{html.escape(f)}</a>' for f in section.files)
            parts.append(f'<p class="files">Files: {files}</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def print_progress(line: str) -> None:
    """Progress lines for the command line, on standard error."""
    print(line, file=sys.stderr, flush=True)
