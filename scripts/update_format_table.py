"""Rewrite the manual's hash-format table (docs/formats.md) from `list_hash_formats --markdown`.

Run after adding a format: `python scripts/update_format_table.py`. A test fails while the
manual and the registry disagree.
"""

import os
import re
import sys
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_portal.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

out = StringIO()
call_command("list_hash_formats", "--markdown", stdout=out)
readme = ROOT / "docs" / "formats.md"
text = readme.read_text()
updated = re.sub(
    r"<!-- formats:start -->.*<!-- formats:end -->",
    "<!-- formats:start -->\n" + out.getvalue().strip() + "\n<!-- formats:end -->",
    text,
    flags=re.S,
)
readme.write_text(updated)
print("docs/formats.md format table:", "updated" if updated != text else "already current")
