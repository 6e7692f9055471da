"""An index for the sweep that prunes the background tasks' finished results
(civicdesk.runtime.taskresults): their table is django-tasks-db's, which has none on
finished_at, so the sweep would read the whole table every round. Partial (finished rows
only), so a queued task's insert does not pay for it. Both PostgreSQL and SQLite take it."""

from django.db import migrations

# django_tasks_db's DBTaskResult table (app label django_tasks_database).
TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):
    dependencies = [
        ("runtime", "0001_sweep_state"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS task_results_finished ON {TABLE} (status, finished_at) "  # noqa: S608
            "WHERE status IN ('SUCCESSFUL', 'FAILED')",
            reverse_sql="DROP INDEX IF EXISTS task_results_finished",
        ),
    ]
