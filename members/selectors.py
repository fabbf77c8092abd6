"""Reads about members that other parts of the portal ask for."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from members.history import source_label, status_label
from members.models import MemberProfile, Membership, MembershipPlan, Payment
from portal.audit import entries_for, entry_message

def membership_for_user(*, user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.select_related("plan").filter(user=user).first()


def bank_reference(*, membership: Membership) -> str:
    """What a member writes with a bank transfer, so the secretariat can match it.

    Always Dutch, whatever the member's language: it is read by the bookkeeping.
    """
    name = membership.user.get_full_name() or membership.user.email
    return f"Contributie {membership.pk} {name}"


def user_is_active_member(*, user) -> bool:
    """Whether `user` counts as a member now (active, or in arrears within the grace period)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, status__in=Membership.MEMBER_STATUSES).exists()


def member_price_applies(*, user) -> bool:
    """Whether `user` pays the member price (for events and other paid offers)."""
    return user_is_active_member(user=user)


# History lines shown on the dashboard; the admin shows them all.
DASHBOARD_HISTORY_LIMIT = 50


@dataclass(frozen=True)
class HistoryLine:
    """One audit entry of a membership, rendered in the active language."""

    when: datetime
    message: str
    source: str
    by: str  # the person who made the change, "" for Stripe or the system
    from_status: str
    to_status: str


def membership_history(*, membership: Membership, limit: int | None = None) -> list[HistoryLine]:
    """The membership's history from the audit log, newest first, in one query."""
    entries = entries_for(membership)
    if limit is not None:
        entries = entries[:limit]
    lines = []
    for entry in entries:
        data = entry.data or {}
        person = entry.user
        lines.append(
            HistoryLine(
                when=entry.timestamp,
                message=entry_message(entry),
                source=source_label(entry),
                by=(person.get_full_name() or person.email) if person else "",
                from_status=status_label(data.get("from_status")),
                to_status=status_label(data.get("to_status")),
            )
        )
    return lines


def membership_dashboard(*, user) -> dict:
    """Everything "Mijn lidmaatschap" shows, in a fixed number of queries."""
    membership = membership_for_user(user=user)
    if membership is None:
        return {"membership": None, "payments": [], "history": []}
    payments = list(membership.payments.order_by("-period_start", "-pk"))
    history = membership_history(membership=membership, limit=DASHBOARD_HISTORY_LIMIT)
    return {"membership": membership, "payments": payments, "history": history}


def payment_for_receipt(*, user, pk: int) -> Payment | None:
    """A paid, hand-recorded payment with a receipt that `user` may download; None otherwise.

    Members see only their own; staff need the permission to view payments.
    """
    payment = (
        Payment.objects.select_related("membership__user__member_profile", "plan")
        .filter(pk=pk, status=Payment.Status.PAID)
        .exclude(receipt_number="")
        .exclude(method=Payment.Method.STRIPE)
        .first()
    )
    if payment is None or not getattr(user, "is_authenticated", False):
        return None
    if payment.membership.user_id == user.pk or user.has_perm("members.view_payment"):
        return payment
    return None


# --- The secretariat's admin ------------------------------------------------------


def membership_admin_queryset():
    """Memberships with everything the member list and the export show, in one query.

    The profile's city, phone and KvK number are annotated ("" without a profile) for the export.
    """
    profile = "user__member_profile__"
    return Membership.objects.select_related("user", "plan", "user__member_profile").annotate(
        **{
            f"profile_{field}": Coalesce(F(profile + field), Value(""))
            for field in ("city", "phone", "kvk_number")
        }
    )


def member_profile(membership: Membership) -> MemberProfile | None:
    try:
        return membership.user.member_profile
    except MemberProfile.DoesNotExist:
        return None


def membership_admin_detail(*, membership: Membership) -> dict:
    """What the member detail in the admin shows, in a fixed number of queries."""
    return {
        "membership": membership,
        "member": membership.user,
        "profile": member_profile(membership),
        "history": membership_history(membership=membership),
        "payments": list(membership.payments.select_related("plan", "recorded_by")),
    }


def plan_in_use(*, plan: MembershipPlan) -> bool:
    """Whether memberships or payments use `plan` (then it cannot be deleted)."""
    return plan.memberships.exists() or Payment.objects.filter(plan=plan).exists()
