"""Production's static files: collectstatic with the manifest storage DEBUG-off serving uses."""

import io

from django.core.management import call_command


def test_collectstatic_succeeds_with_the_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, stdout=io.StringIO())

    vendored = tmp_path / "legacy_users" / "vendor" / "chart.js-4.6.1"
    assert (vendored / "LICENSE.md").exists()
    assert (tmp_path / "staticfiles.json").exists()
