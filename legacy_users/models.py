"""Legacy users, their migration state, and the record of every hook call.

State changes never happen through `save()` on these models: they go through the functions
in `legacy_users.services`, which update with conditions in SQL so concurrent calls cannot
lose an update, and which write the audit rows.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models.functions import Now

from legacy_users.hashing import CheckReason, hash_check_params


class MigrationStatus(models.TextChoices):
    """Where a legacy user is on the way to Okta.

    pending: loaded; Okta has not yet sent us a correct password.
    verified: we answered VERIFIED; Okta should now hold the password.
    confirmed: Okta's `user.import.password` event says it stored the password.
    purged: confirmed, and the legacy hash is deleted.
    Beside the status: the Okta push state, the lock, and the weak-password flag.
    """

    PENDING = "pending", "Pending"
    VERIFIED = "verified", "Verified"
    CONFIRMED = "confirmed", "Confirmed by Okta"
    PURGED = "purged", "Hash purged"


class OktaPushState(models.TextChoices):
    """How the user was created in Okta by `okta_push_users` (empty: not pushed)."""

    NOT_PUSHED = "", "Not pushed"
    HOOK = "hook", "Created with the password hook"
    IMPORTED_HASH = "imported_hash", "Created with the imported hash"
    LINKED = "linked", "Already in Okta from our earlier push: linked"
    CONFLICT = "conflict", "Already in Okta, not created by this portal"
    #: Okta's schema refuses the profile (checked before the push, or Okta's own 400):
    #: not sent again until the profile to send changes.
    REFUSED = "refused", "Profile refused by Okta's schema"
    #: A create was sent and no answer came back: Okta may hold the user. Retried; a login
    #: Okta then reports taken is this portal's own user, linked.
    UNANSWERED_HOOK = "unanswered_hook", "Sent with the hook, no answer yet"
    UNANSWERED_HASH = "unanswered_hash", "Sent with the hash, no answer yet"
    FAILED = "failed", "Push failed"


class LegacyUser(models.Model):
    """One user exported from the legacy store, with the hash we check sign-ins against.

    Every column a loaded row does not set has its default in the database too
    (`db_default`): the loader writes new users with COPY and set-based INSERTs, naming only
    the columns a row sets.
    """

    login = models.CharField(max_length=255, help_text="The login as exported (Okta's username).")
    # Okta matches usernames case-insensitively; so do we, through this normalised copy.
    login_key = models.CharField(max_length=255, unique=True, editable=False)
    email = models.CharField(max_length=254, blank=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    profile = models.JSONField(default=dict, blank=True, help_text="Other exported columns.")

    password_hash = models.TextField(blank=True)
    hash_format = models.CharField(max_length=64, blank=True)
    salt = models.CharField(max_length=255, blank=True, help_text="For formats keeping it apart.")
    hash_params = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=100, blank=True, help_text="The legacy system.")

    status = models.CharField(
        max_length=20,
        choices=MigrationStatus.choices,
        default=MigrationStatus.PENDING,
        db_default=MigrationStatus.PENDING,
    )
    failed_attempts = models.PositiveIntegerField(
        default=0,
        db_default=0,
        help_text="Consecutive wrong passwords since the last correct one.",
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(
        null=True, blank=True, help_text="Sign-ins are refused without checking until then."
    )
    weak_password = models.BooleanField(
        default=False,
        db_default=False,
        help_text="The verified password fails the password validators.",
    )
    weak_password_reason = models.CharField(
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="Which validators it failed (never the password).",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    okta_id = models.CharField(max_length=40, blank=True, default="", db_default="")
    okta_push_state = models.CharField(
        max_length=20,
        choices=OktaPushState.choices,
        blank=True,
        default=OktaPushState.NOT_PUSHED,
        db_default=OktaPushState.NOT_PUSHED,
    )
    okta_pushed_at = models.DateTimeField(null=True, blank=True)
    okta_push_error = models.CharField(max_length=500, blank=True, default="", db_default="")
    #: A digest of the profile Okta's schema refused (REFUSED): the push sends the user
    #: again only once the profile it would send differs.
    okta_refused_profile = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    okta_password_expired_at = models.DateTimeField(null=True, blank=True)
    #: The export row this user was last loaded from, as a keyed digest
    #: (`legacy_users.loading.digests`): a re-load recognises an unchanged row by it and
    #: skips the row's validation. Any write of the loaded values outside the loader
    #: clears it, so the next load validates and rewrites the row.
    load_digest = models.CharField(
        max_length=32, blank=True, default="", db_default="", editable=False
    )

    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["login_key"]
        # The operator role's actions (the viewer role only reads; see migration 0010).
        permissions = [
            ("unlock_legacyuser", "Can unlock legacy users"),
            ("push_legacyuser", "Can push legacy users to Okta"),
            ("purge_legacyuser", "Can purge confirmed users' legacy hashes"),
            ("export_legacyuser", "Can export legacy users (never their hashes)"),
        ]
        indexes = [
            # Each filter of the admin's list, in the list's order (id: load order): a page
            # of a filtered million-user list reads one page of index. (With the login
            # instead of the id, a first load of a million users took twice as long:
            # four more indexes of collated text.)
            models.Index(fields=["status", "id"], name="legacyuser_status_id_idx"),
            models.Index(fields=["hash_format", "id"], name="legacyuser_format_id_idx"),
            models.Index(fields=["source", "id"], name="legacyuser_source_id_idx"),
            models.Index(fields=["email"], name="legacyuser_email_idx"),
            models.Index(fields=["okta_push_state", "id"], name="legacyuser_push_id_idx"),
            models.Index(fields=["okta_id"], name="legacyuser_okta_id_idx"),
            models.Index(
                fields=["locked_until"],
                name="legacyuser_locked_idx",
                condition=models.Q(locked_until__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.login

    #: The fields a password check needs (load only these on hot paths).
    CHECK_FIELDS = (
        "id",
        "login",
        "email",
        "first_name",
        "last_name",
        "password_hash",
        "hash_format",
        "salt",
        "hash_params",
    )

    def hash_check_params(self, *, resolve: bool = True) -> dict[str, Any]:
        """The parameters the user's hash format is checked with (`hash_check_params`);
        without `resolve`, secret parameters stay references (whether Okta can import a
        hash never depends on a secret's value: a secret makes it unimportable)."""
        return hash_check_params(self.login, self.salt, self.hash_params, resolve=resolve)


class AttemptOutcome(models.TextChoices):
    VERIFIED = "VERIFIED", "VERIFIED"
    UNVERIFIED = "UNVERIFIED", "UNVERIFIED"
    ERROR = "ERROR", "503 (Okta retries)"


class AttemptReason(models.TextChoices):
    """Why a hook call was answered the way it was."""

    VERIFIED = CheckReason.VERIFIED.value, "Verified"
    WRONG_PASSWORD = CheckReason.WRONG_PASSWORD.value, "Wrong password"
    UNKNOWN_USER = "unknown_user", "Unknown user"
    UNSUPPORTED_HASH = CheckReason.UNSUPPORTED_HASH.value, "Unsupported hash format"
    MALFORMED_HASH = CheckReason.MALFORMED_HASH.value, "Malformed hash"
    NO_HASH = CheckReason.NO_HASH.value, "No hash on record"
    ERROR = CheckReason.ERROR.value, "Verification error"
    LOCKED = "locked", "User locked"
    THROTTLED_LOGIN = "throttled_login", "Too many failures for this login"
    THROTTLED_IP = "throttled_ip", "Too many failures from this IP"
    PASSWORD_TOO_LONG = "password_too_long", "Password over the length limit"
    OVER_COST = CheckReason.OVER_COST.value, "Hash cost over the ceiling"
    LOCKED_SOURCE = "locked_source", "Locked for this source"
    RETRY = "retry", "Okta's retry of an answered call"
    UNAVAILABLE = "unavailable", "A service the answer needs failed"
    SHED = "shed", "Shed: no verification slot within the budget"
    DEADLINE = "deadline_exceeded", "Over the time budget"


class VerificationAttempt(models.Model):
    """One password import hook call: who asked, what we answered, why. Never a secret."""

    event_id = models.CharField(max_length=255, blank=True, help_text="Okta's eventId.")
    request_id = models.CharField(max_length=255, blank=True, help_text="Okta's request id.")
    login = models.CharField(max_length=255, help_text="The username as typed.")
    #: The login as the hook matched it (normalized): what the admin searches by prefix.
    login_key = models.CharField(max_length=255, blank=True, editable=False)
    user = models.ForeignKey(
        LegacyUser,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verification_attempts",
    )
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    reason = models.CharField(max_length=32, choices=AttemptReason.choices)
    hash_format = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(
        null=True, blank=True, help_text="The end user's IP as Okta saw it."
    )
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "hook call"
        indexes = [
            # The hook's retry lookup (event and user): one index, whatever the statistics
            # say (a bitmap AND with the user index grows with the user's calls).
            models.Index(fields=["event_id", "user"], name="attempt_event_user_idx"),
            models.Index(fields=["created_at"], name="attempt_created_idx"),
            models.Index(
                fields=["login_key"],
                name="attempt_login_key_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["outcome", "reason"], name="attempt_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.login}: {self.outcome} ({self.reason})"


class LoadOutcome(models.TextChoices):
    LOADED = "loaded", "Loaded"
    DRY_RUN = "dry_run", "Dry run (rolled back)"
    REJECTED = "rejected", "Rejected: too many bad rows"
    FAILED = "failed", "Failed"
    INTERRUPTED = "interrupted", "Interrupted"


class LoadRun(models.Model):
    """One run of the loader: what file, with which options, what it found and did."""

    file_name = models.CharField(max_length=500)
    file_size = models.BigIntegerField(default=0, help_text="Bytes read.")
    sha256 = models.CharField(max_length=64, blank=True)
    options = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first bad rows.")
    outcome = models.CharField(max_length=20, choices=LoadOutcome.choices)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "load run"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.outcome}, {self.started_at:%Y-%m-%d %H:%M})"


class OktaRecord(models.TextChoices):
    """Whether Okta's own System Log vouches for an event the event hook delivered.

    An event read from the System Log is Okta's record itself. An event hook delivery is
    only as trusted as its secret, so before it purges anything it is looked up there.
    """

    NOT_NEEDED = "", "Not needed"
    AWAITING = "awaiting", "Awaiting Okta's record"
    FOUND = "found", "Found in Okta's System Log"
    MISSING = "missing", "Not in Okta's System Log"


class EventSource(models.TextChoices):
    """How an Okta event reached the portal."""

    EVENT_HOOK = "event_hook", "Event hook"
    SYSTEM_LOG = "system_log", "System Log"


class EventEffect(models.TextChoices):
    """What one Okta event changed, if anything (`services.okta_events` says who may change
    what). The labels are what the admin and `okta_sync_imports` print."""

    CONFIRMED = "confirmed", "confirmed"
    CONFIRMED_PURGED = "confirmed_purged", "confirmed, legacy hash purged"
    PURGED = "purged", "legacy hash purged"
    ALREADY_CONFIRMED = "already_confirmed", "already confirmed"
    CONFIRMED_UNCHECKED = "confirmed_unchecked", "confirmed (unchecked: never purges)"
    AWAITING = "awaiting", "awaiting Okta's record"
    NOT_IN_SYSTEM_LOG = "not_in_system_log", "refused: not in Okta's System Log"
    IMPORT_UNSUCCESSFUL = "import_unsuccessful", "recorded: Okta's import did not succeed"
    PENDING_USER = "pending_user", "ignored: pending user (never answered VERIFIED)"
    ALREADY_PURGED = "already_purged", "ignored: hash already purged"
    NO_SUCH_USER = "no_such_user", "ignored: no such legacy user"
    NOT_IMPORT_EVENT = "not_import_event", "ignored: not a password import event"
    #: Could not be read; `problem` says why.
    REJECTED = "rejected", "rejected"


class OktaEvent(models.Model):
    """One Okta event received (event hook) or read (System Log), kept once by its uuid."""

    uuid = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=20, blank=True)
    published = models.DateTimeField(null=True, blank=True)
    okta_user_id = models.CharField(max_length=40, blank=True)
    login = models.CharField(max_length=255, blank=True, help_text="The target's alternateId.")
    #: The login as the hook matches logins (normalized): what the admin searches by prefix.
    login_key = models.CharField(max_length=255, blank=True, default="", editable=False)
    user = models.ForeignKey(
        LegacyUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="okta_events"
    )
    via = models.CharField(max_length=20, choices=EventSource.choices)
    effect = models.CharField(
        max_length=24, choices=EventEffect.choices, blank=True, help_text="What it changed."
    )
    #: Why an event was rejected (what could not be read), for the operator.
    problem = models.CharField(max_length=100, blank=True, default="")
    okta_record = models.CharField(
        max_length=10, choices=OktaRecord.choices, blank=True, default=OktaRecord.NOT_NEEDED
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "Okta event"
        indexes = [
            models.Index(fields=["published"], name="oktaevent_published_idx"),
            models.Index(
                fields=["login_key"],
                name="oktaevent_login_key_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["received_at"],
                name="oktaevent_awaiting_idx",
                condition=models.Q(okta_record="awaiting"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.outcome} {self.login}"


class SyncCursor(models.Model):
    """Where a polling job stopped (the System Log's `since`)."""

    name = models.CharField(max_length=50, unique=True)
    value = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class UserTally(models.Model):
    """How many legacy users have each value of the columns the dashboard counts, kept by
    PostgreSQL triggers in the same transaction as every change (migrations 0008, 0024; a
    first load sets the insert trigger aside and counts its users once, in its transaction):
    reading the funnel of a million users is reading a few dozen rows, never the users table.

    Dimensions: `status`, `push` (Okta push state), `format` (hash format), `format_push`
    (`<format>|<push state>`), `weak` (`yes`/`no`), `signed_in` (`yes`/`no`: any hook call
    yet). Each (dimension, value) is spread over shards by database session, so concurrent
    hook calls do not queue on one row; a count is the sum of its shards.
    """

    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=200)
    shard = models.SmallIntegerField(default=0)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "value", "shard"], name="usertally_dimension_value_shard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.value}: {self.n}"


class FailureCounter(models.Model):
    """One of the hook's failure counters (`legacy_users.services.throttling`): failed calls
    under a key until the counter expires. The key names what is counted (a login, a source,
    a login from a source, everyone) and its window, with digests in place of logins and
    addresses. An expired counter counts as zero and starts again at the next failure.

    On PostgreSQL the table is UNLOGGED (migration 0025): counters are written on every
    failure and lost, like a cache's, if the server crashes.
    """

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    #: When the counter stops counting: seconds since the epoch on the hook's clock.
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class HookCallHour(models.Model):
    """Hook calls per hour, outcome, reason, hash format and latency band: the dashboard's
    charts read these rows, never the millions of calls. Rolled up from the calls, minute by
    minute, by `hook_stats.rollup_hook_calls` (exactly once each, in order)."""

    hour = models.DateTimeField()
    outcome = models.CharField(max_length=10)
    reason = models.CharField(max_length=32)
    hash_format = models.CharField(max_length=64, blank=True)
    #: Index into `hook_stats.LATENCY_BANDS_MS`: the call took less than that many ms.
    band = models.SmallIntegerField()
    calls = models.BigIntegerField(default=0)
    total_ms = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "outcome", "reason", "hash_format", "band"],
                name="hookcallhour_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 {self.outcome} {self.reason}: {self.calls}"


class HookCallDay(models.Model):
    """Hook calls per day and outcome, rolled up with `HookCallHour`: the 90-day chart."""

    day = models.DateField()
    outcome = models.CharField(max_length=10)
    calls = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "outcome"], name="hookcallday_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.outcome}: {self.calls}"


class Erasure(models.Model):
    """That one person's data was erased on request (`forget_user`): counts only, never
    who. What the person was is gone with the rows."""

    erased_at = models.DateTimeField()
    users = models.PositiveIntegerField(default=0, help_text="Legacy user rows erased (0 or 1).")
    hook_calls = models.PositiveIntegerField(default=0, help_text="Hook call rows erased.")
    okta_events = models.PositiveIntegerField(default=0, help_text="Okta event rows erased.")
    requested_by = models.CharField(
        max_length=150, blank=True, help_text="The operator who ran it (never the person)."
    )

    class Meta:
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"erasure at {self.erased_at:%Y-%m-%d %H:%M}"


class FormatChoice(models.Model):
    """Which format an ambiguous shape (`django_salted_sha1|werkzeug_hmac`) turned out to be
    for one source's users: found by the hook at the first sign-in that verified, so later
    users of the same source are checked with it alone."""

    source = models.CharField(max_length=100, blank=True)
    choice = models.CharField(max_length=64)
    format_name = models.CharField(max_length=64)
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "choice"], name="formatchoice_source_choice")
        ]

    def __str__(self) -> str:
        return f"{self.source or '(no source)'}: {self.choice} is {self.format_name}"


class OperatorIdentity(models.Model):
    """Who an operator is at the company's identity provider: the issuer and subject of the
    ID tokens they sign in with (never an email, which can be reused)."""

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="operator_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    email = models.CharField(max_length=254, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="operator_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.email or self.subject} ({self.issuer})"


class AdminAction(models.Model):
    """One thing an operator did in the admin (unlock, push, purge, export): who, by their
    identity provider's subject and email, what, and on how many users."""

    at = models.DateTimeField()
    username = models.CharField(max_length=150)
    subject = models.CharField(max_length=255, blank=True, help_text="The provider's `sub`.")
    email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0, help_text="Users it concerned.")
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["action", "at"], name="adminaction_action_at_idx"),
            models.Index(fields=["username", "at"], name="adminaction_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username}: {self.action} ({self.count})"


class PushJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PAUSING = "pausing", "Pausing"
    PAUSED = "paused", "Paused"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PushJob(models.Model):
    """An Okta push run by the worker: who started it, for which users (the selected ones,
    or every pending one), how far it got. One at a time; pausable and resumable (users
    already pushed are skipped, so a resumed job goes on where it stopped)."""

    created_at = models.DateTimeField()
    started_by = models.CharField(max_length=150)
    strategy = models.CharField(max_length=10)
    #: The selected users' ids; null: every pending user not yet in Okta.
    user_ids = models.JSONField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=PushJobStatus.choices, default=PushJobStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    states = models.JSONField(default=dict, blank=True, help_text="Users per push outcome.")
    waited_seconds = models.FloatField(default=0, help_text="Time spent on Okta's rate limits.")
    message = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    #: When the current run began (a resumed job starts a new run) and how far it was then:
    #: the pace the time-left estimate uses, pauses left out.
    run_started_at = models.DateTimeField(null=True, blank=True)
    run_done_from = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"push {self.pk}: {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        """How much of the push is done, in whole percent (100 for an empty push)."""
        return min(100, 100 * self.done // self.total) if self.total else 100

    def time_left(self, now: datetime) -> timedelta | None:
        """How long the rest takes at the current run's pace so far, Okta's rate-limit waits
        included (None: not running, or nothing pushed yet in this run to judge by)."""
        if self.status != PushJobStatus.RUNNING or self.run_started_at is None:
            return None
        pushed = self.done - self.run_done_from
        elapsed = (now - self.run_started_at).total_seconds()
        if pushed <= 0 or elapsed <= 0:
            return None
        return timedelta(seconds=max(0, self.total - self.done) * elapsed / pushed)

    @property
    def scope(self) -> str:
        return "every pending user" if self.user_ids is None else f"{len(self.user_ids)} selected"
