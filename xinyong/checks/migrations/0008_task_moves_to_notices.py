"""`Task` moves to the `notices` app: removed from this app's state only — the table `checks_task` stays,
with its rows, and `notices.Task` takes it over (notices 0001). Runs after accounts 0005, whose grant of
`checks.task` permissions needs the model in this app's state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("checks", "0007_batch_ids_lz4"),
        ("accounts", "0005_role_permissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Task")],
            database_operations=[],
        ),
    ]
