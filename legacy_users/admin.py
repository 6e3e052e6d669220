"""The operators' home: who has migrated, who has not, and every hook call."""

import json
from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from legacy_users.admin_lists import (
    DistinctValuesFilter,
    EstimatingPaginator,
    RecentFilter,
    indexed_search,
)
from legacy_users.app_settings import app_settings
from legacy_users.hashing.okta_import import okta_hash_credential
from legacy_users.models import (
    AdminAction,
    Erasure,
    LegacyUser,
    LoadRun,
    MigrationStatus,
    OktaEvent,
    OktaPushState,
    PushJob,
    VerificationAttempt,
)
from legacy_users.okta_org import okta_client
from legacy_users.services.admin_actions import admin_action_record
from legacy_users.services.export import BASE_FIELDS, stream_csv
from legacy_users.services.migration import user_unlock, users_purge_hashes
from legacy_users.services.okta_push import PushStrategy, okta_users_push
from legacy_users.services.push_jobs import (
    PushJobRefused,
    push_job_left,
    push_job_pause,
    push_job_resume,
    push_job_start,
)
from legacy_users.services.user_counts import user_counts
from okta_api import OktaError

SECRET_FIELDS = ("password_hash", "salt", "hash_params")
#: Never filtered on by URL: an export's extra columns may hold secrets (a second hash, a
#: TOTP seed), and a filter is an oracle on them.
UNFILTERABLE = (*SECRET_FIELDS, "profile")
SHORT_PUSH_STATES = {
    OktaPushState.NOT_PUSHED: "-",
    OktaPushState.HOOK: "hook",
    OktaPushState.IMPORTED_HASH: "hash imported",
    OktaPushState.LINKED: "linked",
    OktaPushState.CONFLICT: "conflict",
    OktaPushState.REFUSED: "profile refused",
    OktaPushState.UNANSWERED_HOOK: "no answer",
    OktaPushState.UNANSWERED_HASH: "no answer",
    OktaPushState.FAILED: "failed",
}
#: An admin push runs within the request: a selection, not the whole migration.
PUSH_SELECTION_MAX = 1000
TIMELINE_LENGTH = 50


class ReadOnlyAdmin(admin.ModelAdmin[Model]):
    """Records of what happened: listed and read, never added, edited or deleted by hand."""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class LockedFilter(admin.SimpleListFilter):
    title = "locked"
    parameter_name = "locked"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[LegacyUser]
    ) -> tuple[tuple[str, str], ...]:
        return (("yes", "Locked now"), ("no", "Not locked"))

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[LegacyUser]
    ) -> QuerySet[LegacyUser]:
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(locked_until__gt=now)
        if self.value() == "no":
            return queryset.exclude(locked_until__gt=now)
        return queryset


class FormatFilter(DistinctValuesFilter):
    title = "hash format"
    parameter_name = "hash_format"
    field_name = "hash_format"


class SourceFilter(DistinctValuesFilter):
    title = "source"
    parameter_name = "source"
    field_name = "source"


@admin.register(LegacyUser)
class LegacyUserAdmin(admin.ModelAdmin[LegacyUser]):
    # Fits a 1366 px screen; the rest is on the user's page.
    list_display = (
        "login_name",
        "status",
        "hash_format",
        "okta",
        "failed_attempts",
        "locked",
        "last_attempt",
    )
    list_filter = (
        "status",
        "okta_push_state",
        LockedFilter,
        "weak_password",
        FormatFilter,
        SourceFilter,
    )
    actions = ("unlock_users", "push_users", "push_users_in_background", "purge_hashes")
    # Searched by `get_search_results`: login prefix or exact email, on indexes.
    search_fields = ("login_key",)
    search_help_text = "A login, or its beginning; or an exact email."
    # Load order only: every filter has an index in that order, so a page of a million
    # users reads a page of index.
    ordering = ("id",)
    sortable_by = ()
    show_full_result_count = False
    paginator = EstimatingPaginator
    list_per_page = 100
    readonly_fields = (
        "login",
        "profile_allowed",
        "hash_summary",
        "hash_format",
        "okta_importable",
        "status",
        "failed_attempts",
        "locked_until",
        "weak_password",
        "weak_password_reason",
        "last_attempt_at",
        "verified_at",
        "confirmed_at",
        "purged_at",
        "okta_id",
        "okta_push_state",
        "okta_pushed_at",
        "okta_push_error",
        "okta_password_expired_at",
        "timeline",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("login", "email", "first_name", "last_name", "source")}),
        ("Legacy password", {"fields": ("hash_format", "okta_importable", "hash_summary")}),
        (
            "Migration",
            {
                "fields": (
                    "status",
                    "failed_attempts",
                    "locked_until",
                    "last_attempt_at",
                    "verified_at",
                    "weak_password",
                    "weak_password_reason",
                )
            },
        ),
        (
            "Okta",
            {
                "fields": (
                    "okta_id",
                    "okta_push_state",
                    "okta_pushed_at",
                    "okta_push_error",
                    "confirmed_at",
                    "purged_at",
                    "okta_password_expired_at",
                )
            },
        ),
        ("Timeline", {"fields": ("timeline",)}),
        ("Profile", {"fields": ("profile",), "classes": ("collapse",)}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[LegacyUser], search_term: str
    ) -> tuple[QuerySet[LegacyUser], bool]:
        return indexed_search(queryset, search_term, exact=("email",)), False

    @admin.display(description="Login")
    def login_name(self, obj: LegacyUser) -> str:
        return obj.login

    @admin.display(description="Okta")
    def okta(self, obj: LegacyUser) -> str:
        """The push state, short (the full label is a filter's and the user page's)."""
        return SHORT_PUSH_STATES[OktaPushState(obj.okta_push_state)]

    @admin.display(description="Last attempt")
    def last_attempt(self, obj: LegacyUser) -> str:
        when = obj.last_attempt_at
        return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "-"

    def save_model(self, request: HttpRequest, obj: LegacyUser, form: Any, change: bool) -> None:
        # Edited here, the user no longer holds what its export row says: the next load of
        # that row validates and applies it again (`load_digest`).
        if change and form.changed_data:
            obj.load_digest = ""
        super().save_model(request, obj, form, change)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # Filtering by URL on a secret column would turn the list into a hash oracle.
        if lookup.split("__")[0] in UNFILTERABLE:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fieldsets(self, request: HttpRequest, obj: LegacyUser | None = None) -> Any:
        # Only superusers see the whole profile; everyone else the allow-listed attributes.
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": tuple(
                        "profile_allowed" if f == "profile" else f for f in options["fields"]
                    ),
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="Profile")
    def profile_allowed(self, obj: LegacyUser) -> str:
        profile = obj.profile if isinstance(obj.profile, dict) else {}
        allowed = set(app_settings().admin_profile_attributes)
        shown = {k: v for k, v in profile.items() if k in allowed}
        text = json.dumps(shown, ensure_ascii=False, sort_keys=True) if shown else "-"
        hidden = len(profile) - len(shown)
        if hidden:
            text += f" ({hidden} more not shown: only ADMIN_PROFILE_ATTRIBUTES are)"
        return text

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Users arrive through the loader, which validates hashes; not by hand.
        return False

    @admin.display(description="Hash")
    def hash_summary(self, obj: LegacyUser) -> str:
        # The format and the length only: even a few characters of an unsalted digest
        # narrow a dictionary attack, and a salt or cost parameter is no operator's business.
        if not obj.password_hash:
            return "(none)"
        return f"{obj.hash_format or 'unknown format'}, {len(obj.password_hash)} characters"

    @admin.display(description="Hook calls and Okta events (latest first)")
    def timeline(self, obj: LegacyUser) -> str:
        calls = [
            (a.created_at, "hook call", f"{a.outcome} ({a.reason})", a.ip_address or "")
            for a in obj.verification_attempts.order_by("-id")[:TIMELINE_LENGTH]
        ]
        events = [
            (e.published or e.received_at, f"Okta {e.event_type}", e.outcome, _what_it_did(e))
            for e in obj.okta_events.order_by("-id")[:TIMELINE_LENGTH]
        ]
        rows = sorted(calls + events, key=lambda row: row[0], reverse=True)[:TIMELINE_LENGTH]
        if not rows:
            return "(nothing yet)"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{when:%Y-%m-%d %H:%M:%S}", what, outcome, detail)
                for when, what, outcome, detail in rows
            ),
        )
        return format_html("<table>{}</table>", body)

    @admin.display(description="Locked", boolean=True)
    def locked(self, obj: LegacyUser) -> bool:
        return bool(obj.locked_until and obj.locked_until > timezone.now())

    # --- the operator's actions: each checks its own permission (migration 0011's groups) ---

    def _can(self, request: HttpRequest, action: str) -> bool:
        return bool(request.user.has_perm(f"legacy_users.{action}_legacyuser"))

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return self._can(request, "unlock")

    def has_push_permission(self, request: HttpRequest) -> bool:
        return self._can(request, "push")

    def has_purge_permission(self, request: HttpRequest) -> bool:
        return self._can(request, "purge")

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self._can(request, "export")

    @admin.action(
        description="Push the selected users to Okta (password hook)", permissions=["push"]
    )
    def push_users(self, request: HttpRequest, queryset: QuerySet[LegacyUser]) -> None:
        if len(queryset[: PUSH_SELECTION_MAX + 1]) > PUSH_SELECTION_MAX:
            self.message_user(
                request,
                f"Push at most {PUSH_SELECTION_MAX} users at a time here; push the "
                f"rest with `manage.py okta_push_users`.",
                messages.ERROR,
            )
            return
        if not app_settings().okta_api_configured:
            self.message_user(request, "The Okta API is not configured.", messages.ERROR)
            return
        try:
            with okta_client() as client:
                report = okta_users_push(client=client, among=queryset)
        except OktaError as exc:  # the org's schema could not be read: nothing was sent
            self.message_user(request, f"Nothing pushed: {exc}", messages.ERROR)
            return
        states = ", ".join(f"{state}: {n}" for state, n in report.states.items() if n)
        pushed = sum(report.states.values())
        admin_action_record(user=request.user, action="push", count=pushed, detail=states)
        self.message_user(
            request,
            f"Pushed {pushed} of the selected users ({states or 'none was pending'}).",
            messages.WARNING if report.errors else messages.SUCCESS,
        )
        for login, error in report.errors[:10]:
            self.message_user(request, f"{login}: {error}", messages.ERROR)

    @admin.action(
        description="Push the selected users to Okta in the background (the worker)",
        permissions=["push"],
    )
    def push_users_in_background(
        self, request: HttpRequest, queryset: QuerySet[LegacyUser]
    ) -> None:
        _start_push_job(self, request, list(queryset.values_list("pk", flat=True)))

    @admin.action(
        description="Purge the legacy hashes of the selected confirmed users", permissions=["purge"]
    )
    def purge_hashes(self, request: HttpRequest, queryset: QuerySet[LegacyUser]) -> None:
        now = timezone.now()
        purged = sum(
            users_purge_hashes(at=now, user_id=pk)
            for pk in queryset.filter(status=MigrationStatus.CONFIRMED).values_list("pk", flat=True)
        )
        admin_action_record(user=request.user, action="purge", count=purged)
        self.message_user(
            request,
            f"Purged the legacy hash of {purged} confirmed user{'s' if purged != 1 else ''}; "
            "users not confirmed by Okta keep theirs.",
            messages.SUCCESS if purged else messages.INFO,
        )

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_view),
            name="legacy_users_legacyuser_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request: HttpRequest) -> StreamingHttpResponse:
        """The list's current users (its filters and search) as CSV, streamed; no hashes."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        users = self.get_changelist_instance(request).get_queryset(request)
        lines = stream_csv(users.order_by("login_key"), BASE_FIELDS)
        query = request.GET.urlencode()[:400]

        def recorded() -> Iterator[str]:
            # Who exported, and how many users: known once the last line is out.
            count = -1  # the header line
            try:
                for line in lines:
                    count += 1
                    yield line
            finally:
                admin_action_record(
                    user=request.user, action="export", count=max(count, 0), detail=query
                )

        response = StreamingHttpResponse(recorded(), content_type="text/csv")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="legacy-users-{stamp}.csv"'
        return response

    @admin.action(description="Unlock the selected users", permissions=["unlock"])
    def unlock_users(self, request: HttpRequest, queryset: QuerySet[LegacyUser]) -> None:
        now = timezone.now()
        unlocked = [
            user for user in queryset.only("id", "login") if user_unlock(user_id=user.pk, at=now)
        ]
        admin_action_record(
            user=request.user,
            action="unlock",
            count=len(unlocked),
            detail=", ".join(user.login for user in unlocked[:20]),
        )
        for user in unlocked:
            self.message_user(request, f"Unlocked {user.login}.", messages.SUCCESS)
        if not unlocked:
            self.message_user(request, "None of the selected users was locked.", messages.INFO)

    @admin.display(description="Okta can import", boolean=True)
    def okta_importable(self, obj: LegacyUser) -> bool:
        """Whether Okta can take this very hash (its import payload builds), as the push and
        `audit_hashes` decide: not every hash of an importable format is (unsalted, too few
        PBKDF2 rounds)."""
        return (
            okta_hash_credential(
                obj.hash_format, obj.password_hash, obj.hash_check_params(resolve=False)
            )
            is not None
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        counts = user_counts()["status"]  # the tally: no count of a million users
        total = sum(counts.values())
        progress = [
            {
                "status": status,
                "label": label,
                "count": counts.get(status, 0),
                "percent": round(100 * counts.get(status, 0) / total, 1) if total else 0,
            }
            for status, label in MigrationStatus.choices
        ]
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
            "progress": progress,
            "total_users": total,
        }
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(VerificationAttempt)
class VerificationAttemptAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "login", "outcome", "reason", "hash_format", "duration_ms")
    list_filter = (RecentFilter, "outcome", "reason")
    # Searched by `get_search_results`: login prefix, or an exact Okta eventId.
    search_fields = ("login_key",)
    search_help_text = "A login, or its beginning; or an exact Okta eventId."
    sortable_by = ()
    show_full_result_count = False
    paginator = EstimatingPaginator

    def get_search_results(
        self,
        request: HttpRequest,
        queryset: QuerySet[VerificationAttempt],
        search_term: str,
    ) -> tuple[QuerySet[VerificationAttempt], bool]:
        return indexed_search(queryset, search_term, exact=("event_id",)), False


def _start_push_job(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, user_ids: list[int] | None
) -> None:
    """Queue an Okta push for the worker, and say so (or why not)."""
    if not app_settings().worker_available:
        model_admin.message_user(
            request, "Background pushes need the worker, which runs on PostgreSQL.", messages.ERROR
        )
        return
    if not app_settings().okta_api_configured:
        model_admin.message_user(request, "The Okta API is not configured.", messages.ERROR)
        return
    try:
        job = push_job_start(
            started_by=request.user.get_username(), strategy=PushStrategy.HOOK, user_ids=user_ids
        )
    except PushJobRefused as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
        return
    admin_action_record(
        user=request.user, action="push job", count=job.total, detail=f"job {job.pk}, {job.scope}"
    )
    model_admin.message_user(
        request,
        f"Push {job.pk} queued for {job.total} users ({job.scope}); its progress shows under "
        "Push jobs and on the dashboard.",
        messages.SUCCESS,
    )


@admin.register(PushJob)
class PushJobAdmin(ReadOnlyAdmin):
    """Okta pushes the worker runs: progress, waits, failures; pause and resume."""

    list_display = (
        "pk",
        "created_at",
        "started_by",
        "scope",
        "status",
        "progress",
        "waited_seconds",
        "message",
    )
    actions = ("pause", "resume")

    @admin.display(description="Progress")
    def progress(self, obj: PushJob) -> str:
        states = ", ".join(f"{state or 'not pushed'}: {n}" for state, n in obj.states.items())
        return (
            f"{obj.percent}%: {obj.done:,} of {obj.total:,}"
            + (f" ({states})" if states else "")
            + push_job_left(obj, timezone.now())
        )

    def has_push_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("legacy_users.push_legacyuser"))

    def get_urls(self) -> list[URLPattern]:
        start = path(
            "push-all/",
            self.admin_site.admin_view(self.push_all_view),
            name="legacy_users_pushjob_push_all",
        )
        return [start, *super().get_urls()]

    def push_all_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """POST: queue a push of every pending user not yet in Okta."""
        if request.method != "POST" or not self.has_push_permission(request):
            raise PermissionDenied
        _start_push_job(self, request, None)
        return HttpResponseRedirect(reverse("admin:legacy_users_pushjob_changelist"))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "can_push": self.has_push_permission(request)}
        return super().changelist_view(request, extra_context=context)

    @admin.action(description="Pause the selected pushes", permissions=["push"])
    def pause(self, request: HttpRequest, queryset: QuerySet[PushJob]) -> None:
        for job in queryset:
            try:
                push_job_pause(job_id=job.pk)
            except PushJobRefused as exc:
                self.message_user(request, f"Push {job.pk}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Push {job.pk} stops after its current batch.")

    @admin.action(description="Resume the selected pushes", permissions=["push"])
    def resume(self, request: HttpRequest, queryset: QuerySet[PushJob]) -> None:
        for job in queryset:
            try:
                push_job_resume(job_id=job.pk)
            except PushJobRefused as exc:
                self.message_user(request, f"Push {job.pk}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Push {job.pk} queued again.")


@admin.register(AdminAction)
class AdminActionAdmin(ReadOnlyAdmin):
    """Who did what in the admin: superusers only."""

    list_display = ("at", "username", "email", "subject", "action", "count", "detail")
    list_filter = ("action", "username")
    search_fields = ("username", "email", "subject")

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ("erased_at", "users", "hook_calls", "okta_events", "requested_by")

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(LoadRun)
class LoadRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "file_name",
        "outcome",
        "rows",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "error_count",
    )
    list_filter = ("outcome",)
    search_fields = ("file_name", "sha256")


@admin.register(OktaEvent)
class OktaEventAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "event_type",
        "outcome",
        "login",
        "via",
        "okta_record",
        "what_it_did",
    )
    list_filter = ("effect", "event_type", "outcome", "via", "okta_record")
    # Searched by `get_search_results`: the user's login prefix, or an exact event uuid.
    search_fields = ("login",)
    search_help_text = "A login, or its beginning; or an exact event uuid."
    sortable_by = ()
    show_full_result_count = False
    paginator = EstimatingPaginator

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[OktaEvent], search_term: str
    ) -> tuple[QuerySet[OktaEvent], bool]:
        return indexed_search(queryset, search_term, exact=("uuid",)), False

    @admin.display(description="Effect")
    def what_it_did(self, obj: OktaEvent) -> str:
        return _what_it_did(obj)


def _what_it_did(event: OktaEvent) -> str:
    """An event's effect as the operator reads it: a rejected one says why."""
    shown = event.get_effect_display()
    return f"{shown}: {event.problem}" if event.problem else shown
