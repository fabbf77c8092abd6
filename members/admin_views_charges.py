"""The secretariat's actions on one-off payments: record a transfer, refund (through
Stripe for online payments), record a refund paid back by transfer, cancel. Each is a
form and one service call (members/services/charges.py)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from members.models import Charge
from members.services import charges as services
from portal.audit import Source
from portal.exceptions import DomainError
from portal.viewsets import HistoryInspectView

CHARGES = "charges"
RECORD_PERMISSION = "members.record_charge"


def _url(name: str, *args) -> str:
    return reverse(f"{CHARGES}:{name}", args=args)


class TransferForm(forms.Form):
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=[(Charge.Method.BANK_TRANSFER, Charge.Method.BANK_TRANSFER.label), (Charge.Method.OTHER, Charge.Method.OTHER.label)],
    )
    note = forms.CharField(label=gettext_lazy("Bank reference or note"), required=False, max_length=200)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount (€)"), min_value=Decimal("0.01"), decimal_places=2, max_digits=9)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=200)


class RefundRecordForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount (€)"), min_value=Decimal("0.01"), decimal_places=2, max_digits=9)
    refunded_on = forms.DateField(label=gettext_lazy("Paid back on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Bank reference or note"), required=False, max_length=200)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=200)


def _actions(user, charge: Charge) -> list[tuple[str, str, str]]:
    """(label, url name, icon) of what `user` may do with `charge` now."""
    if not user.has_perm(RECORD_PERMISSION):
        return []
    actions = []
    if not charge.is_paid:
        actions.append((_("Record transfer"), "record_transfer", "success"))
    if charge.is_open:
        actions.append((_("Cancel payment"), "cancel", "cross"))
    if charge.is_paid and charge.amount > charge.refunded_amount:
        if charge.method == Charge.Method.STRIPE:
            if charge.refundable_amount > 0:
                actions.append((_("Refund through Stripe"), "refund", "undo"))
        else:
            actions.append((_("Record refund"), "record_refund", "undo"))
    return actions


class ChargeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user")


class ChargeInspectView(HistoryInspectView):
    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(label, url=_url(name, self.object.pk), icon_name=icon)
            for label, name, icon in _actions(self.request.user, self.object)
        ]


class ChargeActionView(WagtailAdminTemplateMixin, FormView):
    template_name = "members/admin/membership_action.html"
    header_icon = "tick-inverse"
    action = ""
    submit_button_label = gettext_lazy("Save")
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Charge.objects.select_related("user"), pk=kwargs["pk"])
        if self.action not in [name for _l, name, _i in _actions(request.user, self.object)]:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": _url("index"), "label": _("One-off payments")},
            {"url": _url("inspect", self.object.pk), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "action_url": self.request.path,
            "cancel_url": _url("inspect", self.object.pk),
            "submit_button_label": self.submit_button_label,
            "submit_button_classname": "button",
            "intro": self.intro,
        }

    def form_valid(self, form):
        try:
            self.run_service(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect(_url("inspect", self.object.pk))


class RecordTransferView(ChargeActionView):
    form_class = TransferForm
    action = "record_transfer"
    page_title = gettext_lazy("Record transfer")
    intro = gettext_lazy("The amount arrived in the association's account. Whoever the payment is for hears of it at once.")

    def get_initial(self):
        return {"paid_on": timezone.localdate(), "method": Charge.Method.BANK_TRANSFER}

    def run_service(self, data):
        services.charge_transfer_record(charge=self.object, actor=self.request.user, **data)
        messages.success(self.request, _("The payment is recorded."))


class RefundView(ChargeActionView):
    form_class = RefundForm
    action = "refund"
    page_title = gettext_lazy("Refund through Stripe")
    intro = gettext_lazy("Stripe pays the amount back to the card or account it came from; the refund shows here once Stripe confirms it.")

    def get_initial(self):
        return {"amount": self.object.refundable_amount}

    def run_service(self, data):
        services.charge_refund(charge=self.object, actor=self.request.user, source=Source.SECRETARIAT, **data)
        messages.success(self.request, _("The refund is requested at Stripe."))


class RecordRefundView(ChargeActionView):
    form_class = RefundRecordForm
    action = "record_refund"
    page_title = gettext_lazy("Record refund")
    intro = gettext_lazy("The association paid (part of) the amount back by bank transfer.")

    def get_initial(self):
        return {"amount": self.object.amount - self.object.refunded_amount, "refunded_on": timezone.localdate()}

    def run_service(self, data):
        services.charge_refund_record(charge=self.object, actor=self.request.user, **data)
        messages.success(self.request, _("The refund is recorded."))


class CancelView(ChargeActionView):
    form_class = CancelForm
    action = "cancel"
    page_title = gettext_lazy("Cancel payment")
    intro = gettext_lazy("Nothing is to be paid any more; whoever the payment was for hears of it (a held seat is released).")
    submit_button_label = gettext_lazy("Cancel payment")

    def run_service(self, data):
        services.charge_cancel(charge=self.object, actor=self.request.user, source=Source.SECRETARIAT, **data)
        messages.success(self.request, _("The payment is cancelled."))
