"""One-off payments in the Wagtail admin ("Members › One-off payments") and their audit actions.

Imported from `members/wagtail_hooks.py`. The secretariat lists and filters charges
(by purpose and status), records a bank transfer or a refund paid by transfer,
refunds an online payment through Stripe, or cancels an open charge; each action is
one service in `members/services/charges.py`.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn

from members import admin_views_charges as views
from members.models import Charge
from portal.audit import LogFormatter
from portal.money import format_euro
from portal.viewsets import ServiceRecordViewSet


def _amount(data) -> str:
    return format_euro(data.get("amount") or "0")


LOG_ACTIONS = {
    "members.charge.opened": (_("Payment due"), lambda d: gettext("Payment of %(amount)s due") % {"amount": _amount(d)}),
    "members.charge.paid": (_("Payment received"), lambda d: gettext("Payment of %(amount)s received") % {"amount": _amount(d)}),
    "members.charge.payment_failed": (_("Online payment failed"), None),
    "members.charge.expired": (_("Time to pay passed"), None),
    "members.charge.cancelled": (_("Payment cancelled"), None),
    "members.charge.refund_requested": (
        _("Refund requested"), lambda d: gettext("Refund of %(amount)s requested") % {"amount": _amount(d)}
    ),
    "members.charge.refund_failed": (_("Refund failed at Stripe"), None),
    "members.charge.refunded": (_("Refunded"), lambda d: gettext("%(amount)s refunded") % {"amount": _amount(d)}),
}


def _formatter(label, render):
    class Formatter(LogFormatter):
        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = str(render(data)) if render else str(label)
            if data.get("reason"):
                message += f": {data['reason']}"
            return message

    Formatter.label = label
    return Formatter


@hooks.register("register_log_actions")
def register_charge_log_actions(actions):
    for action, (label, render) in LOG_ACTIONS.items():
        actions.register_action(action)(_formatter(label, render))


class ChargeViewSet(ServiceRecordViewSet):
    model = Charge
    name = views.CHARGES
    url_prefix = "members/payments-one-off"
    icon = "form"
    menu_label = _("One-off payments")
    menu_name = "one-off-payments"
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = views.ChargeIndexView
    inspect_view_class = views.ChargeInspectView
    list_filter = ["status", "purpose", "method"]
    list_display = [
        Column("reference", label=_("Reference")),
        Column("description", label=_("Description")),
        Column("user", label=_("Payer")),
        Column("amount", label=_("Amount (€)")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("created_at", label=_("Created")),
    ]
    list_export = ["reference", "description", "user", "amount", "vat_amount", "status", "method", "paid_at", "refunded_amount"]
    search_fields = ["reference", "description", "user__first_name", "user__last_name", "user__email"]
    search_backend_name = None
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = [
        "reference", "description", "purpose", "object_id", "user", "amount", "vat_rate", "vat_amount", "status",
        "method", "expires_at", "paid_at", "refundable", "refunded_amount", "refund_requested_amount", "closed_at",
        "stripe_session_id", "stripe_payment_intent_id", "note", "recorded_by", "created_at",
    ]

    def get_action_urlpatterns(self):
        return [
            path("record-transfer/<int:pk>/", views.RecordTransferView.as_view(), name="record_transfer"),
            path("refund/<int:pk>/", views.RefundView.as_view(), name="refund"),
            path("record-refund/<int:pk>/", views.RecordRefundView.as_view(), name="record_refund"),
            path("cancel/<int:pk>/", views.CancelView.as_view(), name="cancel"),
        ]
