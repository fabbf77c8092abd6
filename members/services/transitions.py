"""The ground every membership service stands on: lock the row, check the move, record it.

Every module that changes a membership (the services beside this one and
`members.stripe_sync`) uses these functions, so a status moves and is recorded
the same way whoever moves it.
"""

from __future__ import annotations

from members.models import Membership, MembershipChange
from portal.exceptions import DomainError

Status = Membership.Status

ALLOWED = {
    "activate": {Status.APPLICANT, Status.IN_ARREARS, Status.LAPSED, Status.RESIGNED, Status.ACTIVE},
    "in_arrears": {Status.ACTIVE},
    "lapse": {Status.IN_ARREARS},
    "resign_request": {Status.ACTIVE, Status.IN_ARREARS},
    "resign_complete": {Status.ACTIVE, Status.IN_ARREARS},
    "end": {Status.APPLICANT, Status.ACTIVE, Status.IN_ARREARS, Status.LAPSED, Status.RESIGNED},
}


def membership_lock(membership: Membership) -> Membership:
    """The membership, re-read and locked (select_for_update) until the transaction ends."""
    # Lock only the membership row: locking the joined plan would queue every member on it.
    return Membership.objects.select_for_update(of=("self",)).select_related("plan", "user").get(pk=membership.pk)


def membership_check(membership: Membership, move: str, message: str) -> None:
    if membership.status not in ALLOWED[move]:
        raise DomainError(message)


def membership_record(
    membership: Membership,
    *,
    action: str,
    from_status: str,
    actor=None,
    source: str,
    reason: str = "",
    data: dict | None = None,
) -> MembershipChange:
    """Write one history entry for a change just made to `membership`."""
    return MembershipChange.objects.create(
        membership=membership,
        action=action,
        from_status=from_status,
        to_status=membership.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        reason=reason,
        data=data or {},
    )
