from django.db import migrations

from civicdesk.lib.indexes import create_index_concurrently

# The order's bigrams (civicdesk_order_bigrams, 0014) each prefixed with the week it was created in
# ("2970:停水": weeks of 604,800 seconds since 1970-01-01 UTC, a count that no time zone moves).
# The plain bigram index answers "which orders ever held 停水" with every such order of the
# history (75,800 at ten million orders, 16 ms to read before the newest week's were kept);
# this one answers "which orders of week 2970 held it" with that week's alone, so the search's
# first query (the last seven days: two or three weeks) reads what it shows, not the history
# (issue #20). IMMUTABLE as the bigram function is: the epoch of a timestamptz is the same in
# every time zone.
WEEK_BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION civicdesk_order_week_bigrams(title text, content text, address text, created_at timestamptz)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
    SELECT coalesce(array_agg(w.week || ':' || g), '{}'::text[])
    FROM (SELECT floor(extract(epoch FROM created_at) / 604800)::bigint::text AS week) AS w,
         unnest(civicdesk_order_bigrams(title, content, address)) AS g
$$
"""
WEEK_BIGRAMS_INDEX = (
    "CREATE INDEX IF NOT EXISTS order_text_week_bigrams ON orders_workorder "
    "USING GIN (civicdesk_order_week_bigrams(title, content, address, created_at))"
)


def week_bigrams(apps, schema_editor):
    """PostgreSQL: the function and its GIN index, built concurrently (new orders and moves go
    on during the build: civicdesk.lib.indexes). SQLite: nothing (its search is a substring test)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(WEEK_BIGRAMS_FUNCTION)
    create_index_concurrently(schema_editor, "order_text_week_bigrams", WEEK_BIGRAMS_INDEX)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_workorder")


def no_week_bigrams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS order_text_week_bigrams")
        cursor.execute("DROP FUNCTION IF EXISTS civicdesk_order_week_bigrams(text, text, text, timestamptz)")


class Migration(migrations.Migration):
    # The index is built concurrently on PostgreSQL, which cannot happen in a transaction.
    atomic = False

    dependencies = [
        ("orders", "0027_order_returned_dispatched"),
    ]

    operations = [
        migrations.RunPython(week_bigrams, no_week_bigrams, atomic=False),
    ]
