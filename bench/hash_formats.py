"""Coverage measured: every hash the real tools wrote (tests/fixtures/real_tools/*.json),
read as the loader reads it and checked as the hook checks it. Prints, per tool, how many
verify with the right password and refuse a wrong one, and the total.

    .venv/bin/python bench/hash_formats.py
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_portal.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from legacy_users.hashing import check_password, classify_hash  # noqa: E402

#: Fixtures whose format is declared, as the loader asks of marker-less hashes.
DECLARED = {"mkpasswd -m descrypt": "des_crypt"}


def main() -> None:
    total, good = Counter(), Counter()
    for path in sorted((ROOT / "tests" / "fixtures" / "real_tools").glob("*.json")):
        for case in json.loads(path.read_text())["hashes"]:
            tool = case["tool"].split(" (")[0].split(": ")[0]
            params = {"salt": case["salt"], **case.get("hash_params", {})} if "salt" in case else {}
            if "pepper" in case:
                params["pepper"] = case["pepper"]
            declared = case.get("hash_format") or DECLARED.get(tool, "")
            verdict = classify_hash(case["hash"], declared, params)
            name = verdict.format_name
            right = (
                verdict.ok
                and check_password(
                    case["password"], case["hash"], format_name=name, params=params
                ).verified
            )
            wrong = (
                verdict.ok
                and check_password(
                    "x" + case["password"], case["hash"], format_name=name, params=params
                ).verified
            )
            key = f"{path.stem}: {tool}"
            total[key] += 1
            good[key] += bool(right and not wrong)
    width = max(len(k) for k in total)
    for key in sorted(total):
        print(f"{key:<{width}}  {good[key]:>4} / {total[key]:<4}")
    print(f"{'all real-tool hashes':<{width}}  {sum(good.values()):>4} / {sum(total.values())}")


if __name__ == "__main__":
    main()
