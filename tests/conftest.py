"""Under CI (``CI=true``, as `.ci/run` runs), a skipped test is a failure to set something
up: `make test` installs every tool and service the suite needs, so a skip there means a
step is missing. Outside CI a skip still runs the rest and says how to get the tool."""

import os

import pytest

UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if UNDER_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where nothing may be missing: {reason}"


def pytest_addoption(parser):
    parser.addoption(
        "--store",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("VOISINAGE_TEST_STORE", "sqlite"),
        help="the store tests/web runs on (default: $VOISINAGE_TEST_STORE, else sqlite)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: tests of what only SQLite has (files, PRAGMAs, busy timeout)"
    )


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, the tests of what only SQLite has are deselected (not skipped: under
    CI a skip is a failure)."""
    if config.getoption("--store") == "sqlite":
        return
    sqlite_only = [item for item in items if item.get_closest_marker("sqlite_only")]
    if sqlite_only:
        config.hook.pytest_deselected(items=sqlite_only)
        items[:] = [item for item in items if not item.get_closest_marker("sqlite_only")]
