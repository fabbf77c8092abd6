"""Every change to a PE entry: submit, update, withdraw (the member), approve, reject (staff),
credit and void (event attendance, through the events app's signals).

Each transition locks the entry, checks its status, saves only what changed and
writes one audit entry (``knowledge.pe_entry.<verb>``) inside the transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledge import pe_selectors
from knowledge.pe_models import PECategory, PEEntry
from portal.audit import Source, log_action
from portal.exceptions import DomainError


def pe_evidence_check(*, upload) -> str:
    """The content type of an upload, read from its content (never its name); DomainError when refused."""
    import filetype

    if upload.size > PEEntry.MAX_SIZE:
        raise DomainError(_("The file is larger than 10 MB."))
    if upload.size == 0:
        raise DomainError(_("The file is empty."))
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in PEEntry.ALLOWED_TYPES:
        raise DomainError(_("Upload a PDF, JPG or PNG file."))
    return kind.mime


def _check_date(*, member, on: date, today: date) -> None:
    if on > today:
        raise DomainError(_("The date cannot be in the future."))
    scheme = pe_selectors.pe_scheme_for(user=member)
    if scheme is not None:
        cycle = pe_selectors.pe_cycle_for(user=member, scheme=scheme, on=today)
        if on < cycle.start:
            raise DomainError(
                _("The date lies before your current cycle, which started on %(date)s.") % {"date": cycle.start.isoformat()}
            )


def _check_hours(hours: Decimal) -> None:
    if hours is None or hours <= 0:
        raise DomainError(_("Enter a positive number of hours."))


def pe_entry_check(*, member, category: PECategory, title: str, date: date, hours: Decimal, provider: str = "",
                   reflection: str = "", today: date) -> None:
    """The checks of `pe_entry_submit` without storing anything (the import's preview)."""
    _check_hours(hours)
    _check_date(member=member, on=date, today=today)
    PEEntry(member=member, category=category, title=title, provider=provider, date=date, hours=hours,
            reflection=reflection).full_clean(exclude=["member"])


def _store_evidence(entry: PEEntry, upload) -> None:
    entry.evidence_type = pe_evidence_check(upload=upload)
    entry.evidence.save("evidence", upload, save=False)


def _lock(entry: PEEntry) -> PEEntry:
    return PEEntry.objects.select_for_update().get(pk=entry.pk)


def _data(entry: PEEntry) -> dict:
    return {"title": entry.title, "category": entry.category.code, "hours": entry.hours, "date": entry.date}


@transaction.atomic
def pe_entry_submit(*, member, category: PECategory, title: str, date: date, hours: Decimal, provider: str = "",
                    reflection: str = "", evidence=None, today: date | None = None,
                    source: str = PEEntry.Source.MEMBER) -> PEEntry:
    """Log an activity (or import one: `source=IMPORT`); it waits for review."""
    today = today or timezone.localdate()
    if category is None or not PECategory.objects.filter(pk=category.pk).exists():
        raise DomainError(_("Choose one of the categories."))
    _check_hours(hours)
    _check_date(member=member, on=date, today=today)
    entry = PEEntry(member=member, category=category, title=title, provider=provider, date=date, hours=hours,
                    reflection=reflection, source=source)
    if evidence is not None:
        _store_evidence(entry, evidence)
    try:
        entry.full_clean()
        entry.save()
    except Exception:
        if entry.evidence:
            entry.evidence.delete(save=False)
        raise
    action = "knowledge.pe_entry.imported" if source == PEEntry.Source.IMPORT else "knowledge.pe_entry.submitted"
    log_action(entry, action, actor=member, source=Source.MEMBER, data=_data(entry))
    return entry


@transaction.atomic
def pe_entry_update(*, entry: PEEntry, actor, today: date | None = None, evidence=None, **changes) -> PEEntry:
    """The member changes a pending entry (title, provider, date, hours, category, reflection, evidence)."""
    today = today or timezone.localdate()
    entry = _lock(entry)
    if entry.member_id != actor.pk:
        raise DomainError(_("Only the member who logged an entry can change it."))
    if entry.status != PEEntry.Status.PENDING:
        raise DomainError(_("Only a pending entry can be changed."))
    allowed = {"title", "provider", "date", "hours", "category", "reflection"}
    if set(changes) - allowed:
        raise ValueError(f"Unknown fields: {set(changes) - allowed}")
    if "hours" in changes:
        _check_hours(changes["hours"])
    if "date" in changes:
        _check_date(member=actor, on=changes["date"], today=today)
    changed = [name for name, value in changes.items() if getattr(entry, name) != value]
    for name in changed:
        setattr(entry, name, changes[name])
    old_file = entry.evidence.name if entry.evidence else ""
    if evidence is not None:
        _store_evidence(entry, evidence)
        changed += ["evidence", "evidence_type"]
    if not changed:
        return entry
    entry.full_clean()
    entry.save(update_fields=[name for name in changed])
    if evidence is not None and old_file:
        transaction.on_commit(lambda: entry.evidence.storage.delete(old_file))
    log_action(entry, "knowledge.pe_entry.updated", actor=actor, source=Source.MEMBER,
               data={**_data(entry), "fields": sorted(set(changed))})
    return entry


@transaction.atomic
def pe_entry_withdraw(*, entry: PEEntry, actor) -> PEEntry:
    entry = _lock(entry)
    if entry.member_id != actor.pk:
        raise DomainError(_("Only the member who logged an entry can withdraw it."))
    if entry.status != PEEntry.Status.PENDING:
        raise DomainError(_("Only a pending entry can be withdrawn."))
    entry.status = PEEntry.Status.WITHDRAWN
    entry.save(update_fields=["status"])
    log_action(entry, "knowledge.pe_entry.withdrawn", actor=actor, source=Source.MEMBER, data=_data(entry))
    return entry


@transaction.atomic
def pe_entry_approve(*, entry: PEEntry, actor) -> PEEntry:
    entry = _lock(entry)
    if entry.status != PEEntry.Status.PENDING:
        raise DomainError(_("Only a pending entry can be approved."))
    if entry.member_id == actor.pk:
        raise DomainError(_("Nobody can review their own entry."))
    entry.status, entry.reviewed_by, entry.reviewed_at = PEEntry.Status.APPROVED, actor, timezone.now()
    entry.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    log_action(entry, "knowledge.pe_entry.approved", actor=actor, source=Source.SECRETARIAT, data=_data(entry))
    return entry


@transaction.atomic
def pe_entry_reject(*, entry: PEEntry, actor, reason: str) -> PEEntry:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the member a reason for the rejection."))
    entry = _lock(entry)
    if entry.status != PEEntry.Status.PENDING:
        raise DomainError(_("Only a pending entry can be rejected."))
    if entry.member_id == actor.pk:
        raise DomainError(_("Nobody can review their own entry."))
    entry.status, entry.rejection_reason = PEEntry.Status.REJECTED, reason
    entry.reviewed_by, entry.reviewed_at = actor, timezone.now()
    entry.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
    log_action(entry, "knowledge.pe_entry.rejected", actor=actor, source=Source.SECRETARIAT,
               data={**_data(entry), "reason": reason})
    return entry


def pe_entries_approve(*, entries, actor) -> int:
    """Approve several pending entries (bulk action); each in its own transaction, others are skipped."""
    approved = 0
    for entry in entries:
        try:
            pe_entry_approve(entry=entry, actor=actor)
        except DomainError:
            continue
        approved += 1
    return approved


# --- Credit for event attendance --------------------------------------------------------
#
# `events` sends `attendance_recorded` / `attendance_withdrawn` inside the transaction of a
# check-in or its undo, with the registration row locked (knowledge/pe_receivers.py).
# A registration has at most one entry (`PEEntry.registration` is unique): a repeated
# check-in finds it approved and changes nothing; an undo voids it; a check-in after an
# undo approves the same entry again. The credit exists exactly when the check-in does.


def pe_category_for_event(*, kind: str) -> PECategory | None:
    """The category that takes events of `kind`, else the first category that takes events, else the first."""
    categories = list(PECategory.objects.all())  # in their order
    return (
        next((c for c in categories if kind and c.event_category == kind), None)
        or next((c for c in categories if c.event_category), None)
        or next(iter(categories), None)
    )


def _credit_data(entry: PEEntry) -> dict:
    return {**_data(entry), "points": entry.points, "registration": entry.registration_id}


@transaction.atomic
def pe_attendance_credit(*, registration, user, points: Decimal, kind: str, hours: Decimal, actor=None,
                         now=None) -> PEEntry | None:
    """Credit the attendee of a checked-in registration with an approved entry, exactly once.

    Returns the entry, or None when there is nobody to credit (a guest) or the event
    awards no points.
    """
    if user is None or not points or points <= 0:
        return None
    now = now or timezone.now()
    entry = PEEntry.objects.select_for_update().filter(registration=registration).first()
    if entry is not None:
        if entry.status == PEEntry.Status.APPROVED:
            return entry
        entry.status, entry.reviewed_by, entry.reviewed_at = PEEntry.Status.APPROVED, None, now
        entry.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        log_action(entry, "knowledge.pe_entry.credited", actor=actor, source=Source.SYSTEM, data=_credit_data(entry))
        return entry
    category = pe_category_for_event(kind=kind)
    if category is None:
        return None
    event = registration.event
    entry = PEEntry(
        member=user, category=category, title=event.title[:200],
        date=timezone.localdate(event.start), hours=max(hours or Decimal("0"), Decimal("0.25")), points=points,
        source=PEEntry.Source.EVENT, registration=registration, status=PEEntry.Status.APPROVED, reviewed_at=now,
    )
    entry.full_clean(exclude=["registration"])
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Another check-in of the same registration credited it a moment ago.
        return PEEntry.objects.get(registration=registration)
    log_action(entry, "knowledge.pe_entry.credited", actor=actor, source=Source.SYSTEM, data=_credit_data(entry))
    return entry


@transaction.atomic
def pe_attendance_void(*, registration, actor=None) -> PEEntry | None:
    """Void the credit of a registration whose check-in was undone. Safe to repeat."""
    entry = PEEntry.objects.select_for_update().filter(registration=registration).first()
    if entry is None or entry.status != PEEntry.Status.APPROVED:
        return entry
    entry.status = PEEntry.Status.VOID
    entry.save(update_fields=["status"])
    log_action(entry, "knowledge.pe_entry.voided", actor=actor, source=Source.SYSTEM, data=_credit_data(entry))
    return entry


# --- Evidence audit ---------------------------------------------------------------------
#
# Each year a random share of the previous year's approved entries is flagged for an
# evidence audit (`PEEntry.audit_year`). One draw per year (`PEAuditRun.year` is unique):
# the daily task and the management command may run any number of times. Credit for
# event attendance is proven by the check-in and is not drawn.


def pe_audit_share() -> int:
    """The share (%) staff set in Settings › Permanent education; 10 until they do."""
    from wagtail.models import Site

    from knowledge.pe_models import PEAuditSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return PEAuditSettings._meta.get_field("audit_share").default
    return PEAuditSettings.for_site(site).audit_share


def pe_audit_draw(*, year: int, share: int | None = None, rng=None, actor=None):
    """Draw the evidence-audit sample of `year`'s approved entries, once.

    Returns `(run, created)`: the existing run when the year was drawn already.
    """
    import math
    import random

    from knowledge.pe_models import PEAuditRun

    existing = PEAuditRun.objects.filter(year=year).first()
    if existing is not None:
        return existing, False
    share = pe_audit_share() if share is None else share
    if not 0 <= share <= 100:
        raise DomainError(_("The share must lie between 0 and 100%."))
    with transaction.atomic():
        eligible = list(
            PEEntry.objects.filter(status=PEEntry.Status.APPROVED, date__year=year, audit_year__isnull=True)
            .exclude(source=PEEntry.Source.EVENT).order_by("pk").values_list("pk", flat=True)
        )
        count = math.ceil(len(eligible) * share / 100)
        try:
            with transaction.atomic():
                run = PEAuditRun.objects.create(year=year, share=share, eligible=len(eligible), selected=count)
        except IntegrityError:
            return PEAuditRun.objects.get(year=year), False
        chosen = sorted((rng or random.SystemRandom()).sample(eligible, count))
        PEEntry.objects.filter(pk__in=chosen).update(audit_year=year)
        for entry in PEEntry.objects.filter(pk__in=chosen).select_related("category"):
            log_action(entry, "knowledge.pe_entry.audit_selected", actor=actor, source=Source.SECRETARIAT if actor else Source.SYSTEM,
                       data={**_data(entry), "year": year})
    return run, True


@transaction.atomic
def pe_entry_evidence_add(*, entry: PEEntry, actor, evidence) -> PEEntry:
    """The member adds (or replaces) the evidence of a pending entry or of one selected for audit."""
    entry = _lock(entry)
    if entry.member_id != actor.pk:
        raise DomainError(_("Only the member who logged an entry can add its evidence."))
    if entry.status != PEEntry.Status.PENDING and not (entry.audit_year and entry.status == PEEntry.Status.APPROVED):
        raise DomainError(_("Evidence can be added to a pending entry or to one selected for audit."))
    if evidence is None:
        raise DomainError(_("Choose a file."))
    old_file = entry.evidence.name if entry.evidence else ""
    _store_evidence(entry, evidence)
    entry.save(update_fields=["evidence", "evidence_type"])
    if old_file:
        transaction.on_commit(lambda: entry.evidence.storage.delete(old_file))
    log_action(entry, "knowledge.pe_entry.evidence_added", actor=actor, source=Source.MEMBER, data=_data(entry))
    return entry


# --- Reminders --------------------------------------------------------------------------
#
# A member still short gets a reminder twelve, six and three months before their cycle
# ends, each at most once: a `PEReminder` row per (member, cycle end, months) is unique,
# and the e-mail's outbox key is the same occasion. The daily task runs them.

REMINDER_MONTHS = (3, 6, 12)


def pe_reminder_occasion(*, cycle_end: date, today: date) -> int | None:
    """The reminder due on `today` for a cycle ending on `cycle_end`: 3, 6 or 12 (months), or None."""
    from portal.dates import add_months

    if today > cycle_end:
        return None
    for months in REMINDER_MONTHS:
        if today >= add_months(cycle_end, -months):
            return months
    return None


def pe_reminder_send(*, member, standing, months: int, today: date):
    """Record and queue one reminder, once per occasion. Returns the PEReminder, or None if sent before."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from knowledge.pe_models import PEReminder
    from portal.mail import email_render_and_queue

    progress, cycle = standing.progress, standing.cycle
    try:
        with transaction.atomic():
            reminder = PEReminder.objects.create(member=member, cycle_end=cycle.end, months_before=months,
                                                 missing=progress.missing)
            language = getattr(member, "language", "") or settings.LANGUAGE_CODE
            with translation.override(language):
                ledger_url = f"{settings.BASE_URL}{reverse('pe:ledger')}"
                eligibility = standing.eligibility()
                email_render_and_queue(
                    to=[member.email], template="knowledge/email/pe_reminder",
                    context={"user": member, "progress": progress, "cycle": cycle, "months": months,
                             "days_left": cycle.days_left(today), "ledger_url": ledger_url,
                             "reasons": eligibility.reasons},
                    language=language, kind="knowledge.pe_reminder",
                    key=f"pe-reminder:{member.pk}:{cycle.end.isoformat()}:{months}",
                )
            log_action(reminder, "knowledge.pe_reminder.sent", source=Source.SYSTEM,
                       data={"months": months, "missing": progress.missing, "cycle_end": cycle.end})
    except IntegrityError:
        return None
    return reminder


def pe_reminders_run(*, today: date) -> dict[str, int]:
    """Send the reminders due today to members still short. Safe to run any number of times."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from knowledge.pe_models import PEReminder
    from members.models import Certificate, Membership

    User = get_user_model()
    members = User.objects.filter(
        Q(membership__status__in=Membership.MEMBER_STATUSES)
        | Q(certificates__status__in=[Certificate.Status.ACTIVE, Certificate.Status.SUSPENDED])
    ).values("pk")
    standings = pe_selectors.pe_standings(on=today, member_ids=members)
    due = {}
    for member_id, standing in standings.items():
        if standing.cycle.requirement is None or standing.progress.met:
            continue
        months = pe_reminder_occasion(cycle_end=standing.cycle.end, today=today)
        if months is not None:
            due[member_id] = (standing, months)
    sent_before = set(
        PEReminder.objects.filter(member_id__in=list(due)).values_list("member_id", "cycle_end", "months_before")
    )
    counts = {"sent": 0, "skipped": 0}
    users = User.objects.in_bulk(list(due))
    for member_id, (standing, months) in sorted(due.items()):
        if (member_id, standing.cycle.end, months) in sent_before:
            continue
        if pe_reminder_send(member=users[member_id], standing=standing, months=months, today=today) is None:
            counts["skipped"] += 1
        else:
            counts["sent"] += 1
    return counts


def pe_daily_run(*, today: date) -> dict[str, int]:
    """The daily run: reminders, and from February the evidence-audit draw of the previous year."""
    counts = pe_reminders_run(today=today)
    if today.month >= AUDIT_DRAW_MONTH:
        _run, created = pe_audit_draw(year=today.year - 1)
        counts["audit_drawn"] = int(created)
    return counts


# The previous year's audit is drawn from February, so January's reviews are in it.
AUDIT_DRAW_MONTH = 2
