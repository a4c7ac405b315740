"""The organisation projection and its degrees on an engine: numpy in memory, or DuckDB out of core."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._options import select_years
from ..errors import OptionalDependencyError, OptionError, SchemaError
from ..model import Ecosystem
from ._builders import (
    ORGANISATION_WEIGHTS,
    _check_options,
    _contributions,
    _edge_frame,
    _organisation_incidence,
)
from ._incidence import Incidence, build_incidence, node_ids, project_rows

__all__ = ["ENGINES", "organisation_edges", "organisation_degrees"]

#: The engines :func:`organisation_edges` and :func:`organisation_degrees` run on.
ENGINES = ("numpy", "duckdb")

_EDGE_COLUMNS = ["source", "target", "weight", "shared"]
_TABLE = "participations"


def organisation_edges(
    source: Ecosystem | pd.DataFrame | str | os.PathLike,
    *,
    weight: str = "count",
    years: int | Iterable[int] | None = None,
    kinds: Iterable[str] | str | None = None,
    min_weight: float | None = None,
    max_partners: int | None = None,
    engine: str = "numpy",
    memory_limit: str | int | None = None,
    temp_directory: str | os.PathLike | None = None,
) -> pd.DataFrame:
    r"""Organisations linked through shared projects, as a tidy edge table, on any engine.

    The fast path of :func:`organisation_network`: the same edges, without building a graph.
    Weights and cuts are described there. With ``engine="duckdb"`` the projection is a SQL
    self-join run by DuckDB, which reads a Parquet or CSV file itself and spills to disk when
    the join does not fit in ``memory_limit``; its result equals the in-memory one tie for tie.

    Parameters
    ----------
    source : Ecosystem, pandas.DataFrame, str or path
        An Ecosystem (needs ``organisations``, ``projects`` and ``participations``); or a
        participations table with one row per (project, organisation): a DataFrame, or the
        path of a Parquet file (``.parquet``, or a folder or glob of them) or a CSV file
        (``.csv``, ``.csv.gz``, ``.tsv``). A table needs the columns ``project_id`` and
        ``organisation_id``, ``kind`` (the organisation's) for ``kinds`` and ``year`` (the
        project's) for ``years``; other columns are ignored. Its organisations are those
        named in it. Ids are compared as text.
    weight : {"count", "newman", "jaccard", "overlap", "cosine", "association", "contribution"}
        How strongly two organisations are linked (see :func:`organisation_network`);
        ``contribution`` needs an Ecosystem and ``engine="numpy"``.
    years : int or collection of int, optional
        Keep only projects of these years; projects without a year are then left out.
    kinds : str or iterable of str, optional
        Keep only organisations of these kinds. Project sizes and organisation degrees still
        count every participant, as in :func:`organisation_network`.
    min_weight : float, optional
        Drop edges whose weight is below this value.
    max_partners : int, optional
        Leave out projects with more than this many participants (counted over every kind,
        within ``years``) before projecting, as the ``years`` cut does: the left-out projects
        count for no degree, size or project total. A consortium of :math:`n` partners makes
        :math:`n(n-1)/2` pairs, so this bounds the work where the pairs are.
    engine : {"numpy", "duckdb"}
        ``"numpy"`` (the default): a sparse matrix product in memory. ``"duckdb"``: a SQL
        self-join in DuckDB (the ``sql`` extra), out of core.
    memory_limit : str or int, optional
        With ``engine="duckdb"``: the memory DuckDB may use, as DuckDB writes it (``"2GB"``,
        ``"500MB"``) or in bytes. Beyond it the join and group-by spill to ``temp_directory``.
        Default: DuckDB's (80 % of the machine's memory).
    temp_directory : str or path, optional
        With ``engine="duckdb"``: where DuckDB spills. Default: a fresh temporary directory,
        removed afterwards.

    Returns
    -------
    pandas.DataFrame
        Columns ``source, target, weight, shared`` (``source`` and ``target`` text, ``weight``
        float, ``shared`` the number of shared projects), one row per linked pair with
        ``source < target``, sorted by ``source`` then ``target``.

    Raises
    ------
    MissingTableError
        If an Ecosystem lacks one of the needed tables.
    SchemaError
        If a table source lacks a needed column, has a missing id, or gives an organisation
        two kinds or a project two years.
    OptionError
        If an option has a bad value, or ``memory_limit``/``temp_directory`` is given with
        ``engine="numpy"``.
    OptionalDependencyError
        If ``engine="duckdb"`` and DuckDB is not installed.

    See Also
    --------
    organisation_network : the same edges as a networkx graph, with the formulas.
    organisation_degrees : each organisation's neighbours and strength on the same engines.

    Notes
    -----
    The SQL is the projection written as a join (shown here with Newman's weight):

    .. code-block:: sql

        WITH sized AS (SELECT project_id, organisation_id,
                              count(*) OVER (PARTITION BY project_id) AS size
                       FROM participations)
        SELECT a.organisation_id AS source, b.organisation_id AS target,
               sum(1.0 / (a.size - 1) ORDER BY a.project_id DESC) AS weight, count(*) AS shared
        FROM sized a JOIN sized b
          ON a.project_id = b.project_id AND a.organisation_id < b.organisation_id
        GROUP BY source, target

    ``count``, ``jaccard``, ``overlap``, ``cosine`` and ``association`` are computed from
    whole numbers by the same floating-point operations in both engines, so they are equal
    bit for bit. Newman's weight is a sum of fractions; DuckDB adds them in descending order of
    the projects' ids, the order in which scipy's sparse product adds them, so it is equal too
    (``tests/test_engines.py`` checks it on all of Horizon 2020).

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> eco = cn.Ecosystem(
    ...     organisations=pd.DataFrame({"organisation_id": ["a", "b", "c", "d"]}),
    ...     projects=pd.DataFrame({"project_id": ["p1", "p2"]}),
    ...     participations=pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2"],
    ...                                  "organisation_id": ["a", "b", "c", "a", "b"]}),
    ... )
    >>> cn.organisation_edges(eco, weight="newman")
      source target  weight  shared
    0      a      b     1.5       2
    1      a      c     0.5       1
    2      b      c     0.5       1
    >>> cn.organisation_edges(eco, weight="newman", engine="duckdb").equals(
    ...     cn.organisation_edges(eco, weight="newman"))
    True

    A participations file is read by DuckDB itself, never loaded into pandas:

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "participations.parquet"
    >>> eco.participations.to_parquet(path)
    >>> cn.organisation_edges(path, engine="duckdb", max_partners=2, memory_limit="100MB")
      source target  weight  shared
    0      a      b     1.0       1
    """
    weight, wanted, kinds, min_weight, max_partners, engine = _checked(
        source, weight, years, kinds, min_weight, max_partners, engine, memory_limit, temp_directory
    )
    if engine == "numpy":
        projection, incidence, keep = _numpy_projection(
            source, weight, wanted, kinds, min_weight, max_partners
        )
        return _edge_frame(projection, incidence.rows)
    with _Session(memory_limit, temp_directory) as session:
        parts = session.participations(source, years, wanted, kinds)
        relation = session.connection.sql(_edges_sql(parts, weight, kinds, min_weight, max_partners))
        # Arrow, not .df(): the ids stay Arrow strings (pandas' str dtype) instead of Python objects,
        # a quarter less peak memory at 1M participations (1.1 GB against 1.5 GB, 4.3M edges).
        frame = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
    return _typed_edges(frame)


def _checked(source, weight, years, kinds, min_weight, max_partners, engine, memory_limit, temp_directory):
    """The options of organisation_edges and organisation_degrees, checked before any work."""
    weight, wanted, kinds, min_weight = _check_options(
        weight, years, kinds, min_weight, weights=ORGANISATION_WEIGHTS
    )
    max_partners = _check_max_partners(max_partners)
    engine = _check_engine(engine, memory_limit, temp_directory)
    # The contribution weight reads each participation's budget, which only an Ecosystem's
    # validated participations carry (repeated rows summed); the SQL engines do not read it yet.
    if weight == "contribution" and (engine != "numpy" or not isinstance(source, Ecosystem)):
        raise OptionError(
            "weight='contribution' needs an Ecosystem (its participations' budgets) and engine='numpy'; "
            f"got a {type(source).__name__} with engine={engine!r}"
        )
    return weight, wanted, kinds, min_weight, max_partners, engine


def _numpy_projection(source, weight, wanted, kinds, min_weight, max_partners):
    """The sparse product of the numpy engine, with the incidence and kept rows it was made from."""
    incidence, keep = _numpy_incidence(source, wanted, kinds, max_partners)
    amounts = _contributions(source, incidence) if weight == "contribution" else None
    projection = project_rows(incidence, weight=weight, keep=keep, min_weight=min_weight, amounts=amounts)
    return projection, incidence, keep


def organisation_degrees(
    source: Ecosystem | pd.DataFrame | str | os.PathLike,
    *,
    weight: str = "count",
    years: int | Iterable[int] | None = None,
    kinds: Iterable[str] | str | None = None,
    min_weight: float | None = None,
    max_partners: int | None = None,
    engine: str = "numpy",
    memory_limit: str | int | None = None,
    temp_directory: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """Each organisation's number of neighbours and strength in the organisation network.

    The degrees of the network of :func:`organisation_edges` (same source, options and
    engines), without building the network in memory: on DuckDB the edge table stays inside
    the engine and only one row per organisation comes back.

    Parameters
    ----------
    source, weight, years, kinds, min_weight, max_partners, engine, memory_limit, temp_directory
        As in :func:`organisation_edges`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``organisation_id`` (sorted), one row per organisation of the network
        (those of the Ecosystem's ``organisations`` table, or named in the participations
        table, of the kept ``kinds``; isolates included), with ``neighbours`` (int, the
        number of distinct neighbours, :func:`networkx.Graph.degree`) and ``strength``
        (float, the sum of the weights of its edges, the ``weight``-ed degree).

    Raises
    ------
    MissingTableError, SchemaError, OptionError, OptionalDependencyError
        As :func:`organisation_edges`.

    See Also
    --------
    centrality : the same ``neighbours`` and ``strength`` beside path-based measures.

    Examples
    --------
    >>> import pandas as pd
    >>> import clusternet as cn
    >>> participations = pd.DataFrame({"project_id": ["p1", "p1", "p1", "p2", "p2", "p3"],
    ...                                "organisation_id": ["a", "b", "c", "a", "b", "d"]})
    >>> cn.organisation_degrees(participations, weight="newman", engine="duckdb")
                     neighbours  strength
    organisation_id
    a                         2       2.0
    b                         2       2.0
    c                         2       1.0
    d                         0       0.0
    """
    weight, wanted, kinds, min_weight, max_partners, engine = _checked(
        source, weight, years, kinds, min_weight, max_partners, engine, memory_limit, temp_directory
    )
    if engine == "numpy":
        projection, incidence, keep = _numpy_projection(
            source, weight, wanted, kinds, min_weight, max_partners
        )
        n = len(incidence.rows)
        ends = np.concatenate([projection.source, projection.target])
        strength = np.bincount(ends, np.concatenate([projection.weight, projection.weight]), minlength=n)
        nodes = np.flatnonzero(keep) if keep is not None else np.arange(n)
        return _degree_frame(
            incidence.rows.take(nodes), np.bincount(ends, minlength=n)[nodes], strength[nodes]
        )
    with _Session(memory_limit, temp_directory) as session:
        parts = session.participations(source, years, wanted, kinds)
        edges = _edges_sql(parts, weight, kinds, min_weight, max_partners, ordered=False)
        nodes = "SELECT DISTINCT organisation_id FROM cn_nodes" + (
            f" WHERE kind IN ({_literals(kinds)})" if kinds is not None else ""
        )
        frame = session.connection.execute(f"""
            WITH edges AS ({edges}),
            ends AS (SELECT source AS organisation_id, weight FROM edges
                     UNION ALL SELECT target, weight FROM edges),
            summed AS (SELECT organisation_id, count(*) AS neighbours, sum(weight) AS strength
                       FROM ends GROUP BY organisation_id)
            SELECT n.organisation_id, coalesce(s.neighbours, 0) AS neighbours,
                   coalesce(s.strength, 0.0) AS strength
            FROM ({nodes}) n LEFT JOIN summed s USING (organisation_id)
            ORDER BY n.organisation_id""").df()
    return _degree_frame(
        pd.Index(frame["organisation_id"].astype("str")),
        frame["neighbours"].to_numpy(),
        frame["strength"].to_numpy(),
    )


# --------------------------------------------------------------------------------------------
# numpy: the sparse product on an Ecosystem or a participations table
# --------------------------------------------------------------------------------------------


def _numpy_incidence(source, wanted, kinds, max_partners) -> tuple[Incidence, np.ndarray | None]:
    if isinstance(source, Ecosystem):
        source.require("organisations", "projects", "participations", purpose="the organisation network")
        incidence, keep = _organisation_incidence(source, wanted, kinds)
    else:
        table, name = _read_table(source, wanted, kinds)
        incidence, keep = _table_incidence(table, name, wanted, kinds)
    if max_partners is not None:
        size = np.bincount(incidence.matrix.indices, minlength=incidence.matrix.shape[1])
        small = np.flatnonzero(size <= max_partners)
        incidence = Incidence(
            matrix=sp.csr_matrix(incidence.matrix[:, small]),
            rows=incidence.rows,
            columns=incidence.columns.take(small),
        )
    return incidence, keep


def _read_table(source, wanted, kinds) -> tuple[pd.DataFrame, str]:
    needed = _needed_columns(wanted, kinds)
    if isinstance(source, pd.DataFrame):
        _check_columns(list(source.columns), needed, "DataFrame")
        return source[needed], "DataFrame"
    path, kind = _path(source)
    if kind == "parquet":
        columns = pd.read_parquet(path).columns if path.is_dir() else _parquet_columns(path)
        _check_columns(list(columns), needed, str(path))
        return pd.read_parquet(path, columns=needed), str(path)
    header = pd.read_csv(
        path, nrows=0, sep=None if kind == "tsv" else ",", engine="python" if kind == "tsv" else "c"
    ).columns
    _check_columns(list(header), needed, str(path))
    ids = {"project_id": "str", "organisation_id": "str", "kind": "str"}
    table = pd.read_csv(
        path,
        usecols=needed,
        sep="\t" if kind == "tsv" else ",",
        dtype={column: ids[column] for column in needed if column in ids},
    )
    return table, str(path)


def _parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return list(pq.read_schema(path).names)


def _table_incidence(table: pd.DataFrame, name: str, wanted, kinds) -> tuple[Incidence, np.ndarray | None]:
    """The incidence of a participations table; its organisations are those it names."""
    problems = []
    for column in ("project_id", "organisation_id"):
        missing = table[column].isna().to_numpy()
        if missing.any():
            problems.append(_problem(name, column, None, f"{int(missing.sum())} rows have no {column}"))
    if problems:
        raise SchemaError(problems)
    table = table.assign(
        project_id=table["project_id"].astype("str"), organisation_id=table["organisation_id"].astype("str")
    )
    problems += _inconsistent(table, name, "organisation_id", "kind", "organisation") if kinds else []
    problems += _inconsistent(table, name, "project_id", "year", "project") if wanted else []
    if problems:
        raise SchemaError(problems)
    organisations = pd.Index(pd.unique(table["organisation_id"]))
    projects = select_years(table, wanted) if wanted is not None else table
    incidence = build_incidence(
        table["organisation_id"],
        table["project_id"],
        rows=node_ids(organisations),
        columns=node_ids(pd.unique(projects["project_id"])),
    )
    keep = None
    if kinds is not None:
        kind = table.drop_duplicates("organisation_id").set_index("organisation_id")["kind"]
        keep = kind.reindex(incidence.rows).isin(kinds).to_numpy()
    return incidence, keep


def _inconsistent(table: pd.DataFrame, name: str, key: str, column: str, what: str) -> list[dict]:
    values = table[[key, column]].dropna().drop_duplicates()
    counts = values.groupby(key).size()
    twice = counts.index[counts.to_numpy() > 1]
    return [
        _problem(name, column, value, f"{what} {value!r} has more than one {column}") for value in twice[:10]
    ]


# --------------------------------------------------------------------------------------------
# DuckDB: the projection as a SQL self-join
# --------------------------------------------------------------------------------------------


class _Session:
    """A DuckDB connection with a memory limit and a spill directory, closed (and cleaned) on exit."""

    def __init__(self, memory_limit, temp_directory) -> None:
        try:
            import duckdb
        except ImportError as err:
            raise OptionalDependencyError(
                "engine='duckdb' needs DuckDB: pip install 'clusternet[sql]' (or pip install duckdb)"
            ) from err
        self.duckdb = duckdb
        self.own_directory = temp_directory is None
        self.directory = Path(
            tempfile.mkdtemp(prefix="clusternet-duckdb-") if temp_directory is None else temp_directory
        )
        self.connection = duckdb.connect(":memory:")
        try:
            self.connection.execute(f"SET temp_directory = {_literal(str(self.directory))}")
            self.connection.execute("SET preserve_insertion_order = false")
            if memory_limit is not None:
                limit = (
                    f"{int(memory_limit)}B" if isinstance(memory_limit, int | np.integer) else memory_limit
                )
                self.connection.execute(f"SET memory_limit = {_literal(limit)}")
        except duckdb.Error as err:
            self.close()
            raise OptionError(
                f"memory_limit={memory_limit!r} or temp_directory={temp_directory!r} was not "
                f"accepted by DuckDB ({err}); write a size such as '2GB' or '500MB'"
            ) from err

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()
        if self.own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def participations(self, source, years, wanted, kinds) -> str:
        """A view ``participations(project_id, organisation_id, kind)`` of the distinct participations
        in the kept years; checked for missing ids and for two kinds or years of one id."""
        con = self.connection
        if isinstance(source, Ecosystem):
            source.require("organisations", "projects", "participations", purpose="the organisation network")
            con.register("cn_links", source.participations[["project_id", "organisation_id"]])
            organisations = source.organisations
            kind = (
                organisations["kind"]
                if "kind" in organisations
                else pd.Series(pd.NA, index=organisations.index, dtype="str")
            )
            con.register(
                "cn_organisations",
                pd.DataFrame({"organisation_id": organisations["organisation_id"], "kind": kind}),
            )
            con.register("cn_projects", select_years(source.projects, wanted)[["project_id"]])
            con.execute(f"""CREATE TEMP VIEW {_TABLE} AS
                SELECT DISTINCT l.project_id, l.organisation_id, o.kind
                FROM cn_links l JOIN cn_organisations o USING (organisation_id)
                     SEMI JOIN cn_projects p USING (project_id)""")
            con.execute("CREATE TEMP VIEW cn_nodes AS SELECT organisation_id, kind FROM cn_organisations")
            return _TABLE
        needed = _needed_columns(wanted, kinds)
        if isinstance(source, pd.DataFrame):
            name = "DataFrame"
            con.register("cn_source", source)
            scan = "cn_source"
        else:
            path, kind = _path(source)
            name = str(path)
            target = str(path / "*.parquet") if kind == "parquet" and path.is_dir() else str(path)
            scan = (
                f"read_parquet({_literal(target)})"
                if kind == "parquet"
                else f"read_csv({_literal(target)}, header = true"
                + (", delim = '\t'" if kind == "tsv" else "")
                + ")"
            )
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
        _check_columns(columns, needed, name)
        con.execute(
            "CREATE TEMP VIEW cn_rows AS SELECT "
            "CAST(project_id AS VARCHAR) AS project_id, CAST(organisation_id AS VARCHAR) AS organisation_id"
            + (", CAST(kind AS VARCHAR) AS kind" if kinds is not None else ", NULL::VARCHAR AS kind")
            + (", CAST(year AS BIGINT) AS year" if wanted is not None else "")
            + f" FROM {scan}"
        )
        self._check_rows(name, wanted is not None, kinds is not None)
        year_filter = f" WHERE year IN ({', '.join(str(year) for year in sorted(wanted))})" if wanted else ""
        con.execute(
            f"CREATE TEMP VIEW {_TABLE} AS SELECT DISTINCT project_id, organisation_id, kind "
            f"FROM cn_rows{year_filter}"
        )
        con.execute("CREATE TEMP VIEW cn_nodes AS SELECT DISTINCT organisation_id, kind FROM cn_rows")
        return _TABLE

    def _check_rows(self, name: str, with_years: bool, with_kinds: bool) -> None:
        con = self.connection
        missing = con.execute(
            "SELECT count(*) FILTER (WHERE project_id IS NULL), "
            "count(*) FILTER (WHERE organisation_id IS NULL) FROM cn_rows"
        ).fetchone()
        problems = [
            _problem(name, column, None, f"{count} rows have no {column}")
            for column, count in zip(("project_id", "organisation_id"), missing, strict=True)
            if count
        ]
        if problems:
            raise SchemaError(problems)
        for wanted, key, column, what in (
            (with_kinds, "organisation_id", "kind", "organisation"),
            (with_years, "project_id", "year", "project"),
        ):
            if wanted:
                twice = con.execute(
                    f"SELECT {key} FROM cn_rows WHERE {column} IS NOT NULL GROUP BY {key} "
                    f"HAVING count(DISTINCT {column}) > 1 ORDER BY {key} LIMIT 10"
                ).fetchall()
                problems += [
                    _problem(name, column, value, f"{what} {value!r} has more than one {column}")
                    for (value,) in twice
                ]
        if problems:
            raise SchemaError(problems)


def _edges_sql(parts: str, weight: str, kinds, min_weight, max_partners, *, ordered: bool = True) -> str:
    """The edge table ``source, target, weight, shared`` of the participations view ``parts``."""
    cap = f" WHERE size <= {int(max_partners)}" if max_partners is not None else ""
    kept = f" WHERE kind IN ({_literals(kinds)})" if kinds is not None else ""
    newman = (
        ", sum(1.0::DOUBLE / (a.size - 1)::DOUBLE ORDER BY a.project_id DESC) AS newman"
        if weight == "newman"
        else ""
    )
    shared = "p.shared::DOUBLE"
    si, sj = "ds.projects::DOUBLE", "dt.projects::DOUBLE"
    expression = {
        "count": shared,
        "newman": "p.newman",
        "jaccard": f"{shared} / ({si} + {sj} - {shared})",
        "overlap": f"{shared} / least({si}, {sj})",
        "cosine": f"{shared} / sqrt({si} * {sj})",
        "association": f"(t.projects::DOUBLE * {shared}) / ({si} * {sj})",
    }[weight]
    strong = f" WHERE weight >= {float(min_weight)!r}" if min_weight is not None else ""
    return f"""
        WITH sized AS (SELECT project_id, organisation_id, kind,
                              count(*) OVER (PARTITION BY project_id) AS size FROM {parts}),
        capped AS (SELECT * FROM sized{cap}),
        degrees AS (SELECT organisation_id, count(*) AS projects FROM capped GROUP BY organisation_id),
        total AS (SELECT count(DISTINCT project_id) AS projects FROM capped),
        kept AS (SELECT * FROM capped{kept}),
        pairs AS (SELECT a.organisation_id AS source, b.organisation_id AS target,
                         count(*) AS shared{newman}
                  FROM kept a JOIN kept b
                    ON a.project_id = b.project_id AND a.organisation_id < b.organisation_id
                  GROUP BY a.organisation_id, b.organisation_id),
        weighted AS (SELECT p.source, p.target, {expression} AS weight, p.shared
                     FROM pairs p JOIN degrees ds ON ds.organisation_id = p.source
                     JOIN degrees dt ON dt.organisation_id = p.target CROSS JOIN total t)
        SELECT source, target, weight, shared FROM weighted{strong}
        {"ORDER BY source, target" if ordered else ""}"""


def _typed_edges(table) -> pd.DataFrame:
    """The edge table of an Arrow result, with the dtypes of the in-memory one."""

    def text(name: str) -> pd.Series:
        return pd.Series(table.column(name).to_pandas(types_mapper=pd.ArrowDtype), dtype="str").reset_index(
            drop=True
        )

    return pd.DataFrame(
        {
            "source": text("source"),
            "target": text("target"),
            "weight": table.column("weight").to_numpy().astype(np.float64),
            "shared": table.column("shared").to_numpy().astype(np.int64),
        },
        columns=_EDGE_COLUMNS,
    )


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _degree_frame(ids: pd.Index, neighbours: np.ndarray, strength: np.ndarray) -> pd.DataFrame:
    index = pd.Index(pd.Series(ids.to_numpy(dtype=object), dtype="str"), name="organisation_id")
    return pd.DataFrame(
        {
            "neighbours": np.asarray(neighbours, dtype=np.int64),
            "strength": np.asarray(strength, dtype=np.float64),
        },
        index=index,
    )


def _check_engine(engine, memory_limit, temp_directory) -> str:
    if not isinstance(engine, str) or engine not in ENGINES:
        raise OptionError(f"engine={engine!r} is not one of {', '.join(map(repr, ENGINES))}")
    if engine == "numpy" and (memory_limit is not None or temp_directory is not None):
        raise OptionError(
            "memory_limit and temp_directory are options of engine='duckdb'; the numpy engine "
            "works in memory (pass engine='duckdb' to spill to disk)"
        )
    if memory_limit is not None and (
        isinstance(memory_limit, bool)
        or not isinstance(memory_limit, str | int | np.integer)
        or (not isinstance(memory_limit, str) and memory_limit <= 0)
    ):
        raise OptionError(
            f"memory_limit={memory_limit!r} must be a size such as '2GB' or a positive number of bytes"
        )
    return engine


def _check_max_partners(max_partners) -> int | None:
    if max_partners is None:
        return None
    if isinstance(max_partners, bool) or not isinstance(max_partners, int | np.integer) or max_partners < 2:
        raise OptionError(
            f"max_partners={max_partners!r} must be a whole number of at least 2 (a project "
            "of one partner links nobody)"
        )
    return int(max_partners)


def _needed_columns(wanted, kinds) -> list[str]:
    return (
        ["project_id", "organisation_id"]
        + (["kind"] if kinds is not None else [])
        + (["year"] if wanted is not None else [])
    )


def _check_columns(columns: list[str], needed: list[str], name: str) -> None:
    reasons = {
        "kind": "needed for kinds (the organisation's kind)",
        "year": "needed for years (the project's year)",
    }
    missing = [column for column in needed if column not in columns]
    if missing:
        raise SchemaError(
            [
                _problem(
                    name,
                    column,
                    None,
                    f"column missing: {reasons.get(column, 'an id')}; "
                    f"the table has {', '.join(map(str, columns)) or 'no columns'}",
                )
                for column in missing
            ]
        )


def _path(source) -> tuple[Path, str]:
    if not isinstance(source, str | os.PathLike):
        raise OptionError(
            f"source must be an Ecosystem, a participations DataFrame or the path of a Parquet or "
            f"CSV file, not {type(source).__name__}"
        )
    path = Path(source)
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        return path, "csv"
    if name.endswith((".tsv", ".tsv.gz")):
        return path, "tsv"
    if name.endswith(".parquet") or path.is_dir() or "*" in name:
        return path, "parquet"
    raise OptionError(
        f"source={str(source)!r}: a path must name a Parquet file (.parquet, or a folder of them) "
        "or a CSV file (.csv, .csv.gz, .tsv)"
    )


def _problem(name: str, column: str, value, reason: str) -> dict:
    return {
        "table": "participations",
        "file": "" if name == "DataFrame" else name,
        "row": None,
        "column": column,
        "value": value,
        "reason": reason,
    }


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _literals(values: Iterable[str]) -> str:
    return ", ".join(_literal(value) for value in values)
