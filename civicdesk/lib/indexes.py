"""Migration operations that add an index to a table which may already be large (a center's
orders: a million rows and more) without stopping the center while it is built.

A plain CREATE INDEX holds a lock that blocks every insert and update of the table until the
index is built (minutes for a GIN index over a million orders): no order could be taken or
moved meanwhile. On PostgreSQL these operations build it CONCURRENTLY instead (reads and writes
go on; the build takes longer). CONCURRENTLY cannot run inside a transaction, so a migration
holding one must say ``atomic = False``. On other databases (SQLite: development, tests, the
smallest installations) the index is built the plain way.
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddIndex
from django.db.migrations.state import ProjectState


def drop_invalid_index(schema_editor: BaseDatabaseSchemaEditor, name: str) -> None:
    """Drop index `name` if an interrupted concurrent build left it INVALID (PostgreSQL keeps
    such an index, which is never used but is kept up to date and makes the next build fail
    with "already exists")."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid",
            [name],
        )
        if cursor.fetchone() is not None:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")


def create_index_concurrently(schema_editor: BaseDatabaseSchemaEditor, name: str, create_sql: str) -> None:
    """PostgreSQL: run `create_sql` (a "CREATE INDEX IF NOT EXISTS <name> ON ..." statement) as
    CREATE INDEX CONCURRENTLY, after dropping what an interrupted build of `name` left behind.
    For the indexes an AddIndex cannot express (an expression over a SQL function)."""
    _ensure_outside_transaction(schema_editor)
    drop_invalid_index(schema_editor, name)
    if not create_sql.startswith("CREATE INDEX "):
        raise ValueError(create_sql)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE INDEX CONCURRENTLY " + create_sql.removeprefix("CREATE INDEX "))


def _ensure_outside_transaction(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.in_atomic_block:
        raise NotSupportedError("An index is built concurrently outside a transaction: set atomic = False.")


class AddIndexConcurrently(AddIndex):
    """AddIndex, built CONCURRENTLY on PostgreSQL (see the module); a plain index elsewhere."""

    atomic = False

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.add_index(model, self.index)
            return
        _ensure_outside_transaction(schema_editor)
        drop_invalid_index(schema_editor, self.index.name)
        schema_editor.add_index(model, self.index, concurrently=True)  # type: ignore[call-arg]

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.remove_index(model, self.index)
            return
        _ensure_outside_transaction(schema_editor)
        schema_editor.remove_index(model, self.index, concurrently=True)  # type: ignore[call-arg]

    def describe(self) -> str:
        return f"{super().describe()} (concurrently on PostgreSQL)"
