"""The members app's part of a person's data (portal/privacy.py): the account,
profile and consents, membership and payments, certification.

Retention (docs/privacy.md):
- payments and receipts: kept (the tax authority's seven years; they name no one
  once the account is anonymised);
- certification decisions, certificates (number, level, validity periods, status
  and its history in the audit log): kept, linked to the anonymised account; the
  person's name, portfolio, CV text, motivation and evidence files are erased;
- certification evidence files: deleted `PRIVACY_CERTIFICATION_EVIDENCE_YEARS`
  after the decision;
- the account of a former member (or of someone who never joined): erased
  `PRIVACY_INACTIVE_ACCOUNT_YEARS` after the membership ended or, without one,
  after the last sign-in, unless a certificate is still valid or staff use it;
- what clients sent through the register (their messages to a manager, their
  assignment requests with the managers' answers): deleted
  `PRIVACY_REGISTER_CLIENT_YEARS` after it was sent. A manager's export holds what
  they received; erasing the manager deletes it with the profile.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import (
    AssignmentRecipient,
    AssignmentRequest,
    Certificate,
    CertificationApplication,
    Evidence,
    Membership,
    MemberProfile,
    Payment,
    PortfolioAssignment,
    RegisterContactMessage,
)
from members.models.certification import private_storage
from portal import privacy
from portal.audit import Source, entries_for, entry_message, log_action

ERASED_NAME = "—"
ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: never delivered


def erased_email(user) -> str:
    return f"erased-{user.pk}@{ERASED_EMAIL_DOMAIN}"


def is_erased(user) -> bool:
    return user.email == erased_email(user)


# --- export -----------------------------------------------------------------------------------


def _history(instance) -> list[dict]:
    return [
        {"when": entry.timestamp, "action": entry.action, "message": entry_message(entry), "source": entry.data.get("source")}
        for entry in entries_for(instance)
    ]


def account_export(user) -> privacy.Export:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    data = privacy.record(user, exclude=("password",))
    data["groups"] = list(user.groups.values_list("name", flat=True))
    data["email_addresses"] = [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user)
    ]
    data["two_factor"] = [authenticator.type for authenticator in Authenticator.objects.filter(user=user)]
    data["history"] = _history(user)
    return privacy.Export(data=data)


def profile_export(user) -> privacy.Export:
    profile = MemberProfile.objects.filter(user=user).prefetch_related("register_sectors", "regions").first()
    if profile is None:
        return privacy.Export(data=None)
    data = privacy.record(profile)
    data["register_sectors"] = [sector.name for sector in profile.register_sectors.all()]
    data["regions"] = [region.name for region in profile.regions.all()]
    data["consents"] = {
        "register_listed": profile.register_listed,
        "public_fields": profile.public_fields(),
        "changed_at": profile.consent_changed_at,
        "history": _history(profile),
    }
    files = []
    if profile.photo:
        files.append(privacy.ExportFile(f"photo-{profile.photo.name.rsplit('/', 1)[-1]}", privacy.stored_file(profile.photo)))
    return privacy.Export(data=data, files=files)


def register_export(user) -> privacy.Export:
    """What clients sent the manager through the register, and how the manager answered."""
    messages = RegisterContactMessage.objects.filter(profile__user=user).order_by("created_at", "pk")
    recipients = AssignmentRecipient.objects.filter(profile__user=user).select_related("request").order_by("created_at", "pk")
    data = {
        "contact_messages": [privacy.record(message, exclude=("profile",)) for message in messages],
        "assignment_requests": [
            {
                "received": recipient.created_at,
                "client_name": recipient.request.client_name,
                "client_email": recipient.request.client_email,
                "organisation": recipient.request.organisation,
                "assignment": recipient.request.description,
                "why_it_matched": recipient.reasons,
                "answered": recipient.answered_at,
                "interested": recipient.interested,
                "note": recipient.note,
            }
            for recipient in recipients
        ],
    }
    if not (data["contact_messages"] or data["assignment_requests"]):
        return privacy.Export(data=None)
    return privacy.Export(data=data)


def membership_export(user) -> privacy.Export:
    membership = Membership.objects.filter(user=user).select_related("plan").first()
    if membership is None:
        return privacy.Export(data=None)
    data = privacy.record(membership)
    data["plan_name"] = membership.plan.name
    data["accepted"] = {
        "statutes_version": membership.statutes_version,
        "privacy_version": membership.privacy_version,
        "accepted_at": membership.terms_accepted_at,
    }
    data["payments"] = [privacy.record(payment, exclude=("recorded_by",)) for payment in Payment.objects.filter(membership=membership)]
    data["history"] = _history(membership)
    return privacy.Export(data=data)


def certification_export(user) -> privacy.Export:
    applications = []
    files = []
    for application in (
        CertificationApplication.objects.filter(applicant=user)
        .select_related("level", "scheme", "norm_version")
        .prefetch_related("assignments", "evidence")
        .order_by("created_at")
    ):
        item = privacy.record(application)
        item["level_name"] = application.level.name
        item["assignments"] = [privacy.record(assignment) for assignment in application.assignments.all()]
        item["evidence"] = []
        for evidence in application.evidence.all():
            path = f"application-{application.pk}/{evidence.pk}-{evidence.original_name}"
            item["evidence"].append(privacy.record(evidence) | {"file_in_zip": f"files/certification/{path}"})
            files.append(privacy.ExportFile(path, privacy.stored_file(evidence.file)))
        decision = getattr(application, "decision", None)
        if decision is not None:
            item["decision"] = privacy.record(decision, exclude=("assessor", "decider"))
        item["history"] = _history(application)
        applications.append(item)
    certificates = []
    for certificate in Certificate.objects.filter(holder=user).prefetch_related("periods").order_by("issued_on"):
        item = privacy.record(
            certificate, exclude=("suspension_list", "suspension_index", "revocation_list", "revocation_index")
        )
        item["periods"] = [privacy.record(period) for period in certificate.periods.all()]
        item["history"] = _history(certificate)
        certificates.append(item)
    return privacy.Export(data={"applications": applications, "certificates": certificates}, files=files)


# --- erasure ----------------------------------------------------------------------------------


def erase_blockers(user) -> list[str]:
    reasons = []
    if user.is_staff or user.is_superuser or user.groups.exists():
        reasons.append(_("Staff accounts are closed by an administrator, not here."))
    membership = Membership.objects.filter(user=user).first()
    if membership is not None and membership.status in (
        Membership.Status.ACTIVE, Membership.Status.IN_ARREARS
    ):
        reasons.append(_("End your membership first (resign); your data can be erased once it has ended."))
    if CertificationApplication.objects.filter(
        applicant=user, status__in=[
            CertificationApplication.Status.SUBMITTED,
            CertificationApplication.Status.ASSESSMENT,
            CertificationApplication.Status.DECISION,
        ]
    ).exists():
        reasons.append(_("Your certification application is being assessed; it must be decided first."))
    if Certificate.objects.filter(holder=user, status__in=[Certificate.Status.ACTIVE, Certificate.Status.SUSPENDED]).exists():
        reasons.append(
            _("Your certificate is still valid. Ask the certification body to end it; then your data can be erased.")
        )
    return reasons


def certification_erase(user) -> dict:
    """Portfolio, texts and evidence go; the application's status and dates, the
    decision and the certificate stay (the certification body must keep them)."""
    applications = CertificationApplication.objects.filter(applicant=user)
    evidence = Evidence.objects.filter(application__in=applications)
    privacy.files_delete_on_commit(private_storage(), list(evidence.values_list("file", flat=True)))
    counts = {
        "evidence": evidence.delete()[0],
        "assignments": PortfolioAssignment.objects.filter(application__in=applications).delete()[0],
    }
    drafts = applications.filter(status=CertificationApplication.Status.DRAFT)
    counts["drafts"] = drafts.delete()[0]
    counts["applications_kept"] = applications.update(cv_summary="", motivation="", fee_reference="")
    counts["certificates_kept"] = Certificate.objects.filter(holder=user).count()
    return counts


def profile_erase(user) -> dict:
    profile = MemberProfile.objects.filter(user=user).first()
    if profile is None:
        return {"profile": 0}
    if profile.photo:
        privacy.files_delete_on_commit(profile.photo.storage, [profile.photo.name])
    profile.delete()
    return {"profile": 1}


def membership_erase(user) -> dict:
    """The membership row stays (its payments are kept for the tax authority), without
    what identifies the person at Stripe or in the secretariat's notes."""
    updated = Membership.objects.filter(user=user).update(
        stripe_customer_id="", stripe_subscription_id="", payment_method_label="", ended_reason="",
    )
    payments = Payment.objects.filter(membership__user=user).update(reference="")
    return {"membership": updated, "payments_kept": payments}


def account_erase(user) -> dict:
    """The account becomes an anonymous, inactive row: no name, no address, no password,
    no authenticator, no session; kept records still point at it."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.sessions.models import Session
    from wagtail.models import ModelLogEntry

    names = [name for name in (user.get_full_name().strip(), user.email) if len(name) >= 3]
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    User = get_user_model()
    User.objects.filter(pk=user.pk).update(
        first_name=ERASED_NAME, last_name="", email=erased_email(user), password="!", is_active=False,
    )
    # Audit entries keep their action and data; their titles no longer name the person.
    relabelled = []
    if names:
        query = Q()
        for name in names:
            query |= Q(label__icontains=name)
        for entry in ModelLogEntry.objects.filter(query).only("pk", "label"):
            for name in names:
                entry.label = re.sub(re.escape(name), f"#{user.pk}", entry.label, flags=re.IGNORECASE)
            relabelled.append(entry)
        ModelLogEntry.objects.bulk_update(relabelled, ["label"], batch_size=500)
    sessions = 0
    if settings.SESSION_ENGINE.endswith(("db", "cached_db")):
        # Through the engine's store, which also drops the cached copy (cached_db).
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                store(session.session_key).delete()
                sessions += 1
    return {"account": 1, "log_titles": len(relabelled), "sessions": sessions}


# --- retention --------------------------------------------------------------------------------


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def certification_retention(today) -> dict:
    cutoff = _start_of(privacy.years_before(today, settings.PRIVACY_CERTIFICATION_EVIDENCE_YEARS))
    evidence = Evidence.objects.filter(application__decided_at__lt=cutoff).select_related("application")
    deleted = 0
    for item in evidence:
        application = item.application
        privacy.files_delete_on_commit(private_storage(), [item.file.name])
        item.delete()
        log_action(application, "portal.personal_data.file_expired", source=Source.SYSTEM, data={"file": item.original_name})
        deleted += 1
    return {"evidence": deleted}


def register_retention(today) -> dict:
    """Delete clients' messages and assignment requests (with who received them and the
    answers) sent longer ago than `PRIVACY_REGISTER_CLIENT_YEARS`."""
    cutoff = _start_of(privacy.years_before(today, settings.PRIVACY_REGISTER_CLIENT_YEARS))
    messages = RegisterContactMessage.objects.filter(created_at__lt=cutoff).delete()[1].get(
        RegisterContactMessage._meta.label, 0
    )
    old = AssignmentRequest.objects.filter(created_at__lt=cutoff).exclude(status=AssignmentRequest.Status.OPEN)
    requests = old.delete()[1].get(AssignmentRequest._meta.label, 0)
    return {"contact_messages": messages, "assignment_requests": requests}


def account_retention(today) -> dict:
    """Erase the accounts whose retention period passed."""
    cutoff_day = privacy.years_before(today, settings.PRIVACY_INACTIVE_ACCOUNT_YEARS)
    cutoff = _start_of(cutoff_day)
    User = get_user_model()
    ended = (Membership.Status.LAPSED, Membership.Status.RESIGNED, Membership.Status.ENDED)
    candidates = (
        User.objects.filter(is_staff=False, is_superuser=False, groups=None)
        .exclude(email__endswith=f"@{ERASED_EMAIL_DOMAIN}")
        .filter(
            Q(membership__status__in=ended, membership__updated_at__lt=cutoff)
            | Q(membership__isnull=True, date_joined__lt=cutoff)
            & (Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        )
        .exclude(certificates__status__in=[Certificate.Status.ACTIVE, Certificate.Status.SUSPENDED])
        .distinct()
    )
    erased = skipped = 0
    for user in candidates:
        if privacy.erase_blockers(user=user):
            skipped += 1
            continue
        privacy.personal_data_erase(user=user, source=Source.SYSTEM, reason="retention")
        erased += 1
    return {"accounts": erased, "accounts_not_yet": skipped}


privacy.register(privacy.PersonalData(name="account", order=100, export=account_export, erase=account_erase,
                                      erase_blockers=erase_blockers, retention=account_retention))
privacy.register(privacy.PersonalData(name="profile", order=10, export=profile_export, erase=profile_erase))
# Erased with the profile (its messages and requests cascade); the retention is the clients' data.
privacy.register(privacy.PersonalData(name="register", order=15, export=register_export, retention=register_retention))
privacy.register(privacy.PersonalData(name="membership", order=20, export=membership_export, erase=membership_erase))
privacy.register(privacy.PersonalData(name="certification", order=30, export=certification_export,
                                      erase=certification_erase, retention=certification_retention))
