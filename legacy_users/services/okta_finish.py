"""The end game: expiring weak imported passwords, and closing the migration window for
the users who never signed in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from django.db.models import Count
from django.utils import timezone

from legacy_users.models import LegacyUser, MigrationStatus
from legacy_users.services.export import users_write_csv
from legacy_users.services.migration import user_record_password_expired
from legacy_users.services.okta_hooks import okta_inline_hook_deactivate
from okta_api import OktaClient, OktaError
from okta_api.client import require_client


def _expire_all(
    client: OktaClient | None, users: Iterable[LegacyUser], dry_run: bool
) -> Counter[str]:
    if dry_run:
        count = sum(1 for _ in users)
        return Counter({"would expire": count} if count else {})
    outcome: Counter[str] = Counter()
    okta = require_client(client, "expiring passwords")
    for user in users:
        try:
            okta.expire_password(user.okta_id)
        except OktaError as exc:
            outcome[f"failed: {exc.code or exc.status}"] += 1
            continue
        user_record_password_expired(user_id=user.pk, at=timezone.now())
        outcome["expired"] += 1
    return outcome


def okta_weak_passwords_expire(*, client: OktaClient | None, dry_run: bool = False) -> Counter[str]:
    """Expire the Okta password of confirmed users whose imported password is weak, so they
    choose a new one at their next sign-in (Okta's policy never saw the imported one)."""
    users = (
        LegacyUser.objects.filter(
            weak_password=True,
            status__in=[MigrationStatus.CONFIRMED, MigrationStatus.PURGED],
            okta_password_expired_at__isnull=True,
        )
        .exclude(okta_id="")
        .only("id", "okta_id")
    )
    return _expire_all(client, users.iterator(), dry_run)


#: What the reset campaign's CSV holds for each user who never signed in.
RESET_CAMPAIGN_FIELDS = (
    "login",
    "email",
    "first_name",
    "last_name",
    "okta_id",
    "source",
    "last_attempt_at",
)


@dataclass(slots=True)
class FinishReport:
    never_signed_in: int = 0
    by_push_state: Counter[str] = field(default_factory=Counter)
    exported: int = 0
    expired: Counter[str] = field(default_factory=Counter)
    hook: list[str] = field(default_factory=list)


def okta_migration_finish(
    *,
    client: OktaClient | None,
    cutoff: datetime,
    export_to: TextIO | None = None,
    expire_passwords: bool = False,
    deactivate_hook: bool = False,
) -> FinishReport:
    """The end of the migration window: the users loaded before `cutoff` who never signed in
    (still pending), exported for a reset campaign and/or their Okta passwords expired, and
    the inline hook switched off."""
    report = FinishReport()
    users = LegacyUser.objects.filter(status=MigrationStatus.PENDING, created_at__lt=cutoff)
    report.by_push_state = Counter(
        dict(users.values_list("okta_push_state").annotate(n=Count("id")).order_by())
    )
    report.never_signed_in = report.by_push_state.total()
    if export_to is not None:
        report.exported = users_write_csv(
            out=export_to, users=users.order_by("login_key"), fields=RESET_CAMPAIGN_FIELDS
        )
    if expire_passwords:
        report.expired = _expire_all(
            client, users.exclude(okta_id="").only("id", "okta_id").iterator(), dry_run=False
        )
    if deactivate_hook:
        report.hook = okta_inline_hook_deactivate(
            client=require_client(client, "switching the hook off")
        )
    return report
