"""Each legacy system's hashes, from the real tool's output, through the loader and the hook:
the right password VERIFIED, a wrong one UNVERIFIED."""

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import import_request, verdict
from tests.conftest import run_command as run

pytestmark = pytest.mark.django_db
REAL = Path(__file__).parent / "fixtures" / "real_tools"
HASHCAT = [
    ("$B$2152187716$8c8b39c3602b194eeeb6cac78eea2742", "hashcat"),
    ("$episerver$*0*bEtiVGhPNlZpcUN4a3ExTg==*utkfN0EOgljbv5FoZ6+AcZD5iLk", "hashcat"),
    (
        "SCRYPT:1024:1:1:MDIwMzMwNTQwNDQyNQ==:5FW+zWivLxgCWj7qLiQbeC8zaNQ+qdO0NUinvqyFcfo=",
        "hashcat",
    ),
]


def _cases():
    for name in ("mediawiki", "perl", "werkzeug", "scrypt_kdf", "wordpress", "go"):
        hashes = json.loads((REAL / f"{name}.json").read_text())["hashes"]
        seen = set()
        for case in hashes:  # one per tool and layout
            tool = case["tool"].split(" (")[0]
            if tool not in seen:
                seen.add(tool)
                yield pytest.param(case, id=f"{name}: {tool}")
    for encoded, password in HASHCAT:
        yield pytest.param({"hash": encoded, "password": password}, id=encoded.split(":")[0][:12])


@pytest.mark.parametrize("case", list(_cases()))
def test_loaded_and_signed_in_through_the_hook(case, tmp_path, post_hook):
    path = tmp_path / "users.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["login", "password_hash", "hash_format", "salt", "hash_params"])
        params = json.dumps(case["hash_params"]) if case.get("hash_params") else ""
        writer.writerow(
            [
                "ada@example.com",
                case["hash"],
                case.get("hash_format", ""),
                case.get("salt", ""),
                params,
            ]
        )

    _, err, failure = run("load_legacy_users", str(path))

    assert failure == "", err
    assert verdict(post_hook(import_request("ada@example.com", "x" + case["password"]))) == (
        "UNVERIFIED"
    )
    assert verdict(post_hook(import_request("ada@example.com", case["password"]))) == "VERIFIED"
