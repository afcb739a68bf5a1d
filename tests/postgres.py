"""A throwaway PostgreSQL cluster for the tests that need the real store
(``benchmarks.pgcluster``: Debian's binaries, which `make test` installs), started once per
session and removed at its end.

A conftest that needs it imports the fixtures::

    from tests.postgres import postgres_cluster, postgres_database  # noqa: F401
"""

from collections.abc import Iterator

import pytest

from benchmarks import pgcluster
from benchmarks.pgcluster import Cluster, remove_cluster

POSTGRES_ABSENT = (
    "`make test` installs it (`apt-get install postgresql postgresql-15-postgis-3`, as root "
    "or with sudo)"
)


def start_cluster() -> Cluster:
    """``pgcluster.start_cluster()``, or a skip saying how to get PostgreSQL."""
    try:
        return pgcluster.start_cluster()
    except pgcluster.PostgresAbsent as absent:
        pytest.skip(f"{absent}: {POSTGRES_ABSENT}")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """The session's cluster: started at its first use (a few seconds), removed at the end."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        remove_cluster(cluster)


@pytest.fixture
def postgres_database(postgres_cluster: Cluster) -> str:
    """A fresh database's URL for one test, with PostGIS, unaccent and pg_trgm."""
    return postgres_cluster.create_database()
