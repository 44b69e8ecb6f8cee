"""Reflections: the activity and the share flag as indexed columns, for staff's list of shared reflections."""

from django.db import migrations, models

BATCH = 500


def copy_from_json(apps, schema_editor):
    """Existing entries: the activity and share flag the JSON already holds, in id batches (flat memory)."""
    rows = apps.get_model("plchoice", "ReflectionRow").objects
    after = 0
    while True:
        batch = list(rows.filter(id__gt=after).order_by("id")[:BATCH])
        for row in batch:
            data = row.data or {}
            row.activity_key = data.get("activity_key") or ""
            row.shared = bool(data.get("share_with_staff"))
            row.save(update_fields=["activity_key", "shared"])
        if len(batch) < BATCH:
            break
        after = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [("plchoice", "0005_calibration_distribution")]

    operations = [
        migrations.AddField(model_name="reflectionrow", name="activity_key",
                            field=models.CharField(default="", max_length=255)),
        migrations.AddField(model_name="reflectionrow", name="shared", field=models.BooleanField(default=False)),
        migrations.RunPython(copy_from_json, migrations.RunPython.noop),
        migrations.AddIndex(model_name="reflectionrow",
                            index=models.Index(fields=["activity_key", "shared", "at"], name="plchoice_refl_shared")),
    ]
