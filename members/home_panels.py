"""What the members app puts on the member home ("Mijn omgeving") and on the public home page.

- The membership block: status, paid-until, what to do (pay, renew), linking to
  "Mijn lidmaatschap". Two queries (the membership with its plan; nothing else).
- The certificate block: the newest certificate (status, valid until, downloads) or
  the open application, and the next step, linking to "Certificering". Two queries.
- The public home page's live count of certified managers (see portal.models.HomePage).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail import hooks

from members import selectors
from members.models import Certificate, CertificationApplication
from portal.home_page import HOME_PAGE_CONTEXT_HOOK
from portal.member_home import MEMBER_HOME_PANELS_HOOK, MemberPanel, Task

# A hand-paid membership shows "renew" this long before the paid period ends.
RENEWAL_NOTICE_DAYS = 30
# A certificate shows "prepare your recertification" this long before it ends.
RECERTIFICATION_NOTICE_DAYS = 180


@hooks.register(MEMBER_HOME_PANELS_HOOK)
def membership_panel(request) -> MemberPanel:
    membership = selectors.membership_for_user(user=request.user)
    url = reverse("members:dashboard")
    tasks = []
    renewal_due = False
    if membership is not None:
        today = timezone.localdate()
        if membership.can_pay and not membership.is_member:
            tasks.append(Task(_("Pay your dues to become a member"), reverse("members:pay"), urgent=True))
        elif membership.can_pay:
            tasks.append(
                Task(
                    _("Pay your overdue dues"),
                    reverse("members:pay"),
                    detail=_("before %(date)s") % {"date": date_format(membership.grace_until)} if membership.grace_until else "",
                    urgent=True,
                )
            )
        elif (
            membership.status == membership.Status.ACTIVE
            and not membership.uses_stripe
            and not membership.resignation_pending
            and membership.paid_until
            and membership.paid_until <= today + timedelta(days=RENEWAL_NOTICE_DAYS)
        ):
            renewal_due = True
            tasks.append(
                Task(
                    _("Renew your membership"),
                    url,
                    detail=_("paid until %(date)s") % {"date": date_format(membership.paid_until)},
                )
            )
        elif membership.can_apply_again:
            tasks.append(Task(_("Rejoin the association"), reverse("members:join")))
    else:
        tasks.append(Task(_("Become a member"), reverse("members:join")))
    return MemberPanel(
        key="membership",
        title=_("Membership"),
        template="members/home/_membership_panel.html",
        url=url,
        link_label=_("My membership"),
        order=10,
        context={"membership": membership, "renewal_due": renewal_due},
        tasks=tasks,
    )


def _certificate_next_step(*, certificate, application, is_member: bool) -> tuple[str, str]:
    """The one next step of the member's certification, as (text, url); ("", "") when there is none."""
    overview = reverse("members:certification")
    if application is not None:
        url = reverse("members:certification_application", args=[application.pk])
        if application.status == CertificationApplication.Status.DRAFT:
            return _("Complete and submit your application"), url
        return _("Your application is with the certification body: %(status)s") % {
            "status": application.get_status_display().lower()
        }, url
    if certificate is None:
        if is_member:
            return _("Apply for the RQIM quality mark"), overview
        return "", ""
    today = timezone.localdate()
    if certificate.status == Certificate.Status.ACTIVE and certificate.valid_until <= today + timedelta(days=RECERTIFICATION_NOTICE_DAYS):
        return _("Prepare your recertification before %(date)s") % {"date": date_format(certificate.valid_until)}, overview
    if certificate.status == Certificate.Status.SUSPENDED:
        return _("Your certificate is suspended; see what the certification body asks of you"), overview
    if certificate.status in (Certificate.Status.EXPIRED, Certificate.Status.WITHDRAWN) and is_member:
        return _("Apply again for the RQIM quality mark"), overview
    return "", ""


@hooks.register(MEMBER_HOME_PANELS_HOOK)
def certificate_panel(request) -> MemberPanel:
    user = request.user
    certificate = (
        Certificate.objects.filter(holder=user).select_related("level").order_by("-issued_on", "-pk").first()
    )
    application = (
        CertificationApplication.objects.filter(applicant=user, status__in=CertificationApplication.OPEN_STATUSES)
        .select_related("level")
        .annotate(evidence_count=Count("evidence"))
        .order_by("-created_at")
        .first()
    )
    is_member = selectors.user_is_active_member(user=user)
    step, step_url = _certificate_next_step(certificate=certificate, application=application, is_member=is_member)
    tasks = []
    if application is not None and application.status == CertificationApplication.Status.DRAFT:
        url = reverse("members:certification_application", args=[application.pk])
        if not application.evidence_count:
            tasks.append(Task(_("Upload evidence for your certification application"), url))
        tasks.append(Task(_("Submit your certification application"), url))
    elif step and certificate is not None and step_url:
        tasks.append(Task(step, step_url, urgent=certificate.status == Certificate.Status.SUSPENDED))
    return MemberPanel(
        key="certificate",
        title=_("RQIM certificate"),
        template="members/home/_certificate_panel.html",
        url=reverse("members:certification"),
        link_label=_("My certification"),
        order=20,
        context={"certificate": certificate, "application": application, "next_step": step, "next_step_url": step_url},
        tasks=tasks,
    )


# --- The public home page ------------------------------------------------------------


def certified_managers_count() -> int:
    """How many certified managers the public register lists now (one query)."""
    from members.register_selectors import register_public_list

    return register_public_list().order_by().values("pk").count()


@hooks.register(HOME_PAGE_CONTEXT_HOOK)
def register_on_home(request, language: str) -> dict:
    """The client's two ways in: search the register, verify a certificate; with the live count."""
    return {
        "certified_count": certified_managers_count(),
        "register_url": reverse("members:register"),
        "verify_url": reverse("verify"),
        "join_url": reverse("members:join"),
    }
