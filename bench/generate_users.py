"""Write an N-user legacy export for the loader benchmark.

    .venv/bin/python bench/generate_users.py 1000000 bench/out/users-1m.csv [--format jsonl]

Seven formats in equal shares (bcrypt $2b$ and $2y$, argon2id, Django PBKDF2, sha512_crypt,
phpass, {SSHA}), realistic field lengths, a few extra profile columns. Hashes come from a
small pool generated once per run (the loader parses hashes, it never verifies them, so
distinct salts per row buy nothing).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import string
import sys
from pathlib import Path

from passlib import hash as ph

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Margaret",
    "Linus",
    "Ken",
    "Barbara",
    "Dennis",
    "Edsger",
    "Frances",
    "Donald",
    "Radia",
    "Whitfield",
    "Shafi",
    "Tim",
    "Katherine",
    "Hedy",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Hamilton",
    "Torvalds",
    "Thompson",
    "Liskov",
    "Ritchie",
    "Dijkstra",
    "Allen",
    "Knuth",
    "Perlman",
    "Diffie",
    "Goldwasser",
    "Berners-Lee",
    "Johnson",
]
DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example.co.uk"]
DEPARTMENTS = ["sales", "engineering", "support", "finance", "marketing", "operations"]

# (share of users, hash_format column, hash factory): the seven formats real exports mix
# most, in equal shares; cheap rounds, as the loader parses hashes and never verifies them.
MIX = [
    (1 / 7, "", lambda pw: ph.bcrypt.using(rounds=4, ident="2b").hash(pw)),
    (1 / 7, "", lambda pw: ph.bcrypt.using(rounds=4, ident="2y").hash(pw)),
    (1 / 7, "", lambda pw: ph.argon2.using(type="ID", rounds=1, memory_cost=256).hash(pw)),
    (1 / 7, "", lambda pw: ph.django_pbkdf2_sha256.using(rounds=1000).hash(pw)),
    (1 / 7, "", lambda pw: ph.sha512_crypt.using(rounds=1000).hash(pw)),
    (1 / 7, "", lambda pw: ph.phpass.using(rounds=7).hash(pw)),
    (1 / 7, "", lambda pw: ph.ldap_salted_sha1.hash(pw)),
]
POOL_PER_FORMAT = 64
#: Other mixes (`--mix`): the same formats with one changed.
MIXES = {
    "default": MIX,
    # sha512_crypt at its default 5,000 rounds, which crypt(3) writes without `rounds=`
    # (what most Linux /etc/shadow exports hold).
    "implicit-rounds": [
        *MIX[:4],
        (1 / 7, "", lambda pw: ph.sha512_crypt.using(rounds=5000).hash(pw)),
        *MIX[5:],
    ],
}


def build_pools(rng: random.Random, mix: str = "default") -> list[tuple[float, str, list[str]]]:
    pools = []
    for share, declared, factory in MIXES[mix]:
        passwords = [
            "".join(rng.choices(string.ascii_letters, k=12)) for _ in range(POOL_PER_FORMAT)
        ]
        pools.append((share, declared, [factory(pw) for pw in passwords]))
    return pools


def rows(n: int, seed: int = 42, mix: str = "default"):
    rng = random.Random(seed)
    pools = build_pools(rng, mix)
    weights = [share for share, _, _ in pools]
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        login = f"{first.lower()}.{last.lower()}.{i}@{rng.choice(DOMAINS)}"
        _, declared, hashes = rng.choices(pools, weights)[0]
        yield {
            "login": login,
            "email": login,
            "first_name": first,
            "last_name": last,
            "password_hash": rng.choice(hashes),
            "hash_format": declared,
            "source": "bench",
            "department": rng.choice(DEPARTMENTS),
            "employee_id": f"E{i:08d}",
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path")
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    parser.add_argument("--mix", choices=sorted(MIXES), default="default")
    args = parser.parse_args()
    path = Path(args.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", newline="", encoding="utf-8") as out:
        if args.format == "csv":
            fields = [
                "login",
                "email",
                "first_name",
                "last_name",
                "password_hash",
                "hash_format",
                "source",
                "department",
                "employee_id",
            ]
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows(args.count, mix=args.mix))
        else:
            for row in rows(args.count, mix=args.mix):
                out.write(json.dumps(row) + "\n")
    print(
        f"wrote {args.count} users to {path} ({path.stat().st_size / 1e6:.1f} MB)", file=sys.stderr
    )


if __name__ == "__main__":
    main()
