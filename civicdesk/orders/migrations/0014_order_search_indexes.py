import django.db.models.functions.text
from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently, create_index_concurrently

# The bigrams of the three texts joined by a space, lower case; a bigram holding white space
# is left out (a searched word never holds one). IMMUTABLE, so that an index may be built on
# it: lower() follows the database's collation, which does not change under an index. COST:
# computing it for a row is far dearer than reading the index, which the planner should know.
# Not inlined (its body has a sub-select), so a query's call matches the index's expression.
BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION civicdesk_order_bigrams(title text, content text, address text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}'::text[])
    FROM (
        SELECT substr(t, i, 2) AS g
        FROM (SELECT lower(coalesce(title, '') || ' ' || coalesce(content, '') || ' ' || coalesce(address, '')) AS t) AS s,
             generate_series(1, length(t) - 1) AS i
    ) AS grams
    WHERE g !~ '\s'
$$
"""
BIGRAMS_INDEX = (
    "CREATE INDEX IF NOT EXISTS order_text_bigrams ON orders_workorder "
    "USING GIN (civicdesk_order_bigrams(title, content, address))"
)


def text_bigrams(apps, schema_editor):
    """PostgreSQL: the GIN index over the character bigrams of an order's title, content and
    address that word search reads (civicdesk.orders.search), built concurrently: over a
    million orders the build takes minutes, in which a plain CREATE INDEX would stop every
    new order and every move (civicdesk.lib.indexes). SQLite: nothing (its search is a
    substring test)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(BIGRAMS_FUNCTION)
    create_index_concurrently(schema_editor, "order_text_bigrams", BIGRAMS_INDEX)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_workorder")


def no_text_bigrams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS order_text_bigrams")
        cursor.execute("DROP FUNCTION IF EXISTS civicdesk_order_bigrams(text, text, text)")


class Migration(migrations.Migration):
    # The indexes are built concurrently on PostgreSQL, which cannot happen in a transaction.
    atomic = False

    dependencies = [
        ("orders", "0013_phone_trigrams_on_an_expression"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workorder",
            index=models.Index(
                django.db.models.functions.text.Replace(
                    django.db.models.functions.text.Replace(models.F("citizen_phone"), models.Value(" ")),
                    models.Value("-"),
                ),
                name="order_phone_digits",
            ),
        ),
        migrations.RunPython(text_bigrams, no_text_bigrams, atomic=False),
    ]
