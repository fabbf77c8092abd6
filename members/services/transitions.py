"""The ground every membership service stands on: lock the row, check the move, log it.

Every module that changes a membership (the services beside this one and
`members.stripe_sync`) uses these functions, so a status moves and is recorded
the same way whoever moves it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.models import MEMBERSHIP_MOVES, Membership
from portal.audit import log_action, log_entry
from portal.exceptions import DomainError

Status = Membership.Status


def membership_lock(membership: Membership) -> Membership:
    """The membership, re-read and locked (select_for_update) until the transaction ends."""
    # Lock only the membership row: locking the joined plan would queue every member on it.
    return Membership.objects.select_for_update(of=("self",)).select_related("plan", "user").get(pk=membership.pk)


def membership_transition(membership: Membership, action: str, *, refusal: str = "") -> str:
    """Check `action` against the rules (`MEMBERSHIP_MOVES`) and set the status it leads to.

    Returns the status before. Raises DomainError(`refusal`) when the current status
    does not allow the action, and changes nothing then. The caller holds the row
    lock, saves the fields it changed and records the change.
    """
    move = MEMBERSHIP_MOVES[action]
    if membership.status not in move.sources:
        raise DomainError(refusal or _("This is not possible for a membership that is %(status)s.") % {
            "status": membership.get_status_display().lower()
        })
    previous = membership.status
    if move.target is not None:
        membership.status = move.target
    return previous


def membership_log(
    membership: Membership,
    action: str,
    *,
    from_status: str,
    actor=None,
    source: str,
    reason: str = "",
    data: dict | None = None,
):
    """Write one audit entry for a change just made to `membership` (inside its transaction).

    `reason` is what a person typed and is shown as typed; everything else a reader
    needs goes in `data` as codes and values (see `members.history`).
    """
    payload = _payload(membership, from_status=from_status, reason=reason, data=data)
    return log_action(membership, action, actor=actor, source=source, data=payload)


def membership_log_entry(
    membership: Membership,
    action: str,
    *,
    from_status: str,
    actor=None,
    source: str,
    reason: str = "",
    data: dict | None = None,
):
    """The entry `membership_log` writes, built now but not saved: the caller writes
    its entries together with `portal.audit.log_entries_save` before its transaction ends."""
    payload = _payload(membership, from_status=from_status, reason=reason, data=data)
    return log_entry(membership, action, actor=actor, source=source, data=payload)


def _payload(membership: Membership, *, from_status: str, reason: str, data: dict | None) -> dict:
    payload = {"from_status": from_status, "to_status": membership.status}
    if reason:
        payload["reason"] = reason
    payload.update(data or {})
    return payload
