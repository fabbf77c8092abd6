"""Signals other apps listen to; the events app never imports them.

`attendance_recorded` is sent when an attendee is checked in, `attendance_withdrawn`
when the check-in is undone, both inside the transaction that makes the change, with

    registration  the Registration
    user          the attendee's account, or None for a named guest
    pe_points     Decimal, the event's PE points
    pe_category   the event's PE category value (events.models.PECategory), or ""
    hours         Decimal, the length of the event

The knowledge app turns them into PE credit (and withdraws it again).
"""

from django.dispatch import Signal

attendance_recorded = Signal()
attendance_withdrawn = Signal()
