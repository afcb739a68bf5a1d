"""How a migration's statement is spelled in each dialect, and the PostgreSQL pieces the
migrations share (PL/pgSQL triggers, the columns of ``public_posts``)."""


class Dialects(str):
    """A statement spelled differently in each dialect: the SQLite spelling (this string
    itself, as every older statement) and ``postgresql`` (None: nothing to do there).
    Column types need no second spelling: PostgreSQL's ``ddl()`` translates them."""

    postgresql: str | None

    def __new__(cls, sqlite: str, postgresql: str | None) -> "Dialects":
        statement = super().__new__(cls, sqlite)
        statement.postgresql = postgresql
        return statement


def spelling(statement: str, dialect: str) -> str | None:
    """How ``statement`` is spelled in ``dialect`` (None: not run there)."""
    if dialect == "postgresql":
        return statement.postgresql if isinstance(statement, Dialects) else statement
    return str(statement) or None


# PL/pgSQL for the PostgreSQL spellings of the triggers: an append-only log refuses any
# change (message in the trigger's first argument), or only the deletion of entries newer
# than the city's ``audit_kept_since`` (time column in its second argument).
REFUSE = """CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$"""
REFUSE_KEPT = """CREATE FUNCTION refuse_kept_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (to_jsonb(old) ->> TG_ARGV[1])::double precision
                >= (SELECT audit_kept_since FROM cities WHERE id = old.city_id) THEN
            RAISE EXCEPTION '%', TG_ARGV[0];
        END IF;
        RETURN old;
    END $$"""


# What ``public_posts`` shows: no account, no address, no exact point.
PUBLIC_POST_COLUMNS = """id, city_id, kind, category, title, body, precision, created_at,
    updated_at, expires_at"""
PUBLIC_POSTS = "status = 'published' AND expires_at > {now}"


def pg_trigger(name: str, when: str, table: str, body: str, condition: str = "") -> str:
    """A row trigger running ``body`` (PL/pgSQL statements) through a function of its own."""
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {body}; RETURN NULL; END $$;"
        f" CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW"
        f"{f' WHEN ({condition})' if condition else ''} EXECUTE FUNCTION {name}()"
    )


def pg_refuse(name: str, when: str, table: str, message: str) -> str:
    return (
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW"
        f" EXECUTE FUNCTION refuse_change('{message}')"
    )
