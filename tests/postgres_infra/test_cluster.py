"""The tests' own PostgreSQL: it answers, it has PostGIS, unaccent and pg_trgm, a commit
survives a crash of the server, and each database a test asks for is new and its own."""

import psycopg
import pytest

from benchmarks import pgcluster
from benchmarks.pgcluster import EXTENSIONS
from tests import postgres

# Tables that belong to an extension (PostGIS's spatial_ref_sys) are not the test's data.
USER_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
"""


def test_the_cluster_answers_on_loopback_only(postgres_cluster):
    with psycopg.connect(postgres_cluster.url) as conn:
        (version,) = conn.execute("SHOW server_version_num").fetchone()
        (listen,) = conn.execute("SHOW listen_addresses").fetchone()
        (fsync,) = conn.execute("SHOW fsync").fetchone()
    assert int(version) >= 150000
    assert postgres_cluster.url.startswith("postgresql://postgres@127.0.0.1:")
    assert (listen, fsync) == ("127.0.0.1", "on")


def test_postgis_unaccent_and_trigrams_work(postgres_database):
    with psycopg.connect(postgres_database) as conn:
        (point,) = conn.execute(
            "SELECT ST_AsText(ST_SetSRID(ST_MakePoint(5.72, 45.19), 4326))"
        ).fetchone()
        (plain,) = conn.execute("SELECT unaccent('Félix Esclangon, Île Verte')").fetchone()
        (similar,) = conn.execute("SELECT similarity('grenoble', 'grenobel')").fetchone()
    assert point == "POINT(5.72 45.19)"
    assert plain == "Felix Esclangon, Ile Verte"
    assert similar > 0.3


def test_a_committed_row_survives_an_immediate_restart(postgres_cluster, postgres_database):
    with psycopg.connect(postgres_database) as conn:
        conn.execute("CREATE TABLE acknowledged (id int PRIMARY KEY, body text)")
        conn.execute("INSERT INTO acknowledged VALUES (1, 'committed before the crash')")
        conn.commit()
        postgres_cluster.restart(mode="immediate")
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")  # the crash broke the open connection
    with psycopg.connect(postgres_database) as conn:
        rows = conn.execute("SELECT id, body FROM acknowledged").fetchall()
    assert rows == [(1, "committed before the crash")]


def test_each_database_is_new_empty_and_its_own(postgres_cluster):
    first, second = postgres_cluster.create_database(), postgres_cluster.create_database()
    assert first != second
    with psycopg.connect(first) as conn:
        assert conn.execute(USER_TABLES).fetchall() == []
        conn.execute("CREATE TABLE mine (id int)")
        conn.commit()
    with psycopg.connect(second) as conn:
        assert conn.execute(USER_TABLES).fetchall() == []
        installed = {row[0] for row in conn.execute("SELECT extname FROM pg_extension")}
    assert set(EXTENSIONS) <= installed


def test_a_bare_database_has_no_extension_but_can_create_them(postgres_cluster):
    bare = postgres_cluster.create_database(extensions=False)
    with psycopg.connect(bare, autocommit=True) as conn:
        installed = {row[0] for row in conn.execute("SELECT extname FROM pg_extension")}
        assert installed == {"plpgsql"}
        for extension in EXTENSIONS:
            conn.execute(f"CREATE EXTENSION {extension}")


def test_without_postgresql_the_fixture_skips_saying_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setattr(pgcluster, "PG_LIB", tmp_path)
    with pytest.raises(pytest.skip.Exception, match=r"`make test` installs it.*postgis"):
        postgres.start_cluster()
