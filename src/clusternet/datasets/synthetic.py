"""A synthetic Flemish cluster ecosystem calibrated to the published figures of the 2020 evaluation."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..model import Ecosystem

__all__ = ["synthetic_ecosystem", "calibration_report"]

#: The membership years the generator writes.
YEARS = (2017, 2018, 2019)

_BLAUWE = "spc-blauwe-cluster"
#: The five SPCs of the STORE analysis (report line 509); the Blauwe Cluster was still starting up.
OLDER_SPCS = ("spc-catalisti", "spc-sim", "spc-flux50", "spc-vil", "spc-flanders-food")
_SPCS = (*OLDER_SPCS, _BLAUWE)

# Paying member firms per SPC and year. The report gives no per-SPC number, only "from just over
# 100 to almost 700 paying firms" in 2018 (line 1137), so the split is an assumption: the SME-heavy
# clusters (VIL, Flanders' FOOD, line 1226) are the large ones. Flanders' FOOD's 2017 row stands for
# the members of its predecessor ("lichte structuur", footnote 23 at line 1210).
_SPC_SIZES = {
    2017: (95, 96, 100, 176, 640, 0),
    2018: (102, 104, 120, 190, 690, 108),
    2019: (131, 130, 156, 224, 828, 240),
}
# Retention as the report defines it (line 1145): the share of a year's members that were already
# members the year before. 80% overall in 2019, 70% to 84% by SPC (line 1147); the Blauwe Cluster,
# which only became active in 2019 (footnote 24), is outside that range. 2018 is not published.
_RETENTION = {
    2018: (0.78, 0.80, 0.74, 0.83, 0.80, 0.0),
    2019: (0.72, 0.76, 0.70, 0.84, 0.825, 0.40),
}
# Unique member firms (five older SPCs, all SPCs): 1,148 at the start of 2018 (line 509), 1,232 in
# 2018 (line 1139), 1,611 in 2019 (line 1143), +22% without the Blauwe Cluster (line 1145).
_UNIQUE = {2017: (1054, 1054), 2018: (1148, 1232), 2019: (round(1148 * 1.22), 1611)}

# Firm profile of section 3.1 (lines 517-545). Size and ownership are drawn jointly so that large
# firms are mostly multinationals; the margins are the report's 81% SME and 37/27/34% ownership.
_SECTORS = ("industry", "services", "trade", "primary")
_SECTOR_SHARES = (0.445, 0.355, 0.193, 0.006)
_SIZE_OWNERSHIP = (
    ("sme", "domestic", 0.350), ("sme", "national_multinational", 0.210),
    ("sme", "foreign_multinational", 0.235), ("sme", "unknown", 0.015),
    ("large", "domestic", 0.020), ("large", "national_multinational", 0.060),
    ("large", "foreign_multinational", 0.105), ("large", "unknown", 0.005),
)
# "Antwerpen, Oost-Vlaanderen and Vlaams-Brabant about equally strong, then West-Vlaanderen and
# Limburg" relative to the firms of each province (lines 555-559); the weights are an assumption.
_PROVINCES = ("Antwerpen", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen", "Limburg")
_PROVINCE_SHARES = (0.317, 0.260, 0.204, 0.134, 0.085)
_ABROAD = (("NL", 0.015), ("FR", 0.008), ("DE", 0.007))

# Projects on earmarked means by instrument and year: count (Tabel 6, lines 928-947), total budget
# and VLAIO support in EUR (Tabel 7 detail, lines 1084-1098). O&O is the report's research project
# plus development project rows.
_INSTRUMENTS = pd.DataFrame(
    [
        ("COOCK", 2018, 11, 4_003_023, 2_401_813),
        ("COOCK", 2019, 12, 4_799_629, 4_648_901),
        ("feasibility study", 2017, 27, 3_369_544, 1_387_628),
        ("ICON", 2017, 17, 32_210_116, 22_356_278),
        ("ICON", 2018, 12, 40_516_914, 28_670_070),
        ("ICON", 2019, 23, 73_883_172, 51_032_809),
        ("O&O", 2018, 12, 1_648_655 + 11_593_365, 989_194 + 4_684_215),
        ("O&O", 2019, 22, 8_146_050 + 26_817_284, 4_558_690 + 10_121_323),
        ("c-SBO", 2017, 7, 14_215_698, 14_215_698),
        ("c-SBO", 2018, 4, 9_005_363, 9_005_363),
        ("c-SBO", 2019, 5, 8_734_517, 8_734_517),
        ("VIS", 2017, 30, 10_930_950, 8_744_756),
    ],
    columns=["instrument", "year", "projects", "budget", "support"],
)
_SLUGS = {"COOCK": "coock", "feasibility study": "feas", "ICON": "icon", "O&O": "oo", "c-SBO": "csbo",
          "VIS": "vis"}

# Support by organisation type (Tabel 8, lines 1040-1050), MEUR: firms, knowledge institutions,
# SOCs, collective research centres, spearhead clusters, other. 2019 is not published (footnote 19
# at line 1072); the generator reuses 2018.
_SUPPORT_TYPES = ("firms", "knowledge institutions", "SOCs", "collective research centres",
                  "spearhead clusters", "other")
_SUPPORT_MEUR = {2017: (11.3, 23.0, 2.2, 3.8, 3.7, 1.1), 2018: (19.3, 19.7, 3.6, 0.7, 2.0, 0.3)}
_SUPPORT_MEUR[2019] = _SUPPORT_MEUR[2018]
# The percentages as printed; they are rounded from the MEUR (3.8 of 45.1 is 8.4%, printed 9%).
_SUPPORT_PERCENT = {2017: (25, 51, 5, 9, 8, 2), 2018: (42, 43, 8, 1, 4, 1)}

# Who takes part, by instrument. ICON joins at least 3 firms with knowledge institutions (line 907);
# O&O projects and feasibility studies need at least 3 firms as partners, subcontractors not
# counted (lines 1004, 1012). c-SBO, VIS and COOCK are collective: research organisations and the
# cluster carry them, firms sit in the user group (role "other", no support).
# Fields: firms (minimum, mean extra), firms funded, knowledge (minimum, extra trials, p), SOC p,
# collective centre p, cluster organisation p, federation/public body p, role of research partners.
_RECIPES = {
    "ICON": ((3, 2.0), True, (1, 2, 0.4), 0.5, 0.15, 0.1, 0.05, "partner"),
    "O&O": ((3, 1.2), True, (0, 1, 0.6), 0.0, 0.2, 0.0, 0.0, "subcontractor"),
    "feasibility study": ((3, 1.5), True, (0, 1, 0.3), 0.0, 0.0, 0.0, 0.0, "subcontractor"),
    "c-SBO": ((3, 3.0), False, (1, 3, 0.4), 0.4, 0.1, 0.3, 0.0, "partner"),
    "VIS": ((5, 5.0), False, (0, 1, 0.4), 0.1, 0.6, 0.6, 0.3, "partner"),
    "COOCK": ((5, 4.0), False, (0, 2, 0.4), 0.1, 0.5, 0.5, 0.3, "partner"),
}
# Which SPC carries a project of an instrument: feasibility studies were almost only Flux50's in
# 2017 (line 897); Catalisti and SIM used ICON longest (line 915); VIL and Flanders' FOOD are the
# SME clusters of collective projects; the Blauwe Cluster uses earmarked means from 2019 (footnote
# 14 at line 953). Order of _SPCS.
# Who leads a collective project, by support type (1 knowledge institution, 2 SOC, 3 collective
# centre, 4 the cluster organisation, 5 other): VIS projects were largely the clusters' own.
_LEADS = {"VIS": (4, 3, 1, 2, 5), "COOCK": (3, 1, 4, 2, 5), "c-SBO": (1, 2, 4, 3, 5)}
_CARRIER_WEIGHTS = {
    "ICON": (3, 3, 1, 1, 1, 1),
    "O&O": (1, 1, 2, 1, 1, 2),
    "feasibility study": (0.3, 0.3, 8, 0.3, 0.3, 1),
    "c-SBO": (2, 2, 1, 0.5, 1, 1),
    "VIS": (1, 1, 1, 1.5, 1.5, 1),
    "COOCK": (1, 1, 1, 2, 2, 1),
}

# Organisations besides firms. Named only where the report names them (line 2030: UGent,
# KULeuven, UAntwerpen, VUB, UHasselt, VITO, Centexbel; line 1520: Sirris; lines 2117-2123: Agoria,
# Essenscia, Fevia, Transport & Logistiek Vlaanderen); the others are generic.
_OTHERS = pd.DataFrame(
    [
        ("ki-kuleuven", "KU Leuven", "knowledge_institution", "university", "Vlaams-Brabant", 3.0),
        ("ki-ugent", "UGent", "knowledge_institution", "university", "Oost-Vlaanderen", 2.6),
        ("ki-uantwerpen", "UAntwerpen", "knowledge_institution", "university", "Antwerpen", 1.4),
        ("ki-vub", "VUB", "knowledge_institution", "university", "Brussel", 1.0),
        ("ki-uhasselt", "UHasselt", "knowledge_institution", "university", "Limburg", 0.8),
        *[(f"ki-college-{i}", f"University college {i}", "knowledge_institution", "university college",
           _PROVINCES[i - 1], 0.25) for i in range(1, 6)],
        ("soc-vito", "VITO", "research_centre", "strategic research centre", "Antwerpen", 1.0),
        *[(f"soc-{i}", f"Strategic research centre {i}", "research_centre", "strategic research centre",
           region, 1.0) for i, region in ((2, "Vlaams-Brabant"), (3, "Oost-Vlaanderen"), (4, "Limburg"))],
        ("crc-sirris", "Sirris", "research_centre", "collective research centre", "Brussel", 1.5),
        ("crc-centexbel", "Centexbel", "research_centre", "collective research centre", "Oost-Vlaanderen",
         1.0),
        *[(f"crc-{i}", f"Collective research centre {i}", "research_centre", "collective research centre",
           _PROVINCES[i - 3], 0.7) for i in range(3, 7)],
        ("fed-agoria", "Agoria", "other", "sector federation", "Brussel", 1.0),
        ("fed-essenscia", "Essenscia", "other", "sector federation", "Brussel", 1.0),
        ("fed-fevia", "Fevia", "other", "sector federation", "Brussel", 1.0),
        ("fed-tlv", "Transport & Logistiek Vlaanderen", "other", "sector federation", "Antwerpen", 1.0),
        *[(f"pub-{i}", f"Public body {i}", "public_body", "public body", _PROVINCES[i], 0.5)
          for i in range(1, 4)],
    ],
    columns=["organisation_id", "name", "kind", "category", "region", "weight"],
)
_FEDERATION_SPCS = {"fed-agoria": (1, 2), "fed-essenscia": (0,), "fed-fevia": (4,), "fed-tlv": (3, 5)}

# Membership forms by SPC (Tabel 9, lines 1228-1270): (tier of large firms, tier of SMEs, share of
# SMEs in the first tier). The Blauwe Cluster's premium members are set apart: 5 in 2018
# (footnote 28 at line 1298).
_TIERS = {
    "spc-catalisti": ("project member", "network member", 0.4),
    "spc-sim": ("member", "member", 1.0),
    "spc-flux50": ("valorisation package", "talent package", 0.3),
    "spc-vil": ("effective member", "associated member", 0.8),
    "spc-flanders-food": ("member", "member", 1.0),
    _BLAUWE: ("strategic", "exploratory", 0.0),
}
_PREMIUM_2018 = 5
_BOARD_FIRMS = 8

# Activities (services and events of the SPCs). Tabel 4 (line 863) gives 1,580 "unique active firms
# within the cluster" for 2018, summed over the SPCs, and defines them (lines 843-847) as firms
# using at least 2 cluster services or activities, or involved in collaborations; it says nothing
# of how they split. Assumed: a fixed share of each SPC's member firms uses no service (dormant,
# lines 849-851), one, or two or more; knowledge institutions attend too (they never count);
# firms that are no member of the SPC make up the rest of the 1,580, and the same share of
# non-members per member in 2017 and 2019.
_ACTIVITY_TARGET_2018 = 1580
_SERVICES = ("webinar", "workshop", "matchmaking", "advice", "company visit", "working group")
_SERVICES_PER_YEAR = 12  # distinct activities each SPC offers per year (of the kinds above)
_USES = (0.25, 0.15, 0.35, 0.25)  # member firms using 0, 1, 2, 3 activities in a year


def synthetic_ecosystem(*, seed: int = 0, scale: float = 1.0) -> Ecosystem:
    """The real Flemish cluster landscape with synthetic members and projects fitted to the report.

    The report behind :func:`load_flanders` publishes no member lists, so this builds a stand-in.
    Everything of :func:`load_flanders` is kept unchanged (clusters with ``niche_of`` and
    ``integrates_into``, cluster organisations, Moonshot board, intercluster projects and their
    ``project_clusters``); added are synthetic firms, knowledge institutions, research centres and
    federations, their SPC and IBN memberships for 2017-2019, and the SPCs' projects on earmarked
    means with their participations, generated so that the report's published figures come out:

    * member firms: 1,148 in the five older SPCs in 2018, 1,232 in all SPCs in 2018 and 1,611 in
      2019 (+22% without the Blauwe Cluster); SPCs from just over 100 to almost 700 firms in 2018;
      about 5% of firms in two or more SPCs; 80% of a year's members were members the year before
      (70% to 84% by SPC);
    * the profile of the 2018 member firms: sector ``industry``/``services``/``trade``/``primary``
      44.5/35.5/19.3/0.6%, 81% ``sme``, ownership 37% ``domestic``, 27% ``national_multinational``,
      34% ``foreign_multinational``, spread over the five Flemish provinces;
    * IBN members drawn largely from the SPC they are a niche of (``niche_of``);
    * projects per instrument and year (Tabel 6), their budgets and VLAIO support (Tabel 7), at
      least 3 firms in ICON, O&O and feasibility consortia, support split by organisation type as in
      Tabel 8; each project carried by one SPC in ``project_clusters`` (status ``approved``), with
      exactly one coordinator;
    * ``activities``: the SPCs' services and events used by member firms (a quarter dormant), by
      knowledge institutions and by firms that are no member, so that Tabel 4's "unique active
      firms" (two or more activities, or a project; :func:`~clusternet.kpis`'
      ``companies_in_2plus_activities_or_projects``) sum to 1,580 over the SPCs in 2018.

    :func:`calibration_report` sets each figure beside the report's. Synthetic organisations have
    an extra ``category`` column (``firm``, ``university``, ``strategic research centre``, ...);
    rows from the report keep their ``source_line``, synthetic rows have none.
    ``participations.budget`` is the VLAIO support a participant receives (0 for user-group
    firms and subcontractors); ``projects.budget`` is the total project budget and
    ``projects.funding`` the support.

    Parameters
    ----------
    seed : int, default 0
        Seed of the random generator; the same seed gives identical tables.
    scale : float, default 1.0
        Multiplies every count and amount (members, projects, euros); ``0.1`` gives a small
        ecosystem for examples and tests. Shares stay as published.

    Returns
    -------
    Ecosystem
        All seven tables, validated like user data.

    Raises
    ------
    ValueError
        If ``scale`` is not positive or ``seed`` is not an integer.

    See Also
    --------
    calibration_report : the generated figures beside the report's.
    load_flanders : the real landscape alone.

    Notes
    -----
    What the report does not give is assumed and documented in ``docs/datasets.md``: the split of
    members over the SPCs, IBN sizes, consortium sizes, which SPC carries which project, the
    province weights. Figures the report gives more than once with different values (1,148 firms
    from STORE against 1,232 paying firms; 1,488 against 1,611 in 2019) are matched in the way the
    docs explain; nothing else is taken from outside the report.

    References
    ----------
    .. [1] IDEA Consult and Technopolis (2020). *Een onderzoek naar clusterondersteuning in
       Vlaanderen*. Evaluation of the Flemish cluster policy for VLAIO, June 2020.

    Examples
    --------
    >>> import clusternet as cn
    >>> eco = cn.datasets.synthetic_ecosystem(seed=0)
    >>> firms = eco.organisation_ids(["company"])
    >>> spcs = eco.clusters.query("type == 'SPC'")["cluster_id"]
    >>> members = eco.memberships[eco.memberships["organisation_id"].isin(firms)
    ...                           & eco.memberships["cluster_id"].isin(spcs)]
    >>> members.groupby("year")["organisation_id"].nunique().tolist()  # 2017, 2018, 2019
    [1054, 1232, 1611]
    >>> icon = eco.projects[eco.projects["project_id"].str.startswith("icon-")]  # the SPCs' own
    >>> icon.groupby("year").size().tolist()  # Tabel 6
    [17, 12, 23]
    >>> eco == cn.datasets.synthetic_ecosystem(seed=0)
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    real = _real_landscape()
    rng = np.random.default_rng(seed)
    n_firms, rosters = _spc_rosters(rng, scale)
    store = np.unique(rosters.loc[(rosters["year"] == 2018) & (rosters["spc"] < len(OLDER_SPCS)), "firm"])
    # Firms in projects that are members of no SPC (VLAIO projects are open to all firms).
    n_outside = max(1, round(60 * scale))
    outside = np.arange(n_firms, n_firms + n_outside)
    n_firms += n_outside
    ibn, n_firms = _ibn_rosters(rng, real.clusters, rosters, n_firms, scale)
    firms = _firm_profiles(rng, n_firms, store)

    others = _OTHERS.drop(columns="weight").assign(sector="unknown", size_class="unknown",
                                                   ownership="unknown", country="BE")
    organisations = pd.concat(
        [real.organisations, _firm_table(firms), others], ignore_index=True
    )
    memberships = pd.concat(
        [real.memberships, _spc_memberships(rng, rosters, firms, scale), _institution_memberships(rng, rosters),
         ibn], ignore_index=True
    )
    projects, participations, project_clusters = _projects(rng, rosters, outside, scale)
    # A generator of its own, so the activities leave every other table as it was before them.
    activities = _activities(np.random.default_rng([seed, 4]), rosters, n_firms, projects, participations,
                             project_clusters, scale)
    return Ecosystem(
        organisations=organisations,
        clusters=real.clusters,
        memberships=memberships,
        projects=pd.concat([real.projects, projects], ignore_index=True),
        participations=participations,
        project_clusters=pd.concat([real.project_clusters, project_clusters], ignore_index=True),
        activities=activities,
    )


def calibration_report(ecosystem: Ecosystem, *, scale: float = 1.0) -> pd.DataFrame:
    """Every published figure the synthetic ecosystem reproduces, beside the report's value.

    Each figure is measured on the ecosystem's tables, not taken from the generator, so this also
    checks an ecosystem edited by hand. Member figures count organisations of kind ``company``
    with a membership of a cluster of type ``SPC``; project figures count the projects on earmarked
    means, that is projects carried by exactly one cluster, an SPC (intercluster projects and the
    Moonshot projects are counted apart in the report).

    Parameters
    ----------
    ecosystem : Ecosystem
        Usually from :func:`synthetic_ecosystem`; needs organisations, clusters, memberships,
        projects, participations and project_clusters.
    scale : float, default 1.0
        The ``scale`` the ecosystem was built with: counts and amounts of the report are multiplied
        by it (and so are their tolerances); shares are not.

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``figure`` (what is measured), ``unit`` (``firms``, ``share``,
        ``projects``, ``EUR``), ``generated``, ``report``, ``tolerance`` (absolute, in the unit),
        ``within`` (``|generated - report| <= tolerance``) and ``source`` (table and line of the
        report text).

    Examples
    --------
    >>> import clusternet as cn
    >>> report = cn.datasets.calibration_report(cn.datasets.synthetic_ecosystem(seed=0))
    >>> bool(report["within"].all())
    True
    >>> row = report.set_index("figure").loc["member firms of the SPCs, 2019"]
    >>> int(row["generated"]), int(row["report"]), row["source"]
    (1611, 1611, 'line 1143')
    """
    ecosystem.require("organisations", "clusters", "memberships", "projects", "participations",
                      "project_clusters", purpose="the calibration report")
    rows: list[tuple] = []

    def add(figure, unit, generated, report, tolerance, source, scaled):
        if scaled:
            report, tolerance = report * scale, tolerance * scale
            if unit in ("firms", "projects"):  # whole numbers: rounding alone may cost half a unit
                tolerance = max(tolerance, 0.5)
        rows.append((figure, unit, float(generated), float(report), float(tolerance), source))

    organisations = ecosystem.organisations
    clusters = ecosystem.clusters
    spcs = clusters.loc[clusters["type"] == "SPC", "cluster_id"]
    older = spcs[spcs != _BLAUWE]
    firms = organisations.loc[organisations["kind"] == "company"].set_index("organisation_id")
    memberships = ecosystem.memberships
    members = memberships[memberships["organisation_id"].isin(firms.index) & memberships["cluster_id"].isin(spcs)]
    of_year = {year: members[members["year"] == year] for year in YEARS}

    def unique(year, clusters_):
        frame = of_year[year]
        return frame.loc[frame["cluster_id"].isin(clusters_), "organisation_id"].nunique()

    add("member firms of the five older SPCs, 2018", "firms", unique(2018, older), 1148, 11.5,
        "section 3.1, line 509", True)
    add("member firms of the SPCs, 2018", "firms", unique(2018, spcs), 1232, 12.3, "line 1139", True)
    add("member firms of the SPCs, 2019", "firms", unique(2019, spcs), 1611, 16.1, "line 1143", True)
    add("growth of member firms 2018-2019", "share", unique(2019, spcs) / max(unique(2018, spcs), 1) - 1,
        0.31, 0.01, "line 1143", False)
    add("growth of member firms 2018-2019 without the Blauwe Cluster", "share",
        unique(2019, older) / max(unique(2018, older), 1) - 1, 0.22, 0.01, "line 1145", False)
    store = of_year[2018][of_year[2018]["cluster_id"].isin(older)]
    per_firm = store.groupby("organisation_id")["cluster_id"].nunique()
    add("share of member firms in two or more SPCs, 2018 (five older SPCs)", "share",
        (per_firm >= 2).mean(), 0.05, 0.01, "section 3.1, line 513", False)
    sizes = of_year[2018].groupby("cluster_id")["organisation_id"].nunique().reindex(spcs, fill_value=0)
    add("smallest SPC, member firms 2018 ('iets meer dan 100')", "firms", sizes.min(), 100, 20,
        "line 1137", True)
    add("largest SPC, member firms 2018 ('bijna 700')", "firms", sizes.max(), 700, 20, "line 1137", True)
    profile = firms.loc[per_firm.index]
    for sector, share in zip(_SECTORS, _SECTOR_SHARES, strict=True):
        add(f"share of 2018 member firms in sector {sector}", "share", (profile["sector"] == sector).mean(),
            share, 0.005, "section 3.1, lines 517-521", False)
    add("share of 2018 member firms that are SMEs", "share", (profile["size_class"] == "sme").mean(), 0.81,
        0.005, "section 3.1, line 533", False)
    for ownership, share in (("domestic", 0.37), ("national_multinational", 0.27),
                             ("foreign_multinational", 0.34)):
        add(f"share of 2018 member firms with ownership {ownership}", "share",
            (profile["ownership"] == ownership).mean(), share, 0.005, "section 3.1, lines 541-545", False)
    retention = _retention(of_year[2018], of_year[2019], older)
    add("share of 2019 members already members in 2018 (five older SPCs)", "share",
        retention.loc["all"], 0.80, 0.01, "line 1145", False)
    by_spc = retention.drop("all")
    add("lowest retention of an SPC, 2019", "share", by_spc.min(), 0.70, 0.01, "line 1147", False)
    add("highest retention of an SPC, 2019", "share", by_spc.max(), 0.84, 0.01, "line 1147", False)
    blauwe = of_year[2018]
    add("Blauwe Cluster premium members, 2018", "firms",
        ((blauwe["cluster_id"] == _BLAUWE) & (blauwe["tier"] == "premium")).sum(), _PREMIUM_2018, 0.5,
        "footnote 28, line 1298", True)

    projects = _earmarked(ecosystem)
    counts = projects.groupby(["instrument", "year"]).size()
    support = projects.groupby(["instrument", "year"])["funding"].sum()
    budget = projects.groupby(["instrument", "year"])["budget"].sum()
    for row in _INSTRUMENTS.itertuples(index=False):
        key = (row.instrument, row.year)
        add(f"{row.instrument} projects, {row.year}", "projects", counts.get(key, 0), row.projects, 0.5,
            "Tabel 6, lines 928-947", True)
    for row in _INSTRUMENTS.itertuples(index=False):
        key = (row.instrument, row.year)
        add(f"{row.instrument} VLAIO support, {row.year}", "EUR", support.get(key, 0.0), row.support,
            max(0.001 * row.support, 10), "Tabel 7, lines 1084-1098", True)
        add(f"{row.instrument} total budget, {row.year}", "EUR", budget.get(key, 0.0), row.budget,
            max(0.001 * row.budget, 10), "Tabel 7, lines 1084-1098", True)
    totals = {2017: (81, 46_704_360, 60_726_308, 576_597), 2018: (39, 45_750_655, 66_767_319, 1_173_094),
              2019: (62, 79_096_240, 122_380_653, 1_275_746)}
    for year, (count, year_support, year_budget, average) in totals.items():
        of = projects[projects["year"] == year]
        add(f"projects on earmarked means, {year}", "projects", len(of), count, 0.5, "Tabel 6, line 947", True)
        add(f"VLAIO support on earmarked means, {year}", "EUR", of["funding"].sum(), year_support,
            0.001 * year_support, "Tabel 7, line 966", True)
        add(f"total budget on earmarked means, {year}", "EUR", of["budget"].sum(), year_budget,
            0.001 * year_budget, "Tabel 7, line 1098", True)
        add(f"average support per project, {year}", "EUR", of["funding"].mean() if len(of) else 0.0,
            average, 0.01 * average, "Tabel 7, line 968", False)
    add("earmarked projects of the Blauwe Cluster before 2019", "projects",
        (projects["year"].lt(2019) & projects["carrier"].eq(_BLAUWE)).sum(), 0, 0.5,
        "footnote 14, line 953", True)
    needs_three = projects[projects["instrument"].isin(["ICON", "O&O", "feasibility study"])]
    participations = ecosystem.participations
    funded_firms = participations[participations["organisation_id"].isin(firms.index)
                                  & participations["role"].isin(["coordinator", "partner"])]
    firm_counts = funded_firms.groupby("project_id").size().reindex(needs_three["project_id"], fill_value=0)
    add("share of ICON, O&O and feasibility projects with at least 3 firms as partners", "share",
        (firm_counts >= 3).mean() if len(firm_counts) else 0.0, 1.0, 0.0, "lines 907, 1004, 1012", False)
    shares = _support_by_type(participations, organisations, clusters, projects)
    for year in (2017, 2018):
        for kind, percent in zip(_SUPPORT_TYPES, _SUPPORT_PERCENT[year], strict=True):
            add(f"share of support to {kind}, {year}", "share", shares.get((year, kind), 0.0), percent / 100, 0.01,
                "Tabel 8, lines 1040-1050", False)
    if "activities" in ecosystem.provided:
        add("unique active firms of the SPCs, 2018 (two or more activities, or a project; summed over "
            "the SPCs)", "firms", _active_firms(ecosystem, spcs, 2018), _ACTIVITY_TARGET_2018, 0.5,
            "Tabel 4, line 863", True)
    frame = pd.DataFrame(rows, columns=["figure", "unit", "generated", "report", "tolerance", "source"])
    frame.insert(5, "within", (frame["generated"] - frame["report"]).abs() <= frame["tolerance"] + 1e-9)
    return frame


def _active_firms(ecosystem: Ecosystem, spcs: pd.Series, year: int) -> int:
    """Tabel 4's active firms of ``year`` summed over ``spcs``, straight from the tables."""
    firms = set(ecosystem.organisation_ids(["company"]))
    activities = ecosystem.activities
    activities = activities[(activities["date"].dt.year == year) & activities["organisation_id"].isin(firms)]
    used = activities.groupby(["cluster_id", "organisation_id"])["activity"].nunique()
    two = used[used >= 2].index.to_frame(index=False)
    links = ecosystem.project_clusters
    links = links[links["status"] != "withdrawn"]
    projects = ecosystem.projects
    in_projects = ecosystem.participations.merge(projects.loc[projects["year"] == year, ["project_id"]]).merge(
        links[["project_id", "cluster_id"]])
    in_projects = in_projects.loc[in_projects["organisation_id"].isin(firms), ["cluster_id", "organisation_id"]]
    active = pd.concat([two, in_projects]).drop_duplicates()
    return int(active["cluster_id"].isin(set(spcs)).sum())


@functools.lru_cache(maxsize=1)
def _real_landscape() -> Ecosystem:
    # An Ecosystem is immutable, so one validated copy serves every call.
    from . import load_flanders

    return load_flanders()


# ---------------------------------------------------------------------------------------------
# Memberships


def _spc_rosters(rng: np.random.Generator, scale: float) -> tuple[int, pd.DataFrame]:
    """Company members of the SPCs per year as integer firm and SPC codes.

    Each year keeps the published share of last year's members (per SPC), fills the other seats
    first with new firms, as many as the unique-firm target allows, then with firms already in
    another SPC: so sizes and unique counts both come out as set.
    """
    n_firms = 0
    previous = (np.empty(0, np.int64), np.empty(0, np.int64))
    frames = []
    older = np.arange(len(OLDER_SPCS))
    for year in YEARS:
        sizes = np.round(np.array(_SPC_SIZES[year]) * scale).astype(np.int64)
        retention = np.array(_RETENTION.get(year, (0.0,) * len(_SPCS)))
        stay_firm, stay_spc = _stayers(rng, *previous, np.round(retention * sizes).astype(np.int64))
        roster_firm, roster_spc = np.empty(0, np.int64), np.empty(0, np.int64)
        for group, target in zip((older, np.array([len(OLDER_SPCS)])), _UNIQUE[year], strict=True):
            mine = np.isin(stay_spc, group)
            present_firm = np.concatenate([roster_firm, stay_firm[mine]])
            present_spc = np.concatenate([roster_spc, stay_spc[mine]])
            open_seats = np.clip(sizes[group] - np.bincount(stay_spc[mine], minlength=len(_SPCS))[group], 0, None)
            seats = np.repeat(group, open_seats)
            fresh = int(np.clip(round(target * scale) - np.unique(present_firm).size, 0, seats.size))
            new_firm, new_spc = _fill(rng, present_firm, present_spc, seats, fresh, n_firms)
            n_firms += fresh
            roster_firm = np.concatenate([present_firm, new_firm])
            roster_spc = np.concatenate([present_spc, new_spc])
        frames.append(pd.DataFrame({"firm": roster_firm, "spc": roster_spc, "year": year}))
        previous = (roster_firm, roster_spc)
    return n_firms, pd.concat(frames, ignore_index=True)


def _stayers(rng, firm, spc, keep):
    """A random ``keep[s]`` of last year's members of each SPC ``s``."""
    order = np.lexsort((rng.random(firm.size), spc))
    firm, spc = firm[order], spc[order]
    rank = np.arange(spc.size) - np.searchsorted(spc, spc, side="left")
    chosen = rank < keep[spc] if spc.size else np.zeros(0, bool)
    return firm[chosen], spc[chosen]


def _fill(rng, present_firm, present_spc, seats, fresh, first_id):
    """Give the first ``fresh`` seats to new firms, the others to present firms not yet in that SPC."""
    seats = rng.permutation(seats)
    firm = np.full(seats.size, -1, np.int64)
    firm[:fresh] = np.arange(first_id, first_id + fresh)
    candidates = np.unique(np.concatenate([present_firm, firm[:fresh]]))
    width = len(_SPCS) + 1
    taken = np.concatenate([present_firm * width + present_spc, firm[:fresh] * width + seats[:fresh]])
    pending = np.arange(fresh, seats.size)
    for _ in range(200):  # rejection rounds, each over all open seats at once
        if pending.size == 0 or candidates.size == 0:
            break
        pick = candidates[rng.integers(0, candidates.size, pending.size)]
        code = pick * width + seats[pending]
        free = ~np.isin(code, taken)
        first = np.zeros(pending.size, bool)
        first[np.unique(code, return_index=True)[1]] = True
        accept = free & first
        firm[pending[accept]] = pick[accept]
        taken = np.concatenate([taken, code[accept]])
        pending = pending[~accept]
    filled = firm >= 0
    return firm[filled], seats[filled]


def _retention(before: pd.DataFrame, after: pd.DataFrame, spcs) -> pd.Series:
    """Share of ``after``'s memberships of each SPC (and all together) also present in ``before``."""
    after = after[after["cluster_id"].isin(spcs)]
    kept = after.merge(before[["organisation_id", "cluster_id"]], how="left", indicator=True)
    kept = kept["_merge"].eq("both").groupby(kept["cluster_id"]).agg(["sum", "size"])
    shares = kept["sum"] / kept["size"]
    shares.loc["all"] = kept["sum"].sum() / max(kept["size"].sum(), 1)
    return shares


def _firm_profiles(rng, n_firms: int, store: np.ndarray) -> pd.DataFrame:
    """Sector, size, ownership and place of every firm.

    The 2018 members of the five older SPCs, the population of the report's profile, get the
    published shares exactly (largest remainder); all other firms are drawn from the same shares.
    """
    sector = rng.choice(len(_SECTORS), n_firms, p=_normalised(_SECTOR_SHARES))
    cell = rng.choice(len(_SIZE_OWNERSHIP), n_firms, p=_normalised([c[2] for c in _SIZE_OWNERSHIP]))
    province = rng.choice(len(_PROVINCES), n_firms, p=_normalised(_PROVINCE_SHARES))
    sector[store] = _quota(rng, store.size, _SECTOR_SHARES)
    cell[store] = _quota(rng, store.size, [c[2] for c in _SIZE_OWNERSHIP])
    province[store] = _quota(rng, store.size, _PROVINCE_SHARES)
    abroad_share = sum(share for _, share in _ABROAD)
    country = np.where(rng.random(n_firms) < abroad_share,
                       rng.choice([c for c, _ in _ABROAD], n_firms, p=_normalised([s for _, s in _ABROAD])),
                       "BE")
    country[store] = "BE"
    region = np.where(country == "BE", np.array(_PROVINCES, dtype=object)[province], None)
    return pd.DataFrame(
        {
            "sector": np.array(_SECTORS, dtype=object)[sector],
            "size_class": np.array([c[0] for c in _SIZE_OWNERSHIP], dtype=object)[cell],
            "ownership": np.array([c[1] for c in _SIZE_OWNERSHIP], dtype=object)[cell],
            "region": region,
            "country": country,
            "key": rng.random(n_firms),  # a lasting rank for board seats and premium tiers
        }
    )


def _firm_table(firms: pd.DataFrame) -> pd.DataFrame:
    ids = _firm_ids(np.arange(len(firms)))
    return pd.DataFrame(
        {
            "organisation_id": ids,
            "name": ["Firm " + i[5:] for i in ids],
            "kind": "company",
            "sector": firms["sector"],
            "size_class": firms["size_class"],
            "ownership": firms["ownership"],
            "region": firms["region"],
            "country": firms["country"],
            "category": "firm",
        }
    )


def _firm_ids(codes: np.ndarray) -> np.ndarray:
    return np.char.add("firm-", np.char.zfill(codes.astype(str), 5)).astype(object)


def _spc_memberships(rng, rosters: pd.DataFrame, firms: pd.DataFrame, scale: float) -> pd.DataFrame:
    """The company rosters as memberships, with tiers of Tabel 9 and board seats."""
    frame = rosters.assign(
        large=firms["size_class"].to_numpy()[rosters["firm"]] == "large",
        key=firms["key"].to_numpy()[rosters["firm"]],
    )
    spc_ids = np.array(_SPCS, dtype=object)[frame["spc"]]
    first_tier = np.array([_TIERS[s][0] for s in _SPCS], dtype=object)[frame["spc"]]
    second_tier = np.array([_TIERS[s][1] for s in _SPCS], dtype=object)[frame["spc"]]
    sme_first = np.array([_TIERS[s][2] for s in _SPCS])[frame["spc"]]
    tier = np.where(frame["large"] | (rng.random(len(frame)) < sme_first), first_tier, second_tier)
    blauwe = frame["spc"].to_numpy() == len(OLDER_SPCS)
    tier[blauwe & ~frame["large"].to_numpy() & (rng.random(len(frame)) < 0.6)] = "standard"
    # Premium: the same few large firms while they stay; 5 paid it in 2018 (footnote 28).
    large_2018 = frame[blauwe & frame["large"] & (frame["year"] == 2018)].sort_values("key")
    premium = large_2018["firm"].head(round(_PREMIUM_2018 * scale)).to_numpy()
    tier[blauwe & np.isin(frame["firm"], premium)] = "premium"
    # Board: the large members with the lowest lasting key, so seats persist across years.
    rank = frame.assign(order=np.where(frame["large"], frame["key"], 2.0)).groupby(["spc", "year"])["order"].rank(
        method="first")
    board = frame["large"].to_numpy() & (rank.to_numpy() <= _BOARD_FIRMS)
    return pd.DataFrame(
        {
            "organisation_id": _firm_ids(frame["firm"].to_numpy()),
            "cluster_id": spc_ids,
            "year": frame["year"].to_numpy(),
            "tier": tier,
            "board": board,
        }
    )


def _institution_memberships(rng, rosters: pd.DataFrame) -> pd.DataFrame:
    """Knowledge institutions, research centres and federations as SPC members (Flanders' FOOD has a
    fee for knowledge institutions, Tabel 9; they sit on SPC boards, line 1032)."""
    orgs = _OTHERS[_OTHERS["kind"] != "public_body"].reset_index(drop=True)
    base = np.where(orgs["category"] == "university", 0.9,
                    np.where(orgs["category"] == "sector federation", 0.0, 0.35))
    member = rng.random((len(orgs), len(_SPCS))) < base[:, None]
    for organisation, spc_codes in _FEDERATION_SPCS.items():
        member[orgs.index[orgs["organisation_id"] == organisation][0], list(spc_codes)] = True
    # Two universities per SPC on the board, the most weighted of its members.
    university = (orgs["category"] == "university").to_numpy()[:, None] & member
    score = np.where(university, orgs["weight"].to_numpy()[:, None] * rng.random(member.shape), -1.0)
    board = university & (np.argsort(np.argsort(-score, axis=0), axis=0) < 2)
    active = rosters.groupby("spc")["year"].unique()
    organisation, spc = np.nonzero(member)
    frame = pd.DataFrame({"organisation_id": orgs["organisation_id"].to_numpy()[organisation],
                          "spc": spc, "board": board[organisation, spc]})
    frame["year"] = frame["spc"].map(active)
    frame = frame.explode("year")
    return pd.DataFrame(
        {
            "organisation_id": frame["organisation_id"].to_numpy(),
            "cluster_id": np.array(_SPCS, dtype=object)[frame["spc"].to_numpy(dtype=int)],
            "year": frame["year"].to_numpy(dtype=int),
            "tier": np.where(orgs.set_index("organisation_id").loc[frame["organisation_id"], "kind"]
                             == "knowledge_institution", "knowledge institution", "member"),
            "board": frame["board"].to_numpy(dtype=bool),
        }
    )


def _ibn_rosters(rng, clusters: pd.DataFrame, rosters: pd.DataFrame, n_firms: int, scale: float):
    """IBN members, a loop over 20 IBNs and 3 years (not over rows).

    An IBN runs 3 years (line 244) up to its Tabel 3 end date. Half the members of an IBN
    that is a niche of an SPC are that SPC's members (line 395: "the target groups of IBNs and SPCs
    are linked"), a few others come from any SPC, the rest are firms of the IBN alone. Each year
    85% stay and the network grows by 10%.
    """
    spc_code = {spc: code for code, spc in enumerate(_SPCS)}
    of_year = {year: frame for year, frame in rosters.groupby("year")}
    all_of_year = {year: np.unique(frame["firm"].to_numpy()) for year, frame in of_year.items()}
    spc_of_year = {key: frame["firm"].to_numpy() for key, frame in rosters.groupby(["spc", "year"])}
    ibns = clusters[clusters["type"] == "IBN"].sort_values("cluster_id")
    rows = []
    for ibn in ibns.itertuples(index=False):
        end = ibn.end.year
        years = [y for y in YEARS if end - 3 <= y <= end]
        size = rng.integers(15, 61)
        niche = spc_code.get(ibn.niche_of) if isinstance(ibn.niche_of, str) else None
        members = np.empty(0, np.int64)
        for step, year in enumerate(years):
            members = members[rng.random(members.size) < 0.85]
            target = max(3, round(size * 1.1**step * scale))
            need = max(target - members.size, 0)
            chosen = []
            if niche is not None:
                pool = spc_of_year.get((niche, year), np.empty(0, np.int64))
                pool = pool[~np.isin(pool, members)]
                chosen.append(rng.choice(pool, min(round(0.5 * need), pool.size), replace=False))
            pool = all_of_year[year]
            pool = pool[~np.isin(pool, np.concatenate([members, *chosen]))]
            share = 0.1 if niche is not None else 0.15
            chosen.append(rng.choice(pool, min(round(share * need), pool.size), replace=False))
            fresh = need - sum(c.size for c in chosen)
            chosen.append(np.arange(n_firms, n_firms + fresh))
            n_firms += fresh
            members = np.concatenate([members, *chosen])
            rows.append((members, ibn.cluster_id, year))
    sizes = [members.size for members, _, _ in rows]
    memberships = pd.DataFrame(
        {
            "organisation_id": _firm_ids(np.concatenate([members for members, _, _ in rows])),
            "cluster_id": np.repeat(np.array([cluster for _, cluster, _ in rows], dtype=object), sizes),
            "year": np.repeat([year for _, _, year in rows], sizes),
            "tier": "member",
            "board": False,
        }
    )
    return memberships, n_firms


# ---------------------------------------------------------------------------------------------
# Projects


def _projects(rng, rosters: pd.DataFrame, outside: np.ndarray, scale: float):
    """Projects on earmarked means, their participants and support, and the SPC that carries each."""
    plan = _INSTRUMENTS.assign(
        projects=np.maximum(np.round(_INSTRUMENTS["projects"] * scale).astype(int), 1),
        budget=_INSTRUMENTS["budget"] * scale,
        support=_INSTRUMENTS["support"] * scale,
    )
    instrument = np.repeat(plan["instrument"].to_numpy(), plan["projects"])
    year = np.repeat(plan["year"].to_numpy(), plan["projects"])
    group = np.repeat(np.arange(len(plan)), plan["projects"])
    # Support: a right-skewed split of the instrument's yearly total; budget: the support plus a
    # share of the total own contribution, so a project's budget never falls below its support.
    support = _split(rng, plan["support"].to_numpy(), group, rng.lognormal(0, 0.5, group.size))
    own = _split(rng, (plan["budget"] - plan["support"]).to_numpy(), group,
                 support * rng.lognormal(0, 0.3, group.size) + 1)
    number = pd.Series(group).groupby(group).cumcount().to_numpy() + 1
    slug = np.array([_SLUGS[i] for i in instrument], dtype=object)
    ids = [f"{s}-{y}-{n:03d}" for s, y, n in zip(slug, year, number, strict=True)]
    carrier = np.empty(group.size, np.int64)
    for index, row in plan.iterrows():
        weights = np.array(_CARRIER_WEIGHTS[row["instrument"]], float)
        weights[len(OLDER_SPCS)] *= row["year"] >= 2019  # footnote 14: Blauwe Cluster from 2019
        carrier[group == index] = rng.choice(len(_SPCS), (group == index).sum(), p=weights / weights.sum())
    projects = pd.DataFrame(
        {
            "project_id": ids,
            "title": [f"Synthetic {i} project {y}-{n:03d}" for i, y, n in zip(instrument, year, number,
                                                                                strict=True)],
            "instrument": instrument,
            "year": year,
            "budget": support + own,
            "funding": support,
        }
    )
    participations = _participants(rng, projects, carrier, rosters, outside)
    project_clusters = pd.DataFrame(
        {"project_id": ids, "cluster_id": np.array(_SPCS, dtype=object)[carrier], "status": "approved"}
    )
    return projects, participations, project_clusters


def _activities(rng, rosters: pd.DataFrame, n_firms: int, projects: pd.DataFrame, participations: pd.DataFrame,
                project_clusters: pd.DataFrame, scale: float) -> pd.DataFrame:
    """The SPCs' services used per year by member firms, universities and firms outside the SPC.

    In 2018 the firms outside an SPC that use two or more of its services are as many as needed
    for Tabel 4's 1,580 active firms over the SPCs (with the members using two or more and the firms
    in the SPC's projects); in 2017 and 2019 as many per member as in 2018.
    """
    firm_ids = _firm_ids(np.arange(n_firms))
    in_project = participations.merge(projects[["project_id", "year"]], on="project_id").merge(
        project_clusters[["project_id", "cluster_id"]], on="project_id")
    in_project = set(zip(in_project["cluster_id"], in_project["organisation_id"], in_project["year"], strict=True))
    universities = _OTHERS.loc[_OTHERS["kind"] == "knowledge_institution", "organisation_id"].to_numpy()
    frames: list[pd.DataFrame] = []
    per_member = None
    for year in (2018, 2017, 2019):  # 2018 first: it sets the share of outside users
        of_year = rosters[rosters["year"] == year]
        members_of = {spc: of_year.loc[of_year["spc"] == code, "firm"].to_numpy() for code, spc in enumerate(_SPCS)}
        active = 0
        chosen: list[tuple[str, np.ndarray, np.ndarray]] = []
        for spc, members in members_of.items():
            if members.size == 0:
                continue
            uses = rng.choice(len(_USES), members.size, p=_normalised(_USES))
            chosen.append((spc, firm_ids[members], uses))
            project_firms = {o for (c, o, y) in in_project if c == spc and y == year and o.startswith("firm-")}
            active += len(project_firms | set(firm_ids[members[uses >= 2]]))
            chosen.append((spc, rng.choice(universities, min(3, universities.size), replace=False),
                           np.full(min(3, universities.size), 2)))
        n_members = sum(members.size for members in members_of.values())
        if per_member is None:
            outside = max(round(_ACTIVITY_TARGET_2018 * scale) - active, 0)
            per_member = outside / max(n_members, 1)
        else:
            outside = round(per_member * n_members)
        # Outside users: firms that are no member of the SPC and not in its projects that year.
        spc_of = rng.choice([spc for spc in members_of if members_of[spc].size], outside,
                            p=_normalised([members_of[spc].size for spc in members_of if members_of[spc].size]))
        for spc in dict.fromkeys(spc_of):
            taken = set(firm_ids[members_of[spc]]) | {o for (c, o, y) in in_project if c == spc and y == year}
            pool = np.array([firm for firm in firm_ids if firm not in taken], dtype=object)
            count = int((spc_of == spc).sum())
            users = rng.choice(pool, min(count, pool.size), replace=False)
            chosen.append((spc, users, rng.integers(2, 4, users.size)))
        for spc, organisations, uses in chosen:
            slug = spc.removeprefix("spc-")
            offered = np.array([f"{slug} {_SERVICES[k % len(_SERVICES)]} {year}-{k + 1:02d}"
                                for k in range(_SERVICES_PER_YEAR)], dtype=object)
            # each organisation's services: the first `uses` of a random order of the year's offer
            order = np.argsort(rng.random((len(organisations), _SERVICES_PER_YEAR)), axis=1)
            picked = order[np.arange(_SERVICES_PER_YEAR)[None, :] < np.asarray(uses)[:, None]]
            days = rng.integers(0, 365, picked.size)
            frames.append(pd.DataFrame({
                "organisation_id": np.repeat(np.asarray(organisations, dtype=object), uses),
                "activity": offered[picked],
                "cluster_id": spc,
                "date": np.datetime64(f"{year}-01-01") + days.astype("timedelta64[D]"),
            }))
    return pd.concat(frames, ignore_index=True)


def _split(rng, totals: np.ndarray, group: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each group's total over its members in proportion to ``weights``, in whole euros."""
    share = weights / np.bincount(group, weights)[group]
    return _round_within(share * np.asarray(totals, float)[group], group, np.round(totals))


def _round_within(values: np.ndarray, group: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Round to whole euros keeping each group's total (largest remainder)."""
    floor = np.floor(values)
    missing = np.round(totals - np.bincount(group, floor, minlength=len(totals))).astype(np.int64)
    order = np.lexsort((-(values - floor), group))
    rank = np.empty(values.size, np.int64)
    rank[order] = np.arange(values.size) - np.searchsorted(group[order], group[order], side="left")
    return floor + (rank < missing[group])


def _participants(rng, projects: pd.DataFrame, carrier: np.ndarray, rosters: pd.DataFrame,
                  outside: np.ndarray) -> pd.DataFrame:
    """Consortia by instrument recipe, then the support split by organisation type (Tabel 8)."""
    by_spc_year = {key: frame["firm"].to_numpy() for key, frame in rosters.groupby(["spc", "year"])}
    by_year = {year: np.union1d(frame["firm"].to_numpy(), outside) for year, frame in rosters.groupby("year")}
    type_of = {"knowledge": 1, "soc": 2, "crc": 3, "spc": 4, "other": 5}
    pools = {}
    for name, categories in (("knowledge", ["university", "university college"]),
                             ("soc", ["strategic research centre"]),
                             ("crc", ["collective research centre"]),
                             ("other", ["sector federation", "public body"])):
        pool = _OTHERS[_OTHERS["category"].isin(categories)]
        # Each SPC works more with some institutions than others.
        affinity = pool["weight"].to_numpy() * rng.gamma(2.0, 0.5, (len(_SPCS), len(pool)))
        for organisation, spc_codes in _FEDERATION_SPCS.items():
            affinity[list(spc_codes)] *= np.where(pool["organisation_id"] == organisation, 8.0, 1.0)
        pools[name] = (pool["organisation_id"].to_numpy(), affinity / affinity.sum(axis=1, keepdims=True))
    project_index, organisation, role, funded, support_type, firm_code = [], [], [], [], [], []
    for index, (instrument, year) in enumerate(zip(projects["instrument"], projects["year"], strict=True)):
        (least, extra), firms_funded, (k_min, k_trials, k_p), p_soc, p_crc, p_spc, p_other, research_role = (
            _RECIPES[instrument])
        spc = carrier[index]
        research = []  # (organisation id, support type)
        for name, count in (
            ("knowledge", k_min + rng.binomial(k_trials, k_p)),
            ("soc", int(rng.random() < p_soc)),
            ("crc", int(rng.random() < p_crc)),
            ("other", int(rng.random() < p_other)),
        ):
            ids, probabilities = pools[name]
            chosen = rng.choice(ids.size, min(count, ids.size), replace=False, p=probabilities[spc])
            research.extend((i, type_of[name]) for i in ids[chosen])
        if rng.random() < p_spc:
            research.append(("org-" + _SPCS[spc].removeprefix("spc-"), type_of["spc"]))
        if not firms_funded and not research:
            ids, probabilities = pools["knowledge"]
            research.append((ids[rng.choice(ids.size, p=probabilities[spc])], type_of["knowledge"]))
        if not firms_funded:  # collective projects: the first of the instrument's leads leads
            research.sort(key=lambda item: _LEADS[instrument].index(item[1]))
        n_firms = least + rng.poisson(extra)
        own = by_spc_year.get((spc, year), np.empty(0, np.int64))
        n_own = min(rng.binomial(n_firms, 0.85), own.size)
        chosen = rng.choice(own, n_own, replace=False)
        pool = by_year[year]
        extra_firms = rng.choice(pool, min(n_firms, pool.size), replace=False)
        extra_firms = extra_firms[~np.isin(extra_firms, chosen)][: n_firms - n_own]
        firm_codes = rng.permutation(np.concatenate([chosen, extra_firms]))
        firm_ids = [""] * firm_codes.size  # filled in once, for all projects, below
        if firms_funded:
            roles = ["coordinator"] + ["partner"] * (len(firm_ids) - 1) + [research_role] * len(research)
            paid = [True] * len(firm_ids) + [research_role == "partner"] * len(research)
        else:
            roles = (["coordinator"] + ["partner"] * (len(research) - 1)) + ["other"] * len(firm_ids)
            paid = [True] * len(research) + [False] * len(firm_ids)
        firm_part = (list(firm_ids), [0] * len(firm_ids))
        research_part = ([r[0] for r in research], [r[1] for r in research])
        first, second = (firm_part, research_part) if firms_funded else (research_part, firm_part)
        names, types = first[0] + second[0], first[1] + second[1]
        project_index.extend([index] * len(names))
        organisation.extend(names)
        codes = [-1] * len(research)
        firm_code.extend((list(firm_codes) + codes) if firms_funded else (codes + list(firm_codes)))
        role.extend(roles)
        funded.extend(paid)
        support_type.extend(types)
    project_index = np.array(project_index)
    organisation = np.array(organisation, dtype=object)
    firm_code = np.array(firm_code, dtype=np.int64)
    organisation[firm_code >= 0] = _firm_ids(firm_code[firm_code >= 0])
    funded = np.array(funded)
    support_type = np.array(support_type)
    budget = np.zeros(project_index.size)
    budget[funded] = _balance(rng, projects, project_index[funded], support_type[funded])
    return pd.DataFrame(
        {
            "project_id": projects["project_id"].to_numpy()[project_index],
            "organisation_id": organisation,
            "role": role,
            "budget": budget,
        }
    )


def _balance(rng, projects: pd.DataFrame, project_index: np.ndarray, support_type: np.ndarray) -> np.ndarray:
    """Split each project's support over its funded partners so that each year's split by organisation
    type matches Tabel 8 (biproportional fitting: alternately scale to the project totals and to the
    year-and-type totals)."""
    funding = projects["funding"].to_numpy()
    years = projects["year"].to_numpy()
    year_code = np.searchsorted(YEARS, years[project_index])
    cell = year_code * len(_SUPPORT_TYPES) + support_type
    year_totals = np.bincount(np.searchsorted(YEARS, years), funding, minlength=len(YEARS))
    shares = np.array([_normalised(_SUPPORT_MEUR[y]) for y in YEARS])
    targets = (shares * year_totals[:, None]).ravel()
    weights = rng.lognormal(0, 0.5, project_index.size)
    n_cells = len(YEARS) * len(_SUPPORT_TYPES)
    for _ in range(60):
        weights *= (funding / np.maximum(np.bincount(project_index, weights, minlength=funding.size), 1e-12))[
            project_index]
        have = np.bincount(cell, weights, minlength=n_cells)
        factor = np.where(have > 0, targets / np.maximum(have, 1e-12), 1.0)
        weights *= factor[cell]
    weights *= (funding / np.bincount(project_index, weights, minlength=funding.size))[project_index]
    return _round_within(weights, project_index, funding)


def _earmarked(ecosystem: Ecosystem) -> pd.DataFrame:
    """Projects carried by exactly one cluster, an SPC, with that SPC as ``carrier``."""
    links = ecosystem.project_clusters
    clusters = ecosystem.clusters
    spcs = set(clusters.loc[clusters["type"] == "SPC", "cluster_id"])
    counts = links["project_id"].map(links["project_id"].value_counts())
    single = links[counts == 1]
    single = single[single["cluster_id"].isin(spcs) & (single["status"] == "approved")]
    carrier = single.set_index("project_id")["cluster_id"]
    projects = ecosystem.projects
    projects = projects[projects["project_id"].isin(carrier.index)].copy()
    projects["carrier"] = projects["project_id"].map(carrier)
    return projects


def _support_by_type(participations, organisations, clusters, projects) -> dict:
    """Share of each year's support by the organisation types of Tabel 8."""
    spc_names = set(clusters.loc[clusters["type"] == "SPC", "name"])
    organisations = organisations.set_index("organisation_id")
    category = organisations["category"] if "category" in organisations else pd.Series(
        np.nan, index=organisations.index)
    kind = organisations["kind"]
    label = np.select(
        [kind == "company", kind == "knowledge_institution",
         (kind == "research_centre") & (category == "strategic research centre"), kind == "research_centre",
         (kind == "cluster_organisation") & organisations["name"].isin(spc_names)],
        list(_SUPPORT_TYPES[:5]), default=_SUPPORT_TYPES[5])
    label = pd.Series(label, index=organisations.index)
    paid = participations[participations["project_id"].isin(projects["project_id"])]
    paid = paid.assign(year=paid["project_id"].map(projects.set_index("project_id")["year"]),
                       type=paid["organisation_id"].map(label))
    sums = paid.groupby(["year", "type"])["budget"].sum()
    return (sums / sums.groupby(level="year").transform("sum")).to_dict()


def _quota(rng, n: int, shares) -> np.ndarray:
    """``n`` category codes in exactly the given shares (largest remainder), shuffled."""
    shares = _normalised(shares)
    exact = shares * n
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(shares)), counts))


def _normalised(values) -> np.ndarray:
    values = np.asarray(values, float)
    return values / values.sum()
