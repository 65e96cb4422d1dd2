"""The packs' statements on Spark SQL (issue "National scale", item 4).

A county-size synthetic campaign, written as Parquet, is checked on Spark in local mode and
gives exactly the object engine's report (which checks the same campaign read by the object
loader). Never skipped in CI: ``.ci/run`` installs the ``spark`` extra and a Java runtime.
"""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

import pytest

import reliefkit as rk
from reliefkit.synth import synth


def _available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


pytestmark = pytest.mark.skipif(
    not _available() and os.environ.get("CI") is None,
    reason="Spark needs pyspark and a Java runtime (CI installs both)",
)


# The default packs, with the waiver rules: a county's planted findings. (Every pack's
# statements run on Spark as on DuckDB: docs/cluster.md; the law packs' are held equal to
# their judges by tests/test_columnar.py.)
PACKS = None


def test_a_county_on_spark_equals_the_object_engine(tmp_path: Path) -> None:
    """A county of 3,500 households from Parquet: the same report on Spark as on objects."""
    folder = tmp_path / "county"
    summary = synth(folder, households=3500, counties=1, seed=3, format="parquet")
    expected = rk.check(rk.load_campaigns(folder), as_of="2015-12-31", packs=PACKS)
    got = rk.check(folder, as_of="2015-12-31", engine="spark", packs=PACKS)
    assert isinstance(got, rk.Report)
    ((_, report),) = expected.reports.items()
    assert got.to_dict() == report.to_dict()
    assert [(f.code, f.subjects, f.message, f.evidence) for f in got.findings] == [
        (f.code, f.subjects, f.message, f.evidence) for f in report.findings
    ]
    assert sum(summary.planted.values()) == len(got.findings)


def test_iso_weekday_on_spark() -> None:
    """`iso_weekday`, which pack statements use for weekdays, gives on Spark SQL the ISO
    weekday of Spark's own ``dayofweek`` (1 on Sunday), every day from 1900 to 2199 (DuckDB
    against Python: tests/test_kit.py)."""
    from pyspark.sql import SparkSession

    from reliefkit.rules import iso_weekday

    session = SparkSession.builder.getOrCreate()
    days = "SELECT explode(sequence(DATE '1900-01-01', DATE '2199-12-31', INTERVAL 1 DAY)) AS d"
    ((total, wrong),) = session.sql(
        f"SELECT count(*), count_if({iso_weekday('d')} <> MOD(dayofweek(d) + 5, 7) + 1) "
        f"FROM ({days})"
    ).collect()
    assert (total, wrong) == ((datetime.date(2200, 1, 1) - datetime.date(1900, 1, 1)).days, 0)
