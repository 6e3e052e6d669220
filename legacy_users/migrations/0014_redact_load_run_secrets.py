"""Load runs recorded before secret hash parameters were given by name kept their values
(an HMAC pepper, Firebase's signer key) in `options.hash_params`: remove them."""

from django.db import migrations

SECRET_PARAMS = ("key", "signer_key")


def redact(apps, schema_editor):
    LoadRun = apps.get_model("legacy_users", "LoadRun")
    for run in LoadRun.objects.all().only("id", "options").iterator():
        params = (run.options or {}).get("hash_params") or {}
        if not isinstance(params, dict):
            continue
        secret = [
            k for k in SECRET_PARAMS if k in params and not str(params[k]).startswith("secret:")
        ]
        if secret:
            for k in secret:
                params[k] = "(removed: a secret value)"
            run.options["hash_params"] = params
            run.save(update_fields=["options"])


class Migration(migrations.Migration):
    dependencies = [("legacy_users", "0013_okta_push_refusals")]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
