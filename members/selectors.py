"""Reads about members that other parts of the portal ask for."""

from django.utils.translation import gettext_lazy as _

from members.models import MemberProfile, Membership, MembershipPlan, Payment

# What a history row means, for people (the admin and the member's dashboard).
CHANGE_LABELS = {
    "members.membership.applied": _("Applied for membership"),
    "members.membership.plan_changed": _("Changed the plan of the application"),
    "members.membership.activated": _("Membership activated"),
    "members.membership.renewed": _("Membership renewed"),
    "members.membership.in_arrears": _("Payment overdue; grace period started"),
    "members.membership.lapsed": _("Membership lapsed"),
    "members.membership.resignation_requested": _("Resignation received"),
    "members.membership.resignation_withdrawn": _("Resignation withdrawn"),
    "members.membership.resigned": _("Resignation took effect"),
    "members.membership.ended": _("Membership ended by the secretariat"),
    "members.membership.reminder_sent": _("Reminder sent"),
}


def change_label(change) -> str:
    label = CHANGE_LABELS.get(change.action)
    if label is not None:
        return str(label)
    return change.get_to_status_display() or change.action


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


# Changes shown on the dashboard; older ones stay in the admin.
DASHBOARD_HISTORY_LIMIT = 50


def membership_dashboard(*, user) -> dict:
    """Everything "Mijn lidmaatschap" shows, in a fixed number of queries."""
    membership = membership_for_user(user=user)
    if membership is None:
        return {"membership": None, "payments": [], "changes": []}
    payments = list(membership.payments.order_by("-period_start", "-pk"))
    changes = list(membership.changes.order_by("-created_at", "-pk")[:DASHBOARD_HISTORY_LIMIT])
    for change in changes:
        change.label = change_label(change)
    return {"membership": membership, "payments": payments, "changes": changes}


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
    """Memberships with everything the member list and the export show, in one query."""
    return Membership.objects.select_related("user", "plan", "user__member_profile")


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
        "changes": [
            {"change": change, "label": change_label(change)} for change in membership.changes.select_related("actor")
        ],
        "payments": list(membership.payments.select_related("plan", "recorded_by")),
    }


def plan_in_use(*, plan: MembershipPlan) -> bool:
    """Whether memberships or payments use `plan` (then it cannot be deleted)."""
    return plan.memberships.exists() or Payment.objects.filter(plan=plan).exists()
