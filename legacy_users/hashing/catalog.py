"""Every hash format the portal verifies, in detection order.

Order matters only among detectable formats whose shapes could overlap; the more specific
shape comes first. Formats without a marker (bare hex digests, DES crypt) are never guessed:
an export declares them in its `hash_format` column or with `--hash-format`.
"""

from __future__ import annotations

from passlib import hash as ph

from legacy_users.hashing.base import HashFormat
from legacy_users.hashing.passlib_formats import PasslibFormat

BCRYPT_MAX_BYTES = 72


def _formats() -> list[HashFormat]:
    P = PasslibFormat  # noqa: N806 - a short local alias keeps the table readable
    return [
        # --- bcrypt family ---
        P(
            "bcrypt",
            ph.bcrypt,
            "bcrypt $2a$/$2b$/$2y$ (PHP password_hash, Laravel, Rails, Spring, Node)",
            okta_algorithm="BCRYPT",
            truncate_bytes=BCRYPT_MAX_BYTES,
        ),
        P("bcrypt_sha256", ph.bcrypt_sha256, "passlib bcrypt over SHA-256 ($bcrypt-sha256$)"),
        # --- argon2 / scrypt ---
        P("argon2", ph.argon2, "Argon2 id/i/d in PHC form ($argon2id$v=19$m=...)"),
        P("scrypt", ph.scrypt, "passlib scrypt ($scrypt$ln=...,r=...,p=...$salt$hash)"),
        # --- PBKDF2 ---
        P("pbkdf2_sha1", ph.pbkdf2_sha1, "passlib PBKDF2-HMAC-SHA1 ($pbkdf2$rounds$salt$hash)"),
        P(
            "pbkdf2_sha256",
            ph.pbkdf2_sha256,
            "passlib PBKDF2-HMAC-SHA256 ($pbkdf2-sha256$rounds$salt$hash)",
            okta_algorithm="PBKDF2",
        ),
        P(
            "pbkdf2_sha512",
            ph.pbkdf2_sha512,
            "passlib PBKDF2-HMAC-SHA512 ($pbkdf2-sha512$rounds$salt$hash)",
            okta_algorithm="PBKDF2",
        ),
        P(
            "atlassian_pbkdf2_sha1",
            ph.atlassian_pbkdf2_sha1,
            "Atlassian Jira/Confluence/Crowd PBKDF2-SHA1 ({PKCS5S2}base64)",
        ),
        P(
            "grub_pbkdf2_sha512",
            ph.grub_pbkdf2_sha512,
            "GRUB 2 PBKDF2-SHA512 (grub.pbkdf2.sha512.rounds.salt.hash)",
        ),
        # --- Django ---
        P(
            "django_pbkdf2_sha256",
            ph.django_pbkdf2_sha256,
            "Django PBKDF2-SHA256 (pbkdf2_sha256$iterations$salt$base64)",
            okta_algorithm="PBKDF2",
        ),
        P("django_pbkdf2_sha1", ph.django_pbkdf2_sha1, "Django PBKDF2-SHA1 (pbkdf2_sha1$...)"),
        P(
            "django_bcrypt_sha256",
            ph.django_bcrypt_sha256,
            "Django bcrypt over SHA-256 (bcrypt_sha256$$2b$...)",
        ),
        P(
            "django_bcrypt",
            ph.django_bcrypt,
            "Django bcrypt (bcrypt$$2b$...)",
            okta_algorithm="BCRYPT",
            truncate_bytes=BCRYPT_MAX_BYTES,
        ),
        P("django_argon2", ph.django_argon2, "Django Argon2 (argon2$argon2id$...)"),
        P(
            "django_salted_sha1",
            ph.django_salted_sha1,
            "Django legacy salted SHA-1 (sha1$salt$hex)",
            okta_algorithm="SHA-1",
        ),
        P(
            "django_salted_md5",
            ph.django_salted_md5,
            "Django legacy salted MD5 (md5$salt$hex)",
            okta_algorithm="MD5",
        ),
        P("django_des_crypt", ph.django_des_crypt, "Django legacy DES crypt (crypt$salt$hash)"),
        # --- crypt(3) ---
        P("sha512_crypt", ph.sha512_crypt, "SHA-512 crypt ($6$), Linux /etc/shadow"),
        P("sha256_crypt", ph.sha256_crypt, "SHA-256 crypt ($5$), Linux /etc/shadow"),
        P("md5_crypt", ph.md5_crypt, "MD5 crypt ($1$), old Linux/BSD, Cisco type 5"),
        P("apr_md5_crypt", ph.apr_md5_crypt, "Apache APR1 MD5 crypt ($apr1$), htpasswd"),
        P("sha1_crypt", ph.sha1_crypt, "NetBSD SHA-1 crypt ($sha1$)"),
        P("sun_md5_crypt", ph.sun_md5_crypt, "Solaris MD5 crypt ($md5$)"),
        P("bsdi_crypt", ph.bsdi_crypt, "BSDi extended DES crypt (_ + 19 chars)"),
        P(
            "des_crypt",
            ph.des_crypt,
            "Traditional DES crypt (13 chars, first 8 password bytes)",
            detectable=False,
        ),
        # --- PHP applications ---
        P("phpass", ph.phpass, "phpass portable hash ($P$ WordPress, $H$ phpBB3)"),
        # --- LDAP (RFC 2307 and friends) ---
        P(
            "ldap_salted_sha1",
            ph.ldap_salted_sha1,
            "LDAP salted SHA-1 ({SSHA}base64)",
            okta_algorithm="SHA-1",
        ),
        P(
            "ldap_salted_sha256",
            ph.ldap_salted_sha256,
            "LDAP salted SHA-256 ({SSHA256}base64)",
            okta_algorithm="SHA-256",
        ),
        P(
            "ldap_salted_sha512",
            ph.ldap_salted_sha512,
            "LDAP salted SHA-512 ({SSHA512}base64)",
            okta_algorithm="SHA-512",
        ),
        P(
            "ldap_salted_md5",
            ph.ldap_salted_md5,
            "LDAP salted MD5 ({SMD5}base64)",
            okta_algorithm="MD5",
        ),
        P("ldap_sha1", ph.ldap_sha1, "LDAP SHA-1 ({SHA}base64)", okta_algorithm="SHA-1"),
        P("ldap_md5", ph.ldap_md5, "LDAP MD5 ({MD5}base64)", okta_algorithm="MD5"),
        P("ldap_hex_sha1", ph.ldap_hex_sha1, "LDAP SHA-1 in hex ({SHA}hex)"),
        P("ldap_hex_md5", ph.ldap_hex_md5, "LDAP MD5 in hex ({MD5}hex)"),
        P("ldap_pbkdf2_sha1", ph.ldap_pbkdf2_sha1, "LDAP PBKDF2-SHA1 ({PBKDF2}rounds$salt$hash)"),
        P(
            "ldap_pbkdf2_sha256",
            ph.ldap_pbkdf2_sha256,
            "LDAP PBKDF2-SHA256 ({PBKDF2-SHA256}...)",
            okta_algorithm="PBKDF2",
        ),
        P(
            "ldap_pbkdf2_sha512",
            ph.ldap_pbkdf2_sha512,
            "LDAP PBKDF2-SHA512 ({PBKDF2-SHA512}...)",
            okta_algorithm="PBKDF2",
        ),
        P(
            "ldap_bcrypt",
            ph.ldap_bcrypt,
            "LDAP {CRYPT} over bcrypt",
            okta_algorithm="BCRYPT",
            truncate_bytes=BCRYPT_MAX_BYTES,
        ),
        P("ldap_sha512_crypt", ph.ldap_sha512_crypt, "LDAP {CRYPT} over SHA-512 crypt"),
        P("ldap_sha256_crypt", ph.ldap_sha256_crypt, "LDAP {CRYPT} over SHA-256 crypt"),
        P("ldap_md5_crypt", ph.ldap_md5_crypt, "LDAP {CRYPT} over MD5 crypt"),
        P("ldap_sha1_crypt", ph.ldap_sha1_crypt, "LDAP {CRYPT} over NetBSD SHA-1 crypt"),
        P("ldap_bsdi_crypt", ph.ldap_bsdi_crypt, "LDAP {CRYPT} over BSDi crypt"),
        P("ldap_des_crypt", ph.ldap_des_crypt, "LDAP {CRYPT} over DES crypt"),
        P("fshp", ph.fshp, "Fairly Secure Hashed Password ({FSHP...})"),
        P("scram", ph.scram, "passlib SCRAM digest set ($scram$)"),
        # --- databases ---
        P("mysql41", ph.mysql41, "MySQL 4.1+ PASSWORD() (*40 hex)"),
        P("mssql2000", ph.mssql2000, "Microsoft SQL Server 2000 (0x0100 + 88 hex)"),
        P("mssql2005", ph.mssql2005, "Microsoft SQL Server 2005 (0x0100 + 48 hex)"),
        P("oracle11", ph.oracle11, "Oracle 11g (S: + 60 hex)"),
        P("mysql323", ph.mysql323, "MySQL 3.23 OLD_PASSWORD() (16 hex)", detectable=False),
        # --- Windows ---
        P("bsd_nthash", ph.bsd_nthash, "FreeBSD NT hash ($3$$hex)"),
        P(
            "nthash",
            ph.nthash,
            "Windows NT hash / NTLM (32 hex, MD4 of UTF-16LE)",
            detectable=False,
        ),
        # --- raw, unsalted digests (declared, never guessed) ---
        P("hex_md5", ph.hex_md5, "Unsalted MD5, hex", detectable=False),
        P("hex_sha1", ph.hex_sha1, "Unsalted SHA-1, hex", detectable=False),
        P("hex_sha256", ph.hex_sha256, "Unsalted SHA-256, hex", detectable=False),
        P("hex_sha512", ph.hex_sha512, "Unsalted SHA-512, hex", detectable=False),
    ]


FORMATS: list[HashFormat] = _formats()
