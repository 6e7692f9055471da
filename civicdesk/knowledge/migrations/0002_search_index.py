"""The stored full-text index: a GIN index over the segmented columns on PostgreSQL (plus
pg_trgm for the fuzzy title fallback, where the database user may enable it), an FTS5 table
on SQLite. Other vendors get nothing (the settings allow only these two)."""

from django.db import migrations

PG_VECTOR = (
    "(setweight(to_tsvector('simple', seg_title), 'A') || "
    "setweight(to_tsvector('simple', seg_questions), 'B') || "
    "setweight(to_tsvector('simple', seg_answer), 'C'))"
)


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            # Stored (generated) so that ranking reads the vector instead of re-parsing the text
            # of every matching row; the app never writes it.
            cur.execute(
                f"ALTER TABLE knowledge_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS {PG_VECTOR} STORED"
            )
            cur.execute("CREATE INDEX knowledge_article_fts ON knowledge_article USING GIN (search_vector)")
            # pg_trgm is a trusted extension: a database owner may create it without being a
            # superuser. Elsewhere (no right, not installed) the fallback is simply off.
            cur.execute(
                "SELECT 1 FROM pg_available_extension_versions WHERE name = 'pg_trgm' AND trusted"
                " AND has_database_privilege(current_database(), 'CREATE')"
            )
            if cur.fetchone() is not None:
                cur.execute("SAVEPOINT trgm")
                try:
                    cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cur.execute(
                        "CREATE INDEX knowledge_article_title_trgm ON knowledge_article USING GIN (title gin_trgm_ops)"
                    )
                    cur.execute("RELEASE SAVEPOINT trgm")
                except Exception:
                    cur.execute("ROLLBACK TO SAVEPOINT trgm")
        elif conn.vendor == "sqlite":
            cur.execute(
                "CREATE VIRTUAL TABLE knowledge_article_fts USING fts5("
                "title, questions, answer, tokenize = 'unicode61 remove_diacritics 0')"
            )


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute("DROP INDEX IF EXISTS knowledge_article_title_trgm")
            cur.execute("DROP INDEX IF EXISTS knowledge_article_fts")
            cur.execute("ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector")
        elif conn.vendor == "sqlite":
            cur.execute("DROP TABLE IF EXISTS knowledge_article_fts")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles")]
    operations = [migrations.RunPython(forwards, backwards)]
