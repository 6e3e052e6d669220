"""End users' IP addresses, as Okta reports them: checked, written one way, grouped into the
source a throttle counts.

Every hook call carries one, so the common case (a dotted-quad IPv4 address already written
the one way) is recognised by a pattern; anything else goes through `ipaddress`.
"""

from __future__ import annotations

import functools
import ipaddress
import re

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"  # ASCII digits only
#: An IPv4 address as `ipaddress` writes it: four decimal octets, no leading zeros.
_PLAIN_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
#: The part of an IPv6 address that names one subscriber (rotating inside it is one source).
IPV6_PREFIX = 64


@functools.lru_cache(maxsize=65536)  # the same end users' addresses come again and again
def canonical_ip(value: str) -> str | None:
    """`value` written the one way when it is an IP address, else None."""
    value = value.strip()
    if _PLAIN_IPV4.fullmatch(value):
        return value
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


@functools.lru_cache(maxsize=65536)
def ip_source(ip_address: str | None) -> str:
    """The source an end-user address counts as: IPv4 itself, IPv6 its /64, or ""."""
    if not ip_address:
        return ""
    if _PLAIN_IPV4.fullmatch(ip_address):
        return ip_address
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
