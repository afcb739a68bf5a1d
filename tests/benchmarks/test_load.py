"""The open-loop load generator: its schedule, its arithmetic, and one short real run."""

import json
import time

from benchmarks import load


def test_the_schedule_is_fixed_rate_and_merged_by_due_time():
    workload = load.Workload([{"n": i} for i in range(100)], [{"n": i} for i in range(10)])
    items = list(load.schedule(workload, search_rate=50.0, write_rate=5.0, duration_s=1.0))
    searches = [due for kind, due, _ in items if kind == "search"]
    writes = [due for kind, due, _ in items if kind == "write"]
    assert len(searches) == 50 and len(writes) == 5  # what fits in one second, no more
    assert all(abs((b - a) - 0.02) < 1e-9 for a, b in zip(searches, searches[1:], strict=False))
    assert [due for _, due, _ in items] == sorted(due for _, due, _ in items)
    assert searches[0] > time.perf_counter()  # scheduled ahead, not on the answers


def test_summary_counts_unexpected_statuses_as_errors():
    outcomes = [load.Outcome("search", 0.0, 0.002, 0.001, 200) for _ in range(98)]
    outcomes += [
        load.Outcome("search", 0.0, 0.5, 0.5, 0),
        load.Outcome("search", 0.0, 0.1, 0.1, 429),
    ]
    outcomes += [load.Outcome("write", 0.0, 0.01, 0.01, 201)]
    search = load.summary(outcomes, "search", duration_s=1.0)
    assert search["requests"] == 100 and search["errors"] == 2
    assert search["error_statuses"] == [0, 429]
    assert search["p50_ms"] == 2.0 and search["max_ms"] == 500.0
    assert load.summary(outcomes, "write", 1.0)["errors"] == 0


def test_a_short_run_against_the_server_of_make_run_loses_nothing(tmp_path):
    out = tmp_path / "load.json"
    status = load.main(
        ["--duration", "1", "--posts", "300", "--search-rate", "40", "--write-rate", "8",
         "--out", str(out)]
    )  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8"))
    assert status == 0, results
    assert results["search"]["requests"] == 40 and results["search"]["errors"] == 0
    assert results["writes_verified"]["acknowledged"] == 8
    assert results["writes_verified"]["not_found_by_search"] == 0
    assert results["server"] == f"{load.MAKE_RUN_SERVER} ({load.MAKE_RUN_THREADS} thread(s))"
    assert results["ready_s"] > 0
    [worker] = [m for m in results["memory"] if m["uss_mb"] > 50]  # granian: its one worker
    assert worker["pss_mb"] <= worker["rss_mb"]


def test_a_short_closed_loop_run_measures_the_floor_beside_match(tmp_path):
    out = tmp_path / "closed.json"
    status = load.main(
        ["--closed-loop", "--connections", "2", "--duration", "0.5", "--posts", "300",
         "--out", str(out)]
    )  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8"))
    assert status == 0, results
    assert results["match"]["requests"] > 0 and results["match"]["errors"] == 0
    assert results["floor"]["requests"] > 0 and results["floor"]["errors"] == 0
    assert results["floor"]["server"] == "granian, 1 worker"
    ratio = results["match"]["throughput_per_s"] / results["floor"]["throughput_per_s"]
    assert results["ratio"] == ratio
    assert "share" in results["note"] and "cores" in results["note"]
    assert results["write"]["requests"] > 0 and results["write"]["errors"] == 0  # alongside
    assert "floor throughput" in out.with_suffix(".md").read_text(encoding="utf-8")


def test_gunicorn_preload_workers_share_the_parent_s_pages(tmp_path):
    """Built once before the fork: each worker's own pages (USS) are a small part of its
    resident ones (RSS)."""
    out = tmp_path / "gthread.json"
    status = load.main(
        ["--server", "gthread", "--workers", "2", "--duration", "1", "--posts", "300",
         "--search-rate", "20", "--write-rate", "4", "--out", str(out)]
    )  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8"))
    assert status == 0, results
    parent, *workers = results["memory"]
    assert len(workers) == 2
    assert all(w["uss_mb"] < w["rss_mb"] / 2 for w in workers), workers
