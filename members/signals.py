"""Signals of the members app that other apps listen to; `members` never imports them.

One-off payments (`members.models.Charge`) tell the owner of their purpose what
happened, inside the transaction that records it (so the owner's change exists
exactly when the payment's does, and a failing receiver rolls both back). Each is
sent with

    charge    the Charge (locked for the rest of the transaction)
    purpose   charge.purpose, e.g. "events.registration"; receivers ignore other purposes

`charge_paid`       the money arrived (online, or a transfer the secretariat recorded);
                    also for a charge that had expired or was cancelled: the owner then
                    decides (for instance to refund it);
`charge_expired`    the time to pay is over, unpaid;
`charge_cancelled`  the owner or the secretariat cancelled it, unpaid;
`charge_refunded`   (part of) the money went back; `amount` is this refund's amount.

Every receiver must be safe to call twice with the same charge.
"""

from django.dispatch import Signal

charge_paid = Signal()
charge_expired = Signal()
charge_cancelled = Signal()
charge_refunded = Signal()
