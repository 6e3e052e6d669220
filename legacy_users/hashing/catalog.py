"""Every hash format the portal verifies, in detection order.

libpass (passlib) handlers are used wherever one exists and is correct; the other modules
here cover what no maintained library does. Detection tries formats in this order and keeps
the first whose marker matches and whose parser accepts the string, so where two formats
share a marker the stricter one comes first. Formats without a marker (bare hex digests,
`hash:salt` recipes, parameterised KDFs) are never guessed: a row declares them.
"""

from __future__ import annotations

from passlib import hash as ph

from legacy_users.hashing import app_formats as app
from legacy_users.hashing import crypt_formats as crypt
from legacy_users.hashing import digest_formats as dig
from legacy_users.hashing import dovecot_formats as dovecot
from legacy_users.hashing import kdf_formats as kdf
from legacy_users.hashing import spring_formats as spring
from legacy_users.hashing.base import HashFormat
from legacy_users.hashing.passlib_formats import Argon2Format, BsdNtHash
from legacy_users.hashing.passlib_formats import PasslibFormat as P

BCRYPT_MAX_BYTES = 72


def _crypt_family() -> list[HashFormat]:
    """crypt(3) formats: also what LDAP `{CRYPT}` may wrap."""
    return [
        P(
            "bcrypt",
            ph.bcrypt,
            "bcrypt $2a$/$2b$/$2y$ (PHP password_hash, Laravel, Rails, Spring, Node), and the "
            "original $2$",
            truncate_bytes=BCRYPT_MAX_BYTES,
            shape=r"^\$2[aby]?\$(?:0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$",
            family="bcrypt",
            cost_pattern=r"^\$2[aby]?\$(?P<rounds>\d\d)\$",
        ),
        crypt.SystemCrypt(
            "yescrypt",
            r"^\$y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{0,86}\$[./A-Za-z0-9]{43}$",
            "yescrypt $y$ (Debian 11+, Ubuntu 22.04+, Fedora /etc/shadow)",
        ),
        crypt.SystemCrypt(
            "gost_yescrypt",
            r"^\$gy\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{0,86}\$[./A-Za-z0-9]{43}$",
            "GOST R 34.11-2012 yescrypt $gy$ (libxcrypt: Debian mkpasswd, ALT Linux)",
        ),
        crypt.SystemCrypt(
            "scrypt_crypt",
            r"^\$7\$[./A-Za-z0-9]{11}[^$]*\$[./A-Za-z0-9]{43}$",
            "scrypt in crypt(3) form ($7$, libxcrypt / Colin Percival)",
        ),
        P(
            "sha512_crypt",
            ph.sha512_crypt,
            "SHA-512 crypt ($6$), Linux /etc/shadow",
            shape=r"^\$6\$(?:rounds=[1-9]\d{3,8}\$)?[^$:\n]{0,16}\$[./0-9A-Za-z]{86}$",
            family="sha_crypt",
            cost_pattern=r"^\$6\$(?:rounds=(?P<rounds>\d+)\$)?",
        ),
        P(
            "sha256_crypt",
            ph.sha256_crypt,
            "SHA-256 crypt ($5$), Linux /etc/shadow",
            shape=r"^\$5\$(?:rounds=[1-9]\d{3,8}\$)?[^$:\n]{0,16}\$[./0-9A-Za-z]{43}$",
            family="sha_crypt",
            cost_pattern=r"^\$5\$(?:rounds=(?P<rounds>\d+)\$)?",
        ),
        P(
            "md5_crypt",
            ph.md5_crypt,
            "MD5 crypt ($1$), old Linux/BSD, Cisco type 5",
            shape=r"^\$1\$[^$:\n]{0,8}\$[./0-9A-Za-z]{22}$",
        ),
        P("apr_md5_crypt", ph.apr_md5_crypt, "Apache APR1 MD5 crypt ($apr1$), htpasswd"),
        P("sha1_crypt", ph.sha1_crypt, "NetBSD SHA-1 crypt ($sha1$)", family="pbkdf2"),
        P(
            "sun_md5_crypt",
            ph.sun_md5_crypt,
            "Solaris MD5 crypt ($md5$)",
            family="sun_md5_crypt",
        ),
        P(
            "bsdi_crypt",
            ph.bsdi_crypt,
            "BSDi extended DES crypt (_ + 19 chars)",
            family="bsdi_crypt",
        ),
        P(
            "des_crypt",
            ph.des_crypt,
            "Traditional DES crypt (13 chars, first 8 password bytes)",
            detectable=False,
        ),
        P(
            "bigcrypt",
            ph.bigcrypt,
            "bigcrypt: DES crypt over every 8 password bytes (13 + 11n chars; HP-UX, Tru64, "
            "and libxcrypt's {CRYPT} for passwords over 8 bytes, as slappasswd writes)",
            detectable=False,
        ),
    ]


def _ldap_family() -> list[HashFormat]:
    ldap = dig.LdapDigest
    return [
        ldap(
            "ldap_salted_sha1",
            "SSHA",
            "sha1",
            salted=True,
            description="LDAP salted SHA-1 ({SSHA}base64), any tag case, any salt length",
        ),
        ldap(
            "ldap_salted_sha256",
            "SSHA256",
            "sha256",
            salted=True,
            description="LDAP salted SHA-256 ({SSHA256}base64)",
        ),
        ldap(
            "ldap_salted_sha512",
            "SSHA512",
            "sha512",
            salted=True,
            description="LDAP salted SHA-512 ({SSHA512}base64)",
        ),
        ldap(
            "ldap_salted_md5",
            "SMD5",
            "md5",
            salted=True,
            description="LDAP salted MD5 ({SMD5}base64)",
        ),
        ldap(
            "ldap_sha1",
            "SHA",
            "sha1",
            salted=False,
            description="LDAP SHA-1 ({SHA}base64)",
        ),
        ldap(
            "ldap_sha256",
            "SHA256",
            "sha256",
            salted=False,
            description="LDAP SHA-256 ({SHA256}base64)",
        ),
        ldap(
            "ldap_sha512",
            "SHA512",
            "sha512",
            salted=False,
            description="LDAP SHA-512 ({SHA512}base64)",
        ),
        ldap(
            "ldap_md5",
            "MD5",
            "md5",
            salted=False,
            description="LDAP MD5 ({MD5}base64)",
        ),
        P("ldap_hex_sha1", ph.ldap_hex_sha1, "LDAP SHA-1 in hex ({SHA}hex)"),
        P("ldap_hex_md5", ph.ldap_hex_md5, "LDAP MD5 in hex ({MD5}hex)"),
        P(
            "ldap_pbkdf2_sha1",
            ph.ldap_pbkdf2_sha1,
            "LDAP PBKDF2-SHA1 ({PBKDF2}rounds$salt$hash)",
            family="pbkdf2",
        ),
        P(
            "ldap_pbkdf2_sha256",
            ph.ldap_pbkdf2_sha256,
            "LDAP PBKDF2-SHA256 ({PBKDF2-SHA256}...)",
            family="pbkdf2",
        ),
        P(
            "ldap_pbkdf2_sha512",
            ph.ldap_pbkdf2_sha512,
            "LDAP PBKDF2-SHA512 ({PBKDF2-SHA512}...)",
            family="pbkdf2",
        ),
    ]


def _formats() -> list[HashFormat]:
    crypts = _crypt_family()
    by_name = {fmt.name: fmt for fmt in crypts}
    ldaps = _ldap_family()
    ldap_by_name = {fmt.name: fmt for fmt in ldaps}
    argon2 = Argon2Format(
        "argon2",
        ph.argon2,
        "Argon2 id/i/d in PHC form, with or without v=, parameters in any order",
        shape=r"^\$argon2(?:id|i|d)\$(?:v=(?:16|19)\$)?m=\d{1,10},t=\d{1,10},p=\d{1,3}"
        r"\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}$",
        family="argon2",
        cost_pattern=r"^\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=(?P<memory>\d+),t=(?P<rounds>\d+)",
    )
    md = spring.SpringMessageDigest
    return [
        *crypts,
        P(
            "bcrypt_sha256",
            ph.bcrypt_sha256,
            "passlib bcrypt over SHA-256 ($bcrypt-sha256$)",
            family="bcrypt",
        ),
        crypt.WordPressBcrypt(),
        argon2,
        P(
            "scrypt",
            ph.scrypt,
            "scrypt in PHC form ($scrypt$ln=...,r=...,p=...$salt$hash)",
            family="scrypt",
        ),
        # --- PBKDF2 ---
        P(
            "pbkdf2_sha1",
            ph.pbkdf2_sha1,
            "passlib PBKDF2-HMAC-SHA1 ($pbkdf2$rounds$salt$hash)",
            family="pbkdf2",
        ),
        P(
            "pbkdf2_sha256",
            ph.pbkdf2_sha256,
            "PHC/passlib PBKDF2-HMAC-SHA256 ($pbkdf2-sha256$)",
            family="pbkdf2",
        ),
        P(
            "pbkdf2_sha512",
            ph.pbkdf2_sha512,
            "PHC/passlib PBKDF2-HMAC-SHA512 ($pbkdf2-sha512$)",
            family="pbkdf2",
        ),
        P(
            "atlassian_pbkdf2_sha1",
            ph.atlassian_pbkdf2_sha1,
            "Atlassian Jira/Confluence/Crowd/Bitbucket ({PKCS5S2}base64)",
        ),
        P(
            "grub_pbkdf2_sha512",
            ph.grub_pbkdf2_sha512,
            "GRUB 2 PBKDF2-SHA512 (grub.pbkdf2.sha512.rounds.salt.hash)",
            family="pbkdf2",
        ),
        kdf.HashcatPbkdf2(),
        crypt.CiscoType8or9("cisco_type8", "8", "Cisco IOS type 8 ($8$, PBKDF2-SHA256)"),
        crypt.CiscoType8or9("cisco_type9", "9", "Cisco IOS type 9 ($9$, scrypt)"),
        kdf.AspNetIdentity(
            "aspnet_identity_v3",
            1,
            "ASP.NET Core Identity v3 (base64 0x01 blob, PBKDF2-SHA256/512)",
        ),
        kdf.AspNetIdentity(
            "aspnet_identity_v2", 0, "ASP.NET Identity v2 (base64 0x00 blob, PBKDF2-SHA1 1000)"
        ),
        kdf.KeycloakPbkdf2(),
        kdf.FirebaseScrypt(),
        # --- Django, Werkzeug ---
        P(
            "django_pbkdf2_sha256",
            ph.django_pbkdf2_sha256,
            "Django PBKDF2-SHA256 (pbkdf2_sha256$iterations$salt$base64)",
            shape=r"^pbkdf2_sha256\$[1-9]\d{0,8}\$[^$]{1,128}\$[A-Za-z0-9+/]{43}=$",
            family="pbkdf2",
            cost_pattern=r"^pbkdf2_sha256\$(?P<rounds>\d+)\$",
            digest_text="base64",
        ),
        P(
            "django_pbkdf2_sha1",
            ph.django_pbkdf2_sha1,
            "Django PBKDF2-SHA1 (pbkdf2_sha1$...)",
            family="pbkdf2",
        ),
        P(
            "django_bcrypt_sha256",
            ph.django_bcrypt_sha256,
            "Django bcrypt over SHA-256 (bcrypt_sha256$$2b$...)",
            family="bcrypt",
        ),
        P(
            "django_bcrypt",
            ph.django_bcrypt,
            "Django bcrypt (bcrypt$$2b$...)",
            truncate_bytes=BCRYPT_MAX_BYTES,
            family="bcrypt",
        ),
        P(
            "django_argon2",
            ph.django_argon2,
            "Django Argon2 (argon2$argon2id$...)",
            family="argon2",
        ),
        kdf.DjangoScrypt(),
        dig.PrefixedHexDigest(
            "django_unsalted_sha1", "sha1$$", "sha1", "Django unsalted SHA-1 (sha1$$hex)"
        ),
        dig.PrefixedHexDigest(
            "django_unsalted_md5",
            "md5$$",
            "md5",
            "Django unsalted MD5 (md5$$hex; a bare hex digest: raw_md5)",
        ),
        P(
            "django_salted_sha1",
            ph.django_salted_sha1,
            "Django legacy salted SHA-1 (sha1$salt$hex)",
            digest_text="hex",
        ),
        P(
            "django_salted_md5",
            ph.django_salted_md5,
            "Django legacy salted MD5 (md5$salt$hex)",
            digest_text="hex",
        ),
        P("django_des_crypt", ph.django_des_crypt, "Django legacy DES crypt (crypt$salt$hash)"),
        kdf.WerkzeugHash(
            "werkzeug_pbkdf2", "pbkdf2", "Werkzeug/Flask pbkdf2:sha256:iterations$salt$hex"
        ),
        kdf.WerkzeugHash("werkzeug_scrypt", "scrypt", "Werkzeug/Flask scrypt:N:r:p$salt$hex"),
        # After Django's: `sha1$salt$hex` and `md5$salt$hex` are both (AMBIGUOUS below).
        kdf.PerlPbkdf2(
            "perl_pbkdf2",
            "ldap",
            "Perl Crypt::PBKDF2 {X-PBKDF2}HMACSHA2+512:... (Catalyst, Dancer)",
        ),
        kdf.PerlPbkdf2(
            "perl_pbkdf2_crypt", "crypt", "Perl Crypt::PBKDF2 $PBKDF2$HMACSHA1:1000:salt$hash"
        ),
        kdf.HexPbkdf2(
            "gitea_pbkdf2",
            50_000,
            "Gitea PBKDF2-SHA256 hex (salt column; iterations: 10000 "
            "for pbkdf2, 50000 pbkdf2_v2, 320000 pbkdf2_hi)",
        ),
        kdf.HexPbkdf2("grafana_pbkdf2", 10_000, "Grafana PBKDF2-SHA256 hex (salt column)"),
        kdf.WerkzeugLegacy(),
        kdf.WerkzeugPlain(),
        # --- PHP applications ---
        P(
            "phpass",
            ph.phpass,
            "phpass portable hash ($P$ WordPress, $H$ phpBB3)",
            shape=r"^\$[PH]\$[5-9A-S][./0-9A-Za-z]{30}$",
            family="phpass",
            cost_pattern=r"^\$[PH]\$(?P<log2char>.)",
        ),
        crypt.Drupal7(),
        app.Magento2(),
        app.MediaWikiPbkdf2(
            "mediawiki_pbkdf2", "", "MediaWiki 1.24+ :pbkdf2:sha512:30000:64:salt:hash (default)"
        ),
        app.MediaWikiPbkdf2(
            "mediawiki_pbkdf2_legacy_b", "B", "MediaWiki :pbkdf2-legacyB: (old :B: rehashed)"
        ),
        app.MediaWikiPbkdf2(
            "mediawiki_pbkdf2_legacy_a", "A", "MediaWiki :pbkdf2-legacyA: (old :A: rehashed)"
        ),
        app.MediaWikiWrapped(
            "mediawiki_bcrypt", ":bcrypt:", by_name["bcrypt"], "MediaWiki :bcrypt:rounds$salt$hash"
        ),
        app.MediaWikiWrapped(
            "mediawiki_argon2", ":argon2:", argon2, "MediaWiki :argon2:$argon2id$... (1.33+)"
        ),
        app.MediaWikiB(),
        app.MediaWikiBHashcat(),
        app.EpiServer(),
        kdf.HashcatScrypt(),
        kdf.ScryptKdf(),
        dig.PrefixedHexDigest("mediawiki_a", ":A:", "md5", "MediaWiki unsalted :A:hash"),
        app.AuthMe(),
        # --- LDAP ---
        *ldaps,
        crypt.LdapCrypt(crypts),
        P("fshp", ph.fshp, "Fairly Secure Hashed Password ({FSHP...})", family="pbkdf2"),
        P("scram", ph.scram, "passlib SCRAM digest set ($scram$)", family="pbkdf2"),
        # --- Spring Security DelegatingPasswordEncoder ---
        spring.SpringDelegating(
            "spring_bcrypt", "bcrypt", [by_name["bcrypt"]], "Spring Security {bcrypt}"
        ),
        spring.SpringDelegating("spring_argon2", "argon2", [argon2], "Spring Security {argon2}"),
        spring.SpringDelegating(
            "spring_pbkdf2",
            "pbkdf2",
            [spring.SpringPbkdf2()],
            "Spring Security {pbkdf2} (5.x and 5.8+ defaults)",
        ),
        spring.SpringDelegating(
            "spring_scrypt", "scrypt", [spring.SpringScrypt()], "Spring Security {scrypt}"
        ),
        spring.SpringDelegating(
            "spring_sha256",
            "sha256",
            [spring.SpringStandard()],
            "Spring Security {sha256} (StandardPasswordEncoder)",
        ),
        spring.SpringDelegating(
            "spring_md5", "MD5", [md("spring_md5_body", "md5")], "Spring Security {MD5}{salt}hex"
        ),
        spring.SpringDelegating(
            "spring_sha1",
            "SHA-1",
            [md("spring_sha1_body", "sha1")],
            "Spring Security {SHA-1}{salt}hex",
        ),
        spring.SpringDelegating(
            "spring_sha256_digest",
            "SHA-256",
            [md("spring_sha256_body", "sha256")],
            "Spring Security {SHA-256}{salt}hex",
        ),
        spring.SpringDelegating(
            "spring_md4", "MD4", [md("spring_md4_body", "md4")], "Spring Security {MD4}{salt}hex"
        ),
        spring.SpringDelegating(
            "spring_ldap",
            "ldap",
            [ldap_by_name["ldap_salted_sha1"], ldap_by_name["ldap_sha1"]],
            "Spring Security {ldap} (LdapShaPasswordEncoder)",
        ),
        spring.SpringDelegating(
            "spring_noop", "noop", [spring.Plaintext()], "Spring Security {noop} (clear text)"
        ),
        # --- databases ---
        P("mysql41", ph.mysql41, "MySQL 4.1+ PASSWORD() (*40 hex)"),
        P(
            "postgres_md5",
            ph.postgres_md5,
            "PostgreSQL md5 (md5 + hex of md5(password + role); role = username or login)",
            context={"user": ("username", "login")},
        ),
        kdf.PostgresScram(),
        P("mssql2000", ph.mssql2000, "Microsoft SQL Server 2000 (0x0100 + 88 hex)"),
        P("mssql2005", ph.mssql2005, "Microsoft SQL Server 2005 (0x0100 + 48 hex)"),
        dig.Utf16SaltedDigest(
            "mssql2012",
            "sha512",
            "Microsoft SQL Server 2012+ (0x0200 + salt + SHA-512)",
            mssql=True,
        ),
        P("oracle11", ph.oracle11, "Oracle 11g (S: + 60 hex)"),
        P("mysql323", ph.mysql323, "MySQL 3.23 OLD_PASSWORD() (16 hex)", detectable=False),
        # --- Windows, .NET ---
        BsdNtHash(
            "bsd_nthash",
            ph.bsd_nthash,
            "FreeBSD / libxcrypt NT hash ($3$$hex; UTF-16LE or widened UTF-8 bytes)",
        ),
        P(
            "nthash",
            ph.nthash,
            "Windows NT hash / NTLM (32 hex, MD4 of UTF-16LE)",
            detectable=False,
        ),
        dig.Utf16SaltedDigest(
            "aspnet_membership_sha1",
            "sha1",
            "ASP.NET Membership SHA-1 (base64; salt base64 in salt)",
        ),
        dig.Utf16SaltedDigest(
            "aspnet_membership_sha256",
            "sha256",
            "ASP.NET Membership SHA-256 (base64; salt base64 in salt)",
        ),
        # --- application recipes over hex digests (declared) ---
        app.SaltedRecipe("joomla", "Joomla < 2.5.18 md5(password + salt):salt"),
        app.SaltedRecipe(
            "magento1",
            "Magento 1 / osCommerce md5(salt + password):salt, Magento 1.9.3+ sha256 the same way",
        ),
        app.SaltedRecipe("vbulletin", "vBulletin md5(md5(password) + salt)"),
        app.SaltedRecipe("mybb", "MyBB / IPB md5(md5(salt) + md5(password))"),
        app.SaltedRecipe("redmine", "Redmine sha1(salt + sha1(password))"),
        app.SaltedRecipe("opencart", "OpenCart sha1(salt + sha1(salt + sha1(password)))"),
        app.SaltedRecipe(
            "smf", "Simple Machines Forum sha1(lower(username) + password)", salt_from="username"
        ),
        # --- raw digests (declared) ---
        dig.RawDigest("raw_md5", "md5", "MD5, hex or base64, unsalted or salted"),
        dig.RawDigest("raw_sha1", "sha1", "SHA-1, hex or base64, unsalted or salted"),
        dig.RawDigest("raw_sha256", "sha256", "SHA-256, hex or base64, unsalted or salted"),
        dig.RawDigest("raw_sha512", "sha512", "SHA-512, hex or base64, unsalted or salted"),
        dig.RawDigest("raw_md4", "md4", "MD4, hex or base64, unsalted or salted"),
        spring.Plaintext(
            "plaintext", "the password itself, in clear (systems that never hashed it)"
        ),
        dig.HmacDigest("hmac_md5", "md5", "HMAC-MD5 of the password under a key"),
        dig.HmacDigest("hmac_sha1", "sha1", "HMAC-SHA1 of the password under a key"),
        dig.HmacDigest("hmac_sha256", "sha256", "HMAC-SHA256 of the password under a key"),
        dig.HmacDigest("hmac_sha512", "sha512", "HMAC-SHA512 of the password under a key"),
    ]


def _with_dovecot(formats: list[HashFormat]) -> list[HashFormat]:
    """Dovecot's own layouts, then its `{SCHEME}` prefix over every format (last: a scheme
    LDAP shares with the same meaning stays the LDAP format's)."""
    own = [
        dovecot.DovecotPbkdf2(),
        dovecot.DovecotScram("dovecot_scram_sha1", "sha1"),
        dovecot.DovecotScram("dovecot_scram_sha256", "sha256"),
    ]
    known = [*formats, *own]
    by_name = {fmt.name: fmt for fmt in known}
    return [*known, dovecot.dovecot_scheme(by_name), dovecot.openldap_argon2(by_name)]


FORMATS: list[HashFormat] = _with_dovecot(_formats())

#: Formats two systems write in the same shape with different algorithms: a hash of one of
#: these shapes is recorded as the choice `a|b` (unless declared), and the hook tries each.
AMBIGUOUS: list[tuple[str, ...]] = [
    # Django: sha1(salt + password). Werkzeug < 2.3: HMAC-SHA1(salt, password).
    ("django_salted_sha1", "werkzeug_hmac"),
    ("django_salted_md5", "werkzeug_hmac"),
]
