from django.db import migrations


def phone_trigrams_on_an_expression(apps, schema_editor):
    """PostgreSQL: rebuild the trigram index of 0011 over lower(citizen_phone) instead of the
    column itself. pg_trgm's GIN operator class also answers `=`, and with the index on the bare
    column the planner took it for every exact-number look-up (a repeat caller at intake, the
    repeat-call measure's drill-down, tracking): 75 buffers and 0.8 ms a probe instead of a
    B-tree's few, 1.5 s for one month's drill-down at 100,000 orders. On an expression only the
    part-of-a-number search, which filters on the same expression, can use it; exact numbers go
    back to the B-tree on the column. SQLite: nothing."""
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cur.fetchone() is None:
            return  # 0011 could not create the extension here: the search scans as before
        cur.execute("DROP INDEX IF EXISTS order_phone_trgm")
        cur.execute(
            "CREATE INDEX IF NOT EXISTS order_phone_trgm ON orders_workorder"
            " USING GIN ((lower(citizen_phone)) gin_trgm_ops)"
        )


def back_to_the_column(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cur.fetchone() is None:
            return
        cur.execute("DROP INDEX IF EXISTS order_phone_trgm")
        cur.execute(
            "CREATE INDEX IF NOT EXISTS order_phone_trgm ON orders_workorder USING GIN (citizen_phone gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0012_assignment_material_correction"),
    ]

    operations = [migrations.RunPython(phone_trigrams_on_an_expression, back_to_the_column, elidable=False)]
