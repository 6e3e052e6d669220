"""Known-answer vectors for every hash format, each from a public source.

Sources are named per group. "passlib tests" means libpass/passlib's own suite
(passlib/tests/test_handlers*.py), which cites where each vector came from (John the Ripper
1.7.9, Openwall crypt_blowfish, the Argon2 reference tests, Drepper's SHA-crypt spec, Django's
hashers, RFC 5802). "hashcat N" is the example hash of hashcat mode N (src/modules, password
"hashcat"). RFC vectors are put in the layout of the format that uses the primitive.
"""

from dataclasses import dataclass, field

import pytest

from legacy_users.hashing import CheckReason, all_formats, check_password, identify_format

UPASS_TABLE = "t\u00e1\u0411\u2113\u0259"  # passlib tests' unicode password
LETMEIN = "l\xe8tmein"  # Django tests' password
FIREBASE = {  # firebase/scrypt README: the sample project's hash config
    "signer_key": (
        "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA=="
    ),
    "salt_separator": "Bw==",
    "rounds": 8,
    "mem_cost": 14,
}
RFC7914_SCRYPT = (  # RFC 7914 section 12: scrypt("password", "NaCl", N=1024, r=8, p=16)
    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d"
    "9830dac727afb94a83ee6d8360cbdfa2cc0640"
)
RFC7914_PBKDF2 = (  # RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64)
    "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d"
    "77ef317c71b845b1e30bd509112041d3a19783"
)
HMAC_DATA = "what do ya want for nothing?"  # RFC 2104/2202/4231 test case 2, key "Jefe"
SPRING = "spring-security PasswordEncoderFactoriesTests (password 'password')"


@dataclass(frozen=True)
class V:
    fmt: str
    password: str
    encoded: str
    source: str
    params: dict = field(default_factory=dict)
    declared: bool = False

    def __str__(self):
        return f"{self.fmt}:{self.encoded[:24]}"


VECTORS = [
    # --- crypt(3) ---
    V(
        "bcrypt",
        "U*U*U*U*",
        "$2a$05$c92SVSfjeiCD6F2nAD6y0uBpJDjdRkt0EgeC4/31Rf2LUZbDRDE.O",
        "JtR 1.7.9 via passlib tests",
    ),
    V(
        "bcrypt",
        "U*U",
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "Openwall crypt_blowfish via passlib tests",
    ),
    V(
        "bcrypt",
        UPASS_TABLE,
        "$2b$05$Z17AXnnlpzddNUvnC6cZNOSwMA/8oNiKnHTHTwLlBijfucQQlHjaG",
        "passlib tests",
    ),
    V(
        "bcrypt",
        "abc",
        "$2y$10$WvvTPHKwdBJ3uk0Z37EMR.hLA2W6N9AEBhEgrAOljy2Ae5MtaSIUi",
        "py-bcrypt tests via passlib tests, PHP $2y$ ident",
    ),
    V(
        "bcrypt_sha256",
        "password",
        "$bcrypt-sha256$2a,5$5Hg1DKFqPE8C2aflZ5vVoe$12BjNE0p7axMg55.Y/mHsYiVuFBDQyu",
        "passlib tests",
    ),
    V(
        "yescrypt",
        "WA7NERURoVlDegBUVyM1Kk",
        "$y$j9T$Qeof7nTZR1kT1cFwdlZqd0$B5.LdYzAcE8IwmEjeOUR9RwIwpalyyj/oxaiDqnryZ/",
        "a public image-build script that sets root to this password and hash",
    ),
    V(
        "scrypt_crypt",
        "pleaseletmein",
        "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D",
        "scrypt paper / libxcrypt test vector",
    ),
    V(
        "sha256_crypt",
        "Hello world!",
        "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA",
        "Drepper SHA-crypt spec via passlib tests",
    ),
    V(
        "sha512_crypt",
        "Hello world!",
        "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
        "Drepper SHA-crypt spec via passlib tests",
    ),
    V(
        "sha512_crypt",
        "U*U*U*U*",
        "$6$LKO/Ute40T3FNF95$6S/6T2YuOIHY0N3XpLKABJ3soYcXD9mB7uVbtEZDj/LNscVhZoZ9DEH.sBciDrMsHOWOoASbNLTypH/5X26gN0",
        "JtR 1.7.9 via passlib tests",
    ),
    V("md5_crypt", "U*U*U*U*", "$1$dXc3I7Rw$ctlgjDdWJLMT.qwHsWhXR1", "JtR 1.7.9 via passlib tests"),
    V(
        "apr_md5_crypt",
        "myPassword",
        "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/",
        "Apache httpd docs via passlib tests",
    ),
    V(
        "sha1_crypt",
        "password",
        "$sha1$19703$iVdJqfSE$v4qYKl1zqYThwpjJAoKX6UvlHq/a",
        "passlib tests",
    ),
    V(
        "sun_md5_crypt",
        "Gpcs3_adm",
        "$md5$zrdhpMlZ$$wBvMOEqbSjU.hu5T2VEP01",
        "halcyoninc forum via passlib tests",
    ),
    V("bsdi_crypt", "U*U*U*U*", "_J9..CCCCXBrJUJV154M", "JtR 1.7.9 via passlib tests"),
    V("des_crypt", "U*U*U*U*", "CCNf8Sbh3HDfQ", "JtR 1.7.9 via passlib tests", declared=True),
    V(
        "cisco_type8",
        "hashcat",
        "$8$84486783037343$pYNyVrtyMalQrZLxRi7ZLQS1Fl.jkYCgASUi5P8JNb2",
        "hashcat 9200",
    ),
    V(
        "cisco_type9",
        "hashcat",
        "$9$87023684531115$phio0TBQwaO7KZ8toQFyGFyDvyOzidaypRWN0uKX0hU",
        "hashcat 9300",
    ),
    # --- argon2 / scrypt ---
    V(
        "argon2",
        "password",
        "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$IMit9qkFULCMA/ViizL57cnTLOa5DiVM9eMwpAvPwr4",
        "argon2-cffi tests via passlib tests",
    ),
    V(
        "argon2",
        "password",
        "$argon2d$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$cZn5d+rFh+ZfuRhm2iGUGgcrW5YLeM6q7L3vBsdmFA0",
        "argon2-cffi tests via passlib tests",
    ),
    V(
        "argon2",
        "password",
        "$argon2i$m=65536,t=2,p=4$c29tZXNhbHQAAAAAAAAAAA$QWLzI4TY9HkL2ZTLc8g6SinwdhZewYrzz9zxCo0bkGY",
        "argon2-cffi tests (v1.0, no v=) via passlib tests",
    ),
    V(
        "argon2",
        "password",
        "$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E",
        "phc-winner-argon2 test.c via passlib tests",
    ),
    V(
        "scrypt",
        "password",
        "$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWI",
        "RFC 7914 s12 (first 32 bytes) in PHC form",
    ),
    V(
        "django_scrypt",
        "password",
        "scrypt$1024$NaCl$8$16$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA==",
        "RFC 7914 s12 in Django's layout",
    ),
    V(
        "werkzeug_scrypt",
        "password",
        "scrypt:1024:8:16$NaCl$" + RFC7914_SCRYPT,
        "RFC 7914 s12 in Werkzeug's layout",
    ),
    V(
        "firebase_scrypt",
        "user1password",
        "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==",
        "firebase/scrypt README",
        {**FIREBASE, "salt": "42xEC+ixf3L2lw=="},
        True,
    ),
    V(
        "firebase_scrypt",
        "password",
        "V358E8LdWJXAO7muq0CufVpEOXaj8aFiC7T/rcaGieN04q/ZPJ08WhJEHGjj9lz/2TT+/86N5VjVoc5DdBhBiw==",
        "firebase-admin-node integration tests",
        {**FIREBASE, "salt": "TmFDbA=="},
        True,
    ),
    # --- PBKDF2 ---
    V(
        "pbkdf2_sha1",
        "password",
        "$pbkdf2$1212$OB.dtnSEXZK8U5cgxU/GYQ$y5LKPOplRmok7CZp/aqVDVg8zGI",
        "passlib tests",
    ),
    V(
        "pbkdf2_sha256",
        "password",
        "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "passlib tests",
    ),
    V(
        "pbkdf2_sha512",
        "password",
        "$pbkdf2-sha512$1212$RHY0Fr3IDMSVO/RSZyb5ow$eNLfBK.eVozomMr.1gYa17k9B7KIK25NOEshvhrSX.esqY3s.FvWZViXz4KoLlQI.BzY/YTNJOiKc5gBYFYGww",
        "passlib tests",
    ),
    V(
        "django_pbkdf2_sha256",
        "not a password",
        "pbkdf2_sha256$10000$kjVJaVz6qsnJ$5yPHw3rwJGECpUf70daLGhOrQ5+AMxIJdz1c3bqK1Rs=",
        "Django 1.4 via passlib tests",
    ),
    V(
        "django_pbkdf2_sha1",
        "not a password",
        "pbkdf2_sha1$10000$wz5B6WkasRoF$atJmJ1o+XfJxKq1+Nu1f1i57Z5I=",
        "Django 1.4 via passlib tests",
    ),
    V(
        "werkzeug_pbkdf2",
        "passwd",
        "pbkdf2:sha256:1$salt$" + RFC7914_PBKDF2[:64],
        "RFC 7914 s11 in Werkzeug's layout",
    ),
    V(
        "hashcat_pbkdf2",
        "hashcat",
        "sha256:1000:NjI3MDM3:vVfavLQL9ZWjg8BUMq6/FB8FtpkIGWYk",
        "hashcat 10900",
    ),
    V(
        "atlassian_pbkdf2_sha1",
        "admin",
        "{PKCS5S2}c4xaeTQM0lUieMS3V5voiexyX9XhqC2dBd5ecVy60IPksHChwoTAVYFrhsgoq8/p",
        "Jira via passlib tests",
    ),
    V(
        "grub_pbkdf2_sha512",
        "toomanysecrets",
        "grub.pbkdf2.sha512.10000.9B436BB6978682363D5C449BBEAB322676946C632208BC1294D51F47174A9A3B04A7E4785986CD4EA7470FAB8FE9F6BD522D1FC6C51109A8596FB7AD487C4493.0FE5EF169AFFCB67D86E2581B1E251D88C777B98BA2D3256ECC9F765D84956FC5CA5C4B6FD711AA285F0A04DCF4634083F9A20F4B6F339A52FBD6BED618E527B",
        "grub-mkpasswd-pbkdf2 via passlib tests",
    ),
    V(
        "ldap_pbkdf2_sha1",
        "password",
        "{PBKDF2}1212$OB.dtnSEXZK8U5cgxU/GYQ$y5LKPOplRmok7CZp/aqVDVg8zGI",
        "passlib tests",
    ),
    V(
        "ldap_pbkdf2_sha256",
        "password",
        "{PBKDF2-SHA256}1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "passlib tests",
    ),
    V(
        "ldap_pbkdf2_sha512",
        "password",
        "{PBKDF2-SHA512}1212$RHY0Fr3IDMSVO/RSZyb5ow$eNLfBK.eVozomMr.1gYa17k9B7KIK25NOEshvhrSX.esqY3s.FvWZViXz4KoLlQI.BzY/YTNJOiKc5gBYFYGww",
        "passlib tests",
    ),
    V(
        "aspnet_identity_v2",
        "my password",
        "ANXrDknc7fGPpigibZXXZFMX4aoqz44JveK6jQuwY3eH/UyPhvr5xTPeGYEckLxz9A==",
        "aspnetcore PasswordHasherTest",
    ),
    V(
        "aspnet_identity_v3",
        "my password",
        "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUwPZb1Itsmra7cbxw2EFpwpVFIEtP+JIuUEw==",
        "aspnetcore PasswordHasherTest",
    ),
    V(
        "aspnet_identity_v3",
        "my password",
        "AQAAAAIAAAD6AAAAIJbVi5wbMR+htSfFp8fTw8N8GOS/Sje+S/4YZcgBfU7EQuqv4OkVYmc4VJl9AGZzmRTxSkP7LtVi9IWyUxX8IAAfZ8v+ZfhjCcudtC1YERSqE1OEdXLW9VukPuJWBBjLuw==",
        "aspnetcore PasswordHasherTest (SHA-512)",
    ),
    V(
        "keycloak_pbkdf2",
        "passwd",
        "VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLxJypzM8Xm2RZkWZLOdd+8xfHG4RbHjC9UJESBB06GXgw==",
        "RFC 7914 s11 as a Keycloak credential",
        {"salt": "c2FsdA==", "iterations": 1, "algorithm": "pbkdf2-sha256"},
        True,
    ),
    # --- Django, PHP applications ---
    V(
        "django_bcrypt_sha256",
        LETMEIN,
        "bcrypt_sha256$$2a$08$NDjSAIcas.EcoxCRiArvT.MkNiPYVhrsrnJsRkLueZOoV1bsQqlmC",
        "Django 1.6 via passlib tests",
    ),
    V(
        "django_bcrypt",
        "abcdefghijklmnopqrstuvwxyz",
        "bcrypt$$2a$10$fVH8e28OQRj9tqiDXs1e1uxpsjN0c7II7YPKXua2NAKYvM6iQk7dq",
        "passlib tests",
    ),
    V(
        "django_argon2",
        LETMEIN,
        "argon2$argon2i$v=19$m=512,t=2,p=2$V25jN1l4UUJZWkR1$MxpA1BD2Gh7+D79gaAw6sQ",
        "Django 1.10.3 via passlib tests",
    ),
    V(
        "django_salted_sha1",
        "MyPassword",
        "sha1$54123$893cf12e134c3c215f3a76bd50d13f92404a54d3",
        "passlib tests",
    ),
    V(
        "django_salted_md5",
        "password",
        "md5$123abcdef$c8272612932975ee80e8a35995708e80",
        "passlib tests",
    ),
    V(
        "django_unsalted_sha1",
        LETMEIN,
        "sha1$$6d138ca3ae545631b3abd71a4f076ce759c5700b",
        "Django tests/auth_tests/test_hashers.py",
    ),
    V(
        "django_unsalted_md5",
        LETMEIN,
        "md5$$88a434c88cca4e900f7874cd98123f43",
        "Django tests/auth_tests/test_hashers.py",
    ),
    V("django_des_crypt", "password", "crypt$c2$c2M87q...WWcU", "passlib tests"),
    V(
        "phpass",
        "test12345",
        "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0",
        "openwall phpass 0.3 via passlib tests",
    ),
    V("phpass", "test1", "$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00", "JtR 1.7.9 via passlib tests"),
    V(
        "wordpress_bcrypt",
        "admin",
        "$wp$2y$10$Q1xinFjrZeLWJBvxviIL6u834Fu.evIEFHAUVisQ5O.w9Dm0sMdES",
        "WordPress Playground php-wasm demo (pinned admin hash)",
    ),
    V(
        "drupal7",
        "hashcat",
        "$S$C20340258nzjDWpoQthrdNTR02f0pmev0K/5/Nx80WSkOQcPEQRh",
        "hashcat 7900",
    ),
    V(
        "magento2",
        "hashcat",
        "eb368a2dfd38b405f014118c7d9747fcc97f4f0ee75c05963cd9da6ee65ef498:560407001617:1",
        "hashcat 1420 in Magento 2's hash:salt:version",
    ),
    V("magento1", "hashcat", "57ab8499d08c59a7211c77f557bf9425:4247", "hashcat 20", declared=True),
    V(
        "magento1",
        "hashcat",
        "eb368a2dfd38b405f014118c7d9747fcc97f4f0ee75c05963cd9da6ee65ef498:560407001617",
        "hashcat 1420 sha256($salt.$pass), Magento 1.9.3+'s layout",
        declared=True,
    ),
    V(
        "joomla",
        "hashcat",
        "b78f863f2c67410c41e617f724e22f34:89384528665349271307465505333378",
        "hashcat 11",
        declared=True,
    ),
    V(
        "vbulletin",
        "hashcat",
        "28f9975808ae2bdc5847b1cda26033ea:308",
        "hashcat 2611",
        declared=True,
    ),
    V("mybb", "hashcat", "022f7e02b3314f7d0968f73c00ba759f:67588", "hashcat 2811", declared=True),
    V(
        "redmine",
        "hashcat",
        "c18e826af2a78c7b9b7261452613233417e65817",
        "hashcat 4521 (salt in its column)",
        {"salt": "28246535720688452723483475753333"},
        True,
    ),
    V(
        "opencart",
        "hashcat",
        "058c1c3773340c8563421e2b17e60eb7c916787e:827500576",
        "hashcat 13900",
        declared=True,
    ),
    V(
        "smf",
        "hashcat",
        "d27c0a627a45db487af161fcc3a4005d88eb8a1f",
        "hashcat 121 (salt = lower-case username)",
        {"username": "25551135"},
        True,
    ),
    V(
        "mediawiki_b",
        "hashcat",
        ":B:2152187716:8c8b39c3602b194eeeb6cac78eea2742",
        "hashcat 3711 in MediaWiki's :B: layout",
    ),
    V(
        "werkzeug_hmac",
        "correct horse battery staple",
        "sha256$aGGX3b5jJ6qpPXis$ae9bbca18d2af4c71ba16d953a1ff987ad4770ebbc2ab27ef04c0c3eee35d1a0",
        "Werkzeug 2.2.3 generate_password_hash(method='sha256')",
    ),
    V(
        "werkzeug_plain",
        "lètmein",
        "plain$$lètmein",
        "Werkzeug 2.2.3 generate_password_hash(method='plain')",
    ),
    V(
        "mediawiki_pbkdf2",
        "correct horse battery staple",
        ":pbkdf2:sha512:30000:64:fnDQOXsaJT98n+CQngSbNg==:bspPA29hQjcC7YxZEGqmSVzZ06NTzGEyb4sc5BxLnCGFckk3XofFoRo8JSR1dcL7MBSxXBDM7u3bcczQFdTODA==",
        "PHP 8.2 in MediaWiki's :pbkdf2: layout (scripts/fixtures/mediawiki.php)",
    ),
    V(
        "mediawiki_pbkdf2_legacy_b",
        "correct horse battery staple",
        ":pbkdf2-legacyB:!sha512:30000:64!8771c217!NJgp2Va226nGPqfeljVuAw==!vP2PQX4AZo995mFkTNYTvvgKBmNKqDllTvDz73FwNrJMIvkFQTgcochok/atKIR+TPh8CXGnJng4pxZ6246Egw==",
        "PHP 8.2 in MediaWiki's :pbkdf2-legacyB: layout (scripts/fixtures/mediawiki.php)",
    ),
    V(
        "mediawiki_pbkdf2_legacy_a",
        "correct horse battery staple",
        ":pbkdf2-legacyA:!sha512:30000:64!!d5OPisHoZJ1R12pNWWqbGQ==!ZicrVI03yXHfL8trPNveA1IdLSgsH/cKlyveHHygNzr1TERrNvhs+/5QdAmtPvMrMYjo+IZoCs+Vj0G6odBV8g==",
        "PHP 8.2 in MediaWiki's :pbkdf2-legacyA: layout (scripts/fixtures/mediawiki.php)",
    ),
    V(
        "mediawiki_bcrypt",
        "correct horse battery staple",
        ":bcrypt:9$aju8BXwyTtrqyvovWqnewe$WruUWj2fG1ug6wbMqpV0ncNjBAoHetu",
        "PHP 8.2 in MediaWiki's :bcrypt: layout (scripts/fixtures/mediawiki.php)",
    ),
    V(
        "mediawiki_argon2",
        "correct horse battery staple",
        ":argon2:$argon2id$v=19$m=1024,t=2,p=1$SUhyeXVianovTC92RWp1dg$dsswW+GqugKlp4g2bVHEuP31Zb4iaDPF+6blD5XQX1A",
        "PHP 8.2 in MediaWiki's :argon2: layout (scripts/fixtures/mediawiki.php)",
    ),
    V(
        "bcrypt",
        "password",
        "$2$05$PqZbkJ3eVdvzX/GRKw/9LOKtRyHmznIgw.LopaMMIPcOvTpAq26Oq",
        "libpass bcrypt ident '2' (bcrypt's original $2$ variant)",
    ),
    V(
        "perl_pbkdf2",
        "correct horse battery staple",
        "{X-PBKDF2}HMACSHA1:AAAD6A:JDW4zg==:6khGzMOcOxIZdvtRp23NMbx0quQ=",
        "Crypt::PBKDF2 HMACSHA1 encoding=ldap (0.261630)",
    ),
    V(
        "perl_pbkdf2_crypt",
        "correct horse battery staple",
        "$PBKDF2$HMACSHA1:1000:r7jCjQ==$jAtx+lz6PUqmh5hWC2TBQBjVl8E=",
        "Crypt::PBKDF2 HMACSHA1 encoding=crypt (0.261630)",
    ),
    V(
        "gitea_pbkdf2",
        "correct horse battery staple",
        "cc100bab75479088b05ad289fd93d32b00d73ff3acdf64e7f43a3bb3a9b18beddd223e485d2b828b031b00f8a300717288ec",
        "Gitea pbkdf2_v2: Go x/crypto/pbkdf2 (go1.19.8)",
        {"salt": "SRnWZcLxXV"},
        True,
    ),
    V(
        "grafana_pbkdf2",
        "correct horse battery staple",
        "10606917ab6b6751bb9591b4e497b3d71ba7832b2170788a0810f728095c0b51dd470dd0712b4863e5a17a541cdbfe409df8",
        "Grafana: Go x/crypto/pbkdf2 (go1.19.8)",
        {"salt": "mc6QM8neBV"},
        True,
    ),
    V(
        "mediawiki_b_hashcat",
        "hashcat",
        "$B$2152187716$8c8b39c3602b194eeeb6cac78eea2742",
        "hashcat example hash, mode 3711",
    ),
    V(
        "episerver",
        "hashcat",
        "$episerver$*0*bEtiVGhPNlZpcUN4a3ExTg==*utkfN0EOgljbv5FoZ6+AcZD5iLk",
        "hashcat example hash, mode 141",
    ),
    V(
        "episerver",
        "hashcat",
        "$episerver$*1*MDEyMzQ1Njc4OWFiY2RlZg==*lRjiU46qHA7S6ZE7RfKUcYhB85ofArj1j7TrCtu3u6Y",
        "hashcat example hash, mode 1441",
    ),
    V(
        "hashcat_scrypt",
        "hashcat",
        "SCRYPT:1024:1:1:MDIwMzMwNTQwNDQyNQ==:5FW+zWivLxgCWj7qLiQbeC8zaNQ+qdO0NUinvqyFcfo=",
        "hashcat example hash, mode 8900",
    ),
    V(
        "scrypt_kdf",
        "correct horse battery staple",
        "c2NyeXB0AAoAAAAIAAAAAVWBmOnOJArIahSpxjzur1YfpUYMYhFBiBsyR5CkbYg5e8nkBciKF4x9E15N3IimdHovolAZd+8UP8V+HHLaa9vMm1snU/zbB5z3zBkXxrTN",
        "npm scrypt-kdf 4.0.0 (logN 10)",
    ),
    V(
        "mediawiki_a",
        "password",
        ":A:5f4dcc3b5aa765d61d8327deb882cf99",
        "passlib hex_md5 vector in MediaWiki's :A: layout",
    ),
    V(
        "authme_sha256",
        "hashcat",
        "$SHA$7218532375810603$bfede293ecf6539211a7305ea218b9f3f608953130405cda9eaba6fb6250f824",
        "hashcat 20711",
    ),
    # --- LDAP RFC 2307 ---
    V("ldap_salted_sha1", "testing123", "{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr", "passlib tests"),
    V(
        "ldap_salted_sha1",
        "test",
        "{ssha}Pfx6Vf48AT9x3FVv8znbo8WQkEVSipHSWovxXmvNWUvp/d/7",
        "passlib tests (16-byte salt), tag in lower case",
    ),
    V(
        "ldap_salted_sha256",
        "hashcat",
        "{SSHA256}OZiz0cnQ5hgyel3Emh7NCbhBRCQ+HVBwYplQunHYnER7TLuV",
        "hashcat 1411",
    ),
    V(
        "ldap_salted_sha512",
        "hashcat",
        "{SSHA512}Bz8w5q6qEtB1Nnc8b1jfTvTXVTwohWag33oghQGOtLChnkZTw/cuJaHQlLJEI3AWKZGCRyLA6Phujdxo+is7AjA2MDcyNjY1Mg==",
        "hashcat 1711",
    ),
    V("ldap_salted_md5", "testing1234", "{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE=", "passlib tests"),
    V("ldap_sha1", "helloworld", "{SHA}at+xg6SiyUovktq1redipHiJpaE=", "passlib tests"),
    V(
        "ldap_sha256",
        "password",
        "{SHA256}XohImNooBHFR0OVvjcYpJ3NgPQ1qq73WKhHvch0VQtg=",
        "passlib hex_sha256 vector, base64 as RFC 2307 writes it",
    ),
    V(
        "ldap_sha512",
        "password",
        "{sha512}sQnzu7wkTrgkQZF+0G1hi5AI3Qmzvv0bXgc5THBqi7mAsdd4Xll27ASbRt9fEyavWi6m0QP9B8lThf+rDKy8hg==",
        "passlib hex_sha512 vector, base64, tag in lower case",
    ),
    V("ldap_md5", "helloworld", "{MD5}/F4DjTilcDIIVEHn/nAQsA==", "passlib tests"),
    V("ldap_hex_sha1", "sekrit", "{SHA}8d42e738c7adee551324955458b5e2c0b49ee655", "passlib tests"),
    V("ldap_hex_md5", "sekrit", "{MD5}ccbc53f4464604e714f69dd11138d8b5", "passlib tests"),
    V("ldap_crypt", "test", "{CRYPT}$1$ec6XvcoW$ghEtNK2U1MC5l.Dwgi3020", "passlib tests"),
    V("ldap_crypt", "sekrit", "{crypt}nFia0rj2TT59A", "passlib tests (DES), tag in lower case"),
    V(
        "ldap_crypt",
        "U*U",
        "{CRYPT}$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "crypt_blowfish vector under {CRYPT}",
    ),
    V(
        "fshp",
        "test",
        "{FSHP0|0|1}qUqP5cyxm6YcTAhz05Hph5gvu9M=",
        "FSHP reference tests via passlib tests",
    ),
    V(
        "scram",
        "pencil",
        "$scram$4096$QSXCR.Q6sek8bf92$sha-1=HZbuOlKbWl.eR8AfIposuKbhX30",
        "RFC 5802 via passlib tests",
    ),
    # --- Spring Security ---
    V(
        "spring_bcrypt",
        "password",
        "{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG",
        SPRING,
    ),
    V("spring_ldap", "password", "{ldap}{SSHA}igvD9lOiTXm16dmOw0YWRb9OjK2ThZvdQku2EQ==", SPRING),
    V(
        "spring_md4",
        "password",
        "{MD4}{KYp8/QErWyQemYazZQ8UnWWfbGbkYkVC8qMi0duoA84=}152ce09d3261d2b53cac55b2ea4d1c7a",
        SPRING,
    ),
    V(
        "spring_md5",
        "password",
        "{MD5}{aRYR+Yp2xSqtgF+vtjH6jNda6M083iEbP+zCFjLt9IA=}905e382a25eed53e22224223b3581092",
        SPRING,
    ),
    V("spring_noop", "password", "{noop}password", SPRING),
    V(
        "spring_pbkdf2",
        "password",
        "{pbkdf2}5d923b44a6d129f3ddf3e3c8d29412723dcbde72445e8ef6bf3b508fbf17fa4ed4d6b99ca763d8dc",
        SPRING,
    ),
    V(
        "spring_scrypt",
        "password",
        "{scrypt}$e0801$8bWJaSu2IKSn9Z9kM+TPXfOc/9bdYSrN1oD9qfVThWEwdRTnO7re7Ei+fUZRJ68k9lTyuTeUp4of4g24hHnazw==$OAOec05+bXxvuu/1qZ6NUR+xQYvYv7BeL1QxwRpY5Pc=",
        SPRING,
    ),
    V(
        "spring_sha1",
        "password",
        "{SHA-1}{6581QepZz2qd8jVrT2QYPVtK8DuM2n45dVslmc3UTWc=}4f31573948ddbfb8ac9dd80107dfad13fd8f2454",
        SPRING,
    ),
    V(
        "spring_sha256_digest",
        "password",
        "{SHA-256}{UisHp3pFSMqcqrhQsrhR+hspIG0SyMDyDW/XtY+t6nA=}a98efbaf59277bfd1837c33fd4fde67de5bcfd2205bcba0992f6fc32b03a8f88",
        SPRING,
    ),
    V(
        "spring_sha256",
        "password",
        "{sha256}97cde38028ad898ebc02e690819fa220e88c62e0699403e94fff291cfffaf8410849f27605abcbc0",
        SPRING,
    ),
    V(
        "spring_argon2",
        "password",
        "{argon2}$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$IMit9qkFULCMA/ViizL57cnTLOa5DiVM9eMwpAvPwr4",
        "argon2-cffi vector under Spring's {argon2}",
    ),
    # --- databases ---
    V(
        "mysql41",
        "verysecretpassword",
        "*2C905879F74F28F8570989947D06A8429FB943E6",
        "JtR 1.7.9 via passlib tests",
    ),
    V("mysql323", "drew", "697a7de87c5390b2", "JtR 1.7.9 via passlib tests", declared=True),
    V(
        "postgres_md5",
        "mypass",
        "md55fba2ea04fd36069d2574ea71c8efe9d",
        "PostgreSQL 8.1 via passlib tests",
        {"username": "postgres"},
    ),
    V(
        "postgres_md5",
        "testpassword",
        "md5d4fc5129cc2c25465a5370113ae9835f",
        "passlib tests; role from the login",
        {"login": "testuser"},
    ),
    V(
        "postgres_scram_sha256",
        "hashcat",
        "SCRAM-SHA-256$4096:IKfxzJ8Nq4PkLJCfgKcPmA==$iRw3qwTp18uaBnsTOEExbtgWdKeBMbSSnZvqD4sdqLQ=:hPciC1CcnBna3szR8Mf3MVc8t0W7QPbIHoMMrh4zRV0=",
        "hashcat 28600",
    ),
    V(
        "mssql2000",
        "foo",
        "0x0100A607BA7C54A24D17B565C59F1743776A10250F581D482DA8B6D6261460D3F53B279CC6913CE747006A2E3254",
        "JtR 1.7.9 via passlib tests",
    ),
    V(
        "mssql2005",
        "toto",
        "0x01004086CEB6BF932BC4151A1AF1F13CD17301D70816A8886908",
        "JtR 1.7.9 via passlib tests",
    ),
    V(
        "mssql2012",
        "hashcat",
        "0x02003788006711b2e74e7d8cb4be96b1d187c962c5591a02d5a6ae81b3a4a094b26b7877958b26733e45016d929a756ed30d0a5ee65d3ce1970f9b7bf946e705c595f07625b1",
        "hashcat 1731",
    ),
    V(
        "oracle11",
        "abc123",
        "S:5FDAB69F543563582BA57894FE1C1361FB8ED57B903603F2C52ED1B4D642",
        "JtR 1.7.9 via passlib tests",
    ),
    # --- Windows, .NET ---
    V(
        "nthash",
        "OLDPASSWORD",
        "6677b2c394311355b54f25eec5bfacf5",
        "MS-NLMP examples via passlib tests",
        declared=True,
    ),
    V("bsd_nthash", "passphrase", "$3$$7f8fe03093cc84b267b109625f6bbf4b", "passlib tests"),
    V(
        "aspnet_membership_sha1",
        "hashcat",
        "utkfN0EOgljbv5FoZ6+AcZD5iLk",
        "hashcat 141 (EPiServer, ASP.NET Membership SHA-1)",
        {"salt": "bEtiVGhPNlZpcUN4a3ExTg=="},
        True,
    ),
    V(
        "aspnet_membership_sha256",
        "hashcat",
        "lRjiU46qHA7S6ZE7RfKUcYhB85ofArj1j7TrCtu3u6Y",
        "hashcat 1441 (EPiServer, ASP.NET Membership SHA-256)",
        {"salt": "MDEyMzQ1Njc4OWFiY2RlZg=="},
        True,
    ),
    # --- raw digests ---
    V("raw_md5", "password", "5f4dcc3b5aa765d61d8327deb882cf99", "passlib tests", declared=True),
    V("raw_md4", "abc", "a448017aaf21d8525fc10ae87aa6729d", "RFC 1320 A.5", declared=True),
    V(
        "raw_md4",
        "message digest",
        "d9130a8164549fe818874806e1c7014b",
        "RFC 1320 A.5",
        declared=True,
    ),
    V("plaintext", "Tr0ub4dor&3", "Tr0ub4dor&3", "by definition (clear text)", declared=True),
    V(
        "raw_md5",
        "hashcat",
        "3d83c8e717ff0e7ecfe187f088d69954",
        "hashcat 10",
        {"salt": "343141", "salt_position": "suffix"},
        True,
    ),
    V(
        "raw_md5",
        "hashcat",
        "57ab8499d08c59a7211c77f557bf9425",
        "hashcat 20",
        {"salt": "4247", "salt_position": "prefix"},
        True,
    ),
    V(
        "raw_sha1",
        "password",
        "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
        "passlib tests",
        declared=True,
    ),
    V(
        "raw_sha1",
        "helloworld",
        "at+xg6SiyUovktq1redipHiJpaE=",
        "passlib ldap_sha1 vector, bare base64",
        {"encoding": "base64"},
        True,
    ),
    V(
        "raw_sha1",
        "hashcat",
        "848952984db93bdd2d0151d4ecca6ea44fcf49e3",
        "hashcat 110",
        {"salt": "30007548152", "salt_position": "suffix"},
        True,
    ),
    V(
        "raw_sha1",
        "hashcat",
        "a428863972744b16afef28e0087fc094b44bb7b1",
        "hashcat 120",
        {"salt": "465727565", "salt_position": "prefix"},
        True,
    ),
    V(
        "raw_sha256",
        "password",
        "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
        "passlib tests",
        declared=True,
    ),
    V(
        "raw_sha256",
        "hashcat",
        "c73d08de890479518ed60cf670d17faa26a4a71f995c1dcc978165399401a6c4",
        "hashcat 1410",
        {"salt": "53743528", "salt_position": "suffix"},
        True,
    ),
    V(
        "raw_sha256",
        "hashcat",
        "eb368a2dfd38b405f014118c7d9747fcc97f4f0ee75c05963cd9da6ee65ef498",
        "hashcat 1420",
        {"salt": "560407001617", "salt_position": "prefix"},
        True,
    ),
    V(
        "raw_sha512",
        "password",
        "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86",
        "passlib tests",
        declared=True,
    ),
    V(
        "raw_sha512",
        "hashcat",
        "e5c3ede3e49fb86592fb03f471c35ba13e8d89b8ab65142c9a8fdafb635fa2223c24e5558fd9313e8995019dcbec1fb584146b7bb12685c7765fc8c0d51379fd",
        "hashcat 1710",
        {"salt": "6352283260", "salt_position": "suffix"},
        True,
    ),
    V(
        "raw_sha512",
        "hashcat",
        "976b451818634a1e2acba682da3fd6efa72adf8a7a08d7939550c244b237c72c7d42367544e826c0c83fe5c02f97c0373b6b1386cc794bf0d21d2df01bb9c08a",
        "hashcat 1720",
        {"salt": "2613516180127", "salt_position": "prefix"},
        True,
    ),
    V(
        "hmac_md5",
        HMAC_DATA,
        "750c783e6ab0b503eaa86e310a5db738",
        "RFC 2104 test 2",
        {"key": "Jefe"},
        True,
    ),
    V(
        "hmac_sha1",
        HMAC_DATA,
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        "RFC 2202 test 2",
        {"key": "Jefe"},
        True,
    ),
    V(
        "hmac_sha256",
        HMAC_DATA,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "RFC 4231 test 2",
        {"key": "Jefe"},
        True,
    ),
    V(
        "hmac_sha512",
        HMAC_DATA,
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        "RFC 4231 test 2",
        {"key": "Jefe"},
        True,
    ),
    # Dovecot, as `doveadm pw` (dovecot-core 2.3.19.1, Debian 12) writes it; the same tool's
    # outputs for five kinds of password are in tests/fixtures/real_tools/debian.json.
    V(
        "dovecot",
        "correct horse battery staple",
        "{SHA512-CRYPT}$6$pMk5dRo4KsUUj.OI$nIsaO8P/9mS3zXBbe4F5Ypf15KgUZa5ZMGMKqCv4V3wWEZjQ3vqYfKZKox01m4TYxyMIE/Lg3..Y.nnkFTNfX/",
        "doveadm pw -s SHA512-CRYPT (Dovecot 2.3.19.1)",
    ),
    V(
        "dovecot_pbkdf2",
        "correct horse battery staple",
        "$1$OH/xETFwKrHJVbpY$5000$cb367771fab528ab29e3341ae49c88134857af6f",
        "doveadm pw -s PBKDF2 (Dovecot 2.3.19.1), its {PBKDF2} prefix removed",
        declared=True,
    ),
    V(
        "dovecot_scram_sha1",
        "correct horse battery staple",
        "4096,6GKyfyoL7GSztLN2x+q4fA==,BrNj4UulB4e30FMYxmuM2LtDw8E=,UaQrK+D8X8FMVtXBOC2ov13npu4=",
        "doveadm pw -s SCRAM-SHA-1 (Dovecot 2.3.19.1), its prefix removed",
        declared=True,
    ),
    V(
        "dovecot_scram_sha256",
        "correct horse battery staple",
        "4096,lp3EgxN1BLouEgkhXYq1mg==,XGeG2pdtd/ry9/ID26DmemUPUZrSEam/PPQ7UbMYVPA=,1XL7ASnrX3bKg0iQBBVGNyBJffTX5HvO7RT2/5nbD24=",
        "doveadm pw -s SCRAM-SHA-256 (Dovecot 2.3.19.1), its prefix removed",
        declared=True,
    ),
    V(
        "gost_yescrypt",
        "correct horse battery staple",
        "$gy$j9T$AmxqzSC7iWi.A0L9nLb83.$Y3ZcFlVDwUSfPOMHasNqU07w1YuPPJPIYniSJhEnIqA",
        "mkpasswd -m gost-yescrypt (whois 5.5.17, libxcrypt)",
    ),
    V(
        "ldap_argon2",
        "correct horse battery staple",
        "{ARGON2}$argon2i$v=19$m=4096,t=3,p=1$wkLDqZw3ZMTt+2HigUoU6A$zY3rGiQxtQW53loppBdqv3iH1xJYgnoKak2e3uc5fQQ",
        "slappasswd -h {ARGON2} (slapd 2.5.13+dfsg-5)",
    ),
    V(
        "bigcrypt",
        "correct horse battery staple",
        "Dn5zho/3B4GKsCfHbtm4QGpEeY9Vg/jBjn6pCGDbFez4aM",
        "slappasswd -h {CRYPT} (slapd 2.5.13+dfsg-5, libxcrypt), its prefix removed",
        declared=True,
    ),
    V(
        "spring_argon2",
        "alicepass",
        "{argon2@SpringSecurity_v5_8}$argon2id$v=19$m=16384,t=2,p=1$hp9jQvZs8lvWNzB/+zrdnQ$rW8hKbhfb3Ll1UgpvZqcDkb2fAUPWuvZkDo4F+XvNBU",
        "a public Spring app's seed users (DelegatingPasswordEncoder, Spring Security 5.8+ id)",
    ),
    V(
        "django_argon2",
        "secret",
        "argon2$argon2i$m=8,t=1,p=1$c29tZXNhbHQ$gwQOXSNhxiOxPOA0+PY10P9QFO4NAYysnqRt1GSQLE55m+2GYDt9FEjPMHhP2Cuf0nOEXXMocVrsJAtNSsKyfg",
        "Django tests/auth_tests/test_hashers.py: an old hash, no v=, a 64-byte digest",
    ),
    # Spring Security's own Pbkdf2PasswordEncoderTests (new Pbkdf2PasswordEncoder("secret")).
    V(
        "spring_pbkdf2",
        "password",
        "{pbkdf2}ab1146a8458d4ce4e65789e5a3f60e423373cfa10b01abd23739e5ae2fdc37f8e9ede4ae6da65264",
        "Spring Pbkdf2PasswordEncoderTests.passivity (secret 'secret')",
        params={"key": "secret"},
    ),
    V(
        "spring_pbkdf2",
        "password",
        "{pbkdf2}3FOwOMcDgxP+z1x/sv184LFY2WVD+ZGMgYP3LPOSmCcDmk1XPYvcCQ==",
        "Spring Pbkdf2PasswordEncoderTests.matchWhenBase64ThenSuccess (secret 'secret')",
        params={"key": "secret"},
    ),
    V(
        "spring_pbkdf2",
        "password",
        "{pbkdf2}821447f994e2b04c5014e31fa9fca4ae1cc9f2188c4ed53d3ddb5ba7980982b51a0ecebfc0b81a79",
        "Spring Pbkdf2PasswordEncoderTests.matchWhenSha256ThenSuccess (secret 'secret')",
        params={"key": "secret", "algorithm": "sha256"},
    ),
]


@pytest.mark.parametrize("v", VECTORS, ids=str)
def test_known_answer_vector(v):
    detected = identify_format(v.encoded)
    if v.declared:
        assert detected is None or detected.name != v.fmt
    else:
        assert detected is not None and detected.name == v.fmt

    result = check_password(v.password, v.encoded, format_name=v.fmt, params=v.params)

    assert (result.verified, result.reason, result.format_name) == (
        True,
        CheckReason.VERIFIED,
        v.fmt,
    )
    if not v.declared:  # detection alone finds and verifies it too
        assert check_password(v.password, v.encoded, params=v.params).verified


@pytest.mark.parametrize("v", VECTORS, ids=str)
def test_wrong_password_does_not_verify(v):
    # The change goes first: DES crypt only reads 8 characters, bcrypt 72 bytes.
    result = check_password("x" + v.password, v.encoded, format_name=v.fmt, params=v.params)

    assert (result.verified, result.reason) == (False, CheckReason.WRONG_PASSWORD)


@pytest.mark.parametrize(
    ("fmt", "encoded"),
    [
        # passlib tests' "known malformed" strings: a bad character in an otherwise good hash
        ("bcrypt", "$2a$12$EXRkfkdmXn!gzds2SSitu.MW9.gAVqa9eLS1//RYtYCmB1eLHg.9q"),
        ("bcrypt", "$2x$12$EXRkfkdmXnagzds2SSitu.MW9.gAVqa9eLS1//RYtYCmB1eLHg.9q"),
        ("md5_crypt", "$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o!"),
        ("phpass", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r!L0"),
        (
            "sha512_crypt",
            "$6$rounds=011021$KsvQipYPWpr93wWP$v7xjI4X6vyVptJjB1Y02vZC5SaSijBkGmq1uJh"
            "Pr3cvqvvkd42Xvo48yLVPFt8dvhCsnlUgpX.//Cxn91H4qy1",
        ),
        ("ldap_salted_sha1", "{SSHA}not*base64"),
        ("ldap_salted_sha1", "{SSHA}c2hvcnQ="),
        (
            "argon2",
            "$argon2i$v=19$t=2,p=4$c29tZXNhbHQAAAAAAAAAAA$QWLzI4TY9HkL2ZTLc8g6SinwdhZewYrzz9z"
            "xCo0bkGY",
        ),
        (
            "argon2",
            "$argon2i$v=19$m=65536,t=2,p=4,keyid=ABCD$c29tZXNhbHQ$IMit9qkFULCMA/ViizL57cnTLO"
            "a5DiVM9eMwpAvPwr4",
        ),
        ("django_pbkdf2_sha256", "pbkdf2_sha256$notanumber$salt$abc="),
        ("raw_md5", "zzzz"),
        ("drupal7", "$S$C20340258nzjDWpoQthrdNTR02f0pmev0K/5/Nx80WSkOQcPEQR!"),
        ("aspnet_identity_v3", "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUw"),
        ("postgres_scram_sha256", "SCRAM-SHA-256$4096:IKfx$iRw3qwTp18ua:hPciC1CcnBna"),
        ("cisco_type8", "$8$84486783037343$pYNyVrtyMalQrZLxRi7ZLQS1Fl.jkYCgASUi5P8JNb"),
        ("werkzeug_pbkdf2", "pbkdf2:sha256:notanumber$salt$00ff"),
        ("django_scrypt", "scrypt$1000$salt$8$1$AAAA"),
        ("spring_scrypt", "{scrypt}$e0801$not base64!$x"),
        ("yescrypt", "$y$j9T$Qeof7nTZR1kT1cFwdlZqd0$tooshort"),
        ("ldap_salted_sha256", "{SSHA256}OZiz0cnQ5hgyel3Emh7NCbhBRCQ+HVBwYplQunHYnE"),
    ],
)
def test_corrupt_hash_is_malformed_never_an_exception(fmt, encoded):
    result = check_password("password", encoded, format_name=fmt)

    assert not result.verified
    assert result.reason == CheckReason.MALFORMED_HASH


def test_bcrypt_password_over_72_bytes_is_cut_as_bcrypt_always_did():
    # Openwall crypt_blowfish vector: "chars after 72 are ignored" (passlib tests)
    encoded = "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"
    password = (
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "0123456789chars after 72 are ignored"
    )

    assert check_password(password, encoded).verified
    assert check_password(password[:72] + "something else", encoded).verified
    assert not check_password(password[:71], encoded).verified


def test_bcrypt_cuts_bytes_not_characters():
    # 36 two-byte characters are 72 bytes: the 37th character does not count.
    from passlib import hash as ph

    encoded = ph.bcrypt.using(rounds=4).hash("\u00e9" * 36)

    assert check_password("\u00e9" * 36 + "zzz", encoded).verified
    assert not check_password("\u00e9" * 35, encoded).verified


def test_empty_password_never_verifies_even_against_a_hash_of_empty():
    # John the Ripper 1.7.9: bcrypt of the empty password (passlib tests)
    encoded = "$2a$05$Otz9agnajgrAe0.kFVF9V.tzaStZ2s1s4ZWi/LY4sw2k/MTVFj/IO"

    result = check_password("", encoded)

    assert (result.verified, result.reason) == (False, CheckReason.WRONG_PASSWORD)


def test_surrounding_whitespace_is_part_of_the_password():
    # passlib tests: md5_crypt of a single space
    encoded = "$1$m/5ee7ol$bZn0kIBFipq39e.KDXX8I0"

    assert check_password(" ", encoded).verified
    assert not check_password("", encoded).verified
    assert not check_password("  ", encoded).verified


def test_unknown_format_is_unsupported():
    result = check_password("password", "%%definitely-not-a-hash%%")

    assert (result.verified, result.reason) == (False, CheckReason.UNSUPPORTED_HASH)


def test_every_format_has_a_sourced_vector():
    tested = {v.fmt for v in VECTORS}
    assert {fmt.name for fmt in all_formats()} <= tested
    assert all(v.source for v in VECTORS)


def test_formats_name_their_parameters_whole():
    # What `list_hash_formats` and the README print in the parameters column.
    for fmt in all_formats():
        assert isinstance(fmt.params, tuple), fmt.name
        assert all(len(name) > 1 for name in fmt.params), (fmt.name, fmt.params)
    by_name = {fmt.name: fmt for fmt in all_formats()}
    assert by_name["joomla"].params == ("salt",)
    assert by_name["smf"].params == ("username",)


def test_undetectable_formats_are_never_guessed():
    # A bare 32-hex string could be MD5, NTLM, MD4...: only a declaration decides.
    assert identify_format("5f4dcc3b5aa765d61d8327deb882cf99") is None
    assert identify_format("CCNf8Sbh3HDfQ") is None


def test_password_encoding_parameter_reads_latin1_legacy_hashes():
    # A legacy system that hashed latin-1 bytes: md5(b"caf\xe9"), computed by hashlib here.
    import hashlib

    latin1 = hashlib.md5("café".encode("latin-1")).hexdigest()

    assert not check_password("café", latin1, format_name="raw_md5").verified
    assert check_password(
        "café", latin1, format_name="raw_md5", params={"password_encoding": "latin-1"}
    ).verified
    # A password latin-1 cannot write cannot be the stored one.
    assert not check_password(
        "ca€", latin1, format_name="raw_md5", params={"password_encoding": "latin-1"}
    ).verified


def test_password_encoding_reaches_library_formats_too():
    from passlib import hash as ph

    encoded = ph.bcrypt.using(rounds=4).hash("café".encode("latin-1"))

    assert not check_password("café", encoded).verified
    assert check_password("café", encoded, params={"password_encoding": "latin-1"}).verified


def test_salted_raw_digest_needs_its_salt_position():
    result = check_password(
        "hashcat",
        "3d83c8e717ff0e7ecfe187f088d69954",
        format_name="raw_md5",
        params={"salt": "343141"},
    )

    assert result.reason == CheckReason.MALFORMED_HASH
