"""The PE ledger listens to the events app: a confirmed attendance credits the attendee.

Connected in `KnowledgeConfig.ready`. `events` sends its signals inside the transaction
of the check-in (or its undo) with the registration locked, so the credit exists exactly
when the check-in does; `events` never imports `knowledge`.
"""

from __future__ import annotations

from events import signals
from knowledge import pe_services


def attendance_recorded(sender, *, registration, user, pe_points, pe_category, hours, **kwargs):
    pe_services.pe_attendance_credit(registration=registration, user=user, points=pe_points, kind=pe_category,
                                     hours=hours, actor=registration.checked_in_by)


def attendance_withdrawn(sender, *, registration, user, **kwargs):
    pe_services.pe_attendance_void(registration=registration)


def connect() -> None:
    signals.attendance_recorded.connect(attendance_recorded, dispatch_uid="knowledge.pe.attendance_recorded")
    signals.attendance_withdrawn.connect(attendance_withdrawn, dispatch_uid="knowledge.pe.attendance_withdrawn")
