"""Per-format verification cost, through the registry and straight to the verifier.

    .venv/bin/python bench/hash_formats.py [--min-time 0.3] [--only raw_md5,bcrypt]

For every format (one sourced vector each, from tests/test_hashing.py) it times:
  direct   - the format's own verifier (the libpass handler for library-backed formats,
             the format object's verify for hand-written ones);
  registry - `check_password(...)`, what the hook calls: lookup, parameters, verify, result.
and prints both per call and the registry's overhead in percent and in microseconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_portal.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from legacy_users.hashing import check_password, get_format  # noqa: E402
from legacy_users.hashing.passlib_formats import PasslibFormat  # noqa: E402
from tests.test_hashing import VECTORS  # noqa: E402


def per_call(fn, min_time: float) -> float:
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(1, int(number * min_time / 0.2))
    best = min(timer.repeat(repeat=5, number=number))
    return best / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per measurement")
    parser.add_argument("--only", default="", help="comma-separated format names")
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}

    seen, rows = set(), []
    for v in VECTORS:
        if v.fmt in seen or (only and v.fmt not in only):
            continue
        seen.add(v.fmt)
        fmt = get_format(v.fmt)
        params = {"login": "bench", **v.params}
        assert check_password(v.password, v.encoded, format_name=v.fmt, params=params).verified
        if isinstance(fmt, PasslibFormat) and not fmt.context and fmt.truncate_bytes is None:
            handler = fmt.handler

            def direct(handler=handler, v=v):
                return handler.verify(v.password, v.encoded)
        else:

            def direct(fmt=fmt, v=v, params=params):
                return fmt.verify(v.password, v.encoded, params)

        def through_registry(v=v, params=params):
            return check_password(v.password, v.encoded, format_name=v.fmt, params=params)

        d = per_call(direct, args.min_time)
        r = per_call(through_registry, args.min_time)
        rows.append((v.fmt, d, r))

    rows.sort(key=lambda row: row[1])
    print(f"{'format':28} {'direct':>12} {'registry':>12} {'overhead':>9} {'(us)':>8}")
    for name, d, r in rows:
        print(
            f"{name:28} {d * 1e6:10.1f}us {r * 1e6:10.1f}us "
            f"{(r - d) / d * 100:8.1f}% {(r - d) * 1e6:8.2f}"
        )
    cheapest = rows[0]
    print(
        f"\ncheapest format: {cheapest[0]}: registry adds "
        f"{(cheapest[2] - cheapest[1]) / cheapest[1] * 100:.1f}% "
        f"({(cheapest[2] - cheapest[1]) * 1e6:.2f} us per call)"
    )


if __name__ == "__main__":
    main()
