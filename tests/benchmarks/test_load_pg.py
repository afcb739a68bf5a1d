"""``python -m benchmarks.load_pg``: the load on PostgreSQL through two servers, at a tiny
size (its own throwaway cluster)."""

import json

import pytest

from benchmarks import load, load_pg, pgcluster
from tests.postgres import POSTGRES_ABSENT


def test_the_workload_is_split_between_the_servers_without_loss_or_overlap():
    workload = load.Workload([{"n": n} for n in range(7)], [{"n": n} for n in range(3)])
    parts = load_pg.split(workload, 2)
    assert [len(part.searches) for part in parts] == [4, 3]
    assert sorted(s["n"] for part in parts for s in part.searches) == list(range(7))
    assert sorted(w["n"] for part in parts for w in part.writes) == [0, 1, 2]


def test_a_short_run_on_two_servers_finds_each_write_through_the_other(tmp_path):
    if pgcluster.postgres_bin() is None:
        pytest.skip(f"PostgreSQL with PostGIS is absent: {POSTGRES_ABSENT}")
    out = tmp_path / "load-pg.json"
    status = load_pg.main(
        ["--duration", "1", "--posts", "300", "--search-rate", "20", "--write-rate", "6",
         "--out", str(out)]
    )  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8"))
    assert status == 0, results
    assert results["search"]["requests"] == 20 and results["search"]["errors"] == 0
    assert results["writes_verified"]["acknowledged"] == 6
    assert results["writes_verified"]["not_found_by_search"] == 0
    assert len(results["ready_s"]) == 2 and results["load_city_s"] > 0
    assert "PostgreSQL" in results["note"] and out.with_suffix(".md").exists()
