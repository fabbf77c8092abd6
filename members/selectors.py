"""Reads about members that other parts of the portal ask for."""

from members.models import Membership


def membership_for_user(*, user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.select_related("plan").filter(user=user).first()


def user_is_active_member(*, user) -> bool:
    """Whether `user` counts as a member now (active, or in arrears within the grace period)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, status__in=Membership.MEMBER_STATUSES).exists()


def member_price_applies(*, user) -> bool:
    """Whether `user` pays the member price (for events and other paid offers)."""
    return user_is_active_member(user=user)
