"""The throwaway PostgreSQL cluster's fixtures (tests/postgres.py)."""

from tests.postgres import postgres_cluster, postgres_database  # noqa: F401
