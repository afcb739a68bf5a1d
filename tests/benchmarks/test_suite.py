"""The suite end to end on a tiny city: every answer checked, every output written."""

import json

import pytest

from benchmarks import suite as suite_module
from benchmarks.__main__ import main


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    status = main(
        [
            "--sizes",
            "2000,4000",
            "--queries",
            "30",
            "--subscriptions",
            "2000",
            "--out",
            str(out),
            "--no-progress",
            "--radii",
            "20,1000,5000",
        ]
    )
    return status, out


def test_the_suite_passes_its_oracle_checks(run):
    status, out = run
    assert status == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    # 2 sizes x 3 radii x 30 queries x 4 methods, plus viewports, churn and subscriptions
    assert results["answers_checked"] >= 2 * 3 * 30 * 4
    search = results["sizes"]["2000"]["search"]["1000"]
    assert set(search["rotation"]) == {"engine", "numpy scan", "rtree box", "h3 buckets"}
    assert search["rotation"]["engine"]["n"] == 30
    assert 0 < search["rotation"]["engine"]["p50_us"] <= search["rotation"]["engine"]["p99_us"]
    assert results["sizes"]["4000"]["churn"]["add"]["n"] > 0
    assert results["subscriptions"]["matching"]["n"] == 2000
    assert results["machine"]["python"] and results["machine"]["numpy"]


def test_the_suite_writes_the_report_and_the_plots(run):
    _, out = run
    report = (out / "results.md").read_text(encoding="utf-8")
    assert "| 2 k | 20 m |" in report and "| 4 k | 5000 m |" in report
    assert "## Targets" in report and ("PASS" in report or "FAIL" in report)
    for name in ("latency_vs_radius.png", "latency_vs_size.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_wrong_answer_fails_the_run(tmp_path, monkeypatch, capsys):
    """A baseline that drops its last result makes the run fail, naming the query; the
    figures are still written, with the failure in them."""
    real = suite_module.BASELINES[0]

    class Lossy(real):
        def search(self, *args, **kwargs):
            return super().search(*args, **kwargs)[:-1]

    monkeypatch.setattr(suite_module, "BASELINES", (Lossy,))
    status = main(
        [
            "--sizes",
            "2000",
            "--queries",
            "5",
            "--subscriptions",
            "0",
            "--out",
            str(tmp_path),
            "--no-progress",
            "--radii",
            "5000",
        ]
    )
    assert status == 1
    error = capsys.readouterr().err
    assert "MISMATCH" in error and "numpy scan at 2,000 posts, search(" in error
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["mismatches"] == 5  # every query of the lossy baseline, recorded
    assert "**FAIL**" in (tmp_path / "results.md").read_text(encoding="utf-8")
