"""End users' addresses: the IPv4 shortcut agrees with `ipaddress` on every input."""

import ipaddress
import random

import pytest

from legacy_users.addresses import canonical_ip, ip_source


def _reference(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


TRICKY = [
    "10.0.0.1",
    " 10.0.0.1 ",
    "0.0.0.0",  # noqa: S104 - an input, not a bind address
    "255.255.255.255",
    "256.1.1.1",
    "1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "1.2.3.04",
    "1.2.3.4\n",
    "\u0661.\u0662.\u0663.\u0664",  # Arabic-Indic digits: \d takes them, ipaddress does not
    "2001:DB8::1",
    "::ffff:10.0.0.1",
    "fe80::1%eth0",
    "",
    "not an address",
]


@pytest.mark.parametrize("value", TRICKY)
def test_canonical_ip_agrees_with_ipaddress(value):
    assert canonical_ip(value) == _reference(value)


def test_canonical_ip_agrees_with_ipaddress_on_random_dotted_quads():
    rng = random.Random(7)
    for _ in range(5000):
        parts = [str(rng.choice([rng.randrange(256), rng.randrange(1000)])) for _ in range(4)]
        if rng.random() < 0.1:
            parts[rng.randrange(4)] = "0" + parts[0]
        value = ".".join(parts)
        assert canonical_ip(value) == _reference(value), value


@pytest.mark.parametrize(
    ("address", "source"),
    [
        ("10.1.2.3", "10.1.2.3"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:10.1.2.3", "10.1.2.3"),
        ("", ""),
        (None, ""),
        ("garbage", ""),
    ],
)
def test_ip_source_groups_ipv6_by_64(address, source):
    assert ip_source(address) == source
