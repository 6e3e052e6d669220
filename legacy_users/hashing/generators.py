"""Which real tools' hashes each format is tested against: what the format table
(`list_hash_formats`, docs/formats.md) shows in its "tested against" column.

A claim here is held to the tests: `tests/test_real_generators.py` classifies every hash
the generators wrote (fixtures from Debian's tools, npm packages, PHP and old PyPI releases, made by
`scripts/fixtures/`; Django, libpass and argon2-cffi called in the test) and fails unless
this table names exactly the generators whose hashes verify as each format.
"""

TESTED_WITH: dict[str, tuple[str, ...]] = {
    "apr_md5_crypt": ("htpasswd", "openssl passwd"),
    "argon2": ("argon2-cffi", "libpass", "npm argon2"),
    "bcrypt": ("htpasswd", "libpass", "mkpasswd", "npm bcryptjs"),
    "bsd_nthash": ("mkpasswd",),
    "bsdi_crypt": ("mkpasswd",),
    "des_crypt": ("mkpasswd",),
    "django_argon2": ("Django",),
    "django_bcrypt_sha256": ("Django",),
    "django_pbkdf2_sha1": ("Django",),
    "django_pbkdf2_sha256": ("Django",),
    "django_salted_md5": ("Django",),
    "django_scrypt": ("Django",),
    "dovecot": ("doveadm pw",),
    "fshp": ("libpass",),
    "gitea_pbkdf2": ("Go x/crypto/pbkdf2",),
    "gost_yescrypt": ("mkpasswd",),
    "grafana_pbkdf2": ("Go x/crypto/pbkdf2",),
    "ldap_argon2": ("slappasswd",),
    "ldap_crypt": ("doveadm pw", "slappasswd"),
    "ldap_md5": ("slappasswd",),
    "ldap_salted_md5": ("doveadm pw", "slappasswd"),
    "ldap_salted_sha1": ("doveadm pw", "libpass", "slappasswd"),
    "ldap_salted_sha256": ("doveadm pw", "libpass"),
    "ldap_salted_sha512": ("doveadm pw",),
    "ldap_sha1": ("htpasswd", "slappasswd"),
    "ldap_sha256": ("doveadm pw",),
    "ldap_sha512": ("doveadm pw",),
    "md5_crypt": ("libpass", "mkpasswd", "openssl passwd"),
    "mediawiki_argon2": ("PHP 8.2 (MediaWiki layouts)",),
    "mediawiki_bcrypt": ("PHP 8.2 (MediaWiki layouts)",),
    "mediawiki_pbkdf2": ("PHP 8.2 (MediaWiki layouts)",),
    "mediawiki_pbkdf2_legacy_a": ("PHP 8.2 (MediaWiki layouts)",),
    "mediawiki_pbkdf2_legacy_b": ("PHP 8.2 (MediaWiki layouts)",),
    "pbkdf2_sha256": ("libpass",),
    "perl_pbkdf2": ("Perl Crypt::PBKDF2",),
    "perl_pbkdf2_crypt": ("Perl Crypt::PBKDF2",),
    "phpass": ("libpass",),
    "postgres_scram_sha256": ("PostgreSQL",),
    "scrypt_crypt": ("mkpasswd",),
    "scrypt_kdf": ("npm scrypt-kdf",),
    "sha256_crypt": ("htpasswd", "libpass", "mkpasswd", "openssl passwd"),
    "sha512_crypt": ("htpasswd", "libpass", "mkpasswd", "openssl passwd"),
    "sun_md5_crypt": ("mkpasswd",),
    "werkzeug_hmac": ("Werkzeug 2.2",),
    "werkzeug_plain": ("Werkzeug 2.2",),
    "wordpress_bcrypt": ("PHP 8.2 (WordPress 6.8)",),
    "yescrypt": ("mkpasswd",),
}
