"""Forms for the secretariat's actions on a membership in the Wagtail admin.

They check the shape of the input only; the rules live in `members.services`.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from members.models import Payment
from members.services.dues import payment_date_bounds, payment_date_error


class MembershipPlanForm(WagtailAdminModelForm):
    def clean_stripe_price_id(self):
        price = self.cleaned_data["stripe_price_id"].strip()
        if price and not price.startswith("price_"):
            raise forms.ValidationError(_("A Stripe Price id starts with “price_”."))
        return price


class RecordPaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            (Payment.Method.BANK_TRANSFER, Payment.Method.BANK_TRANSFER.label),
            (Payment.Method.OTHER, Payment.Method.OTHER.label),
        ],
        initial=Payment.Method.BANK_TRANSFER,
        widget=forms.RadioSelect,
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=AdminDateInput)
    amount = forms.DecimalField(
        label=_("Amount incl. VAT (€)"),
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text=_("The plan's yearly price including VAT, unless a different amount was paid."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=120,
        required=False,
        help_text=_("Bank reference or note."),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["amount"].initial = membership.plan.price_incl_vat
        self.fields["paid_on"].initial = timezone.localdate()
        earliest, latest = payment_date_bounds(membership=membership)
        self.fields["paid_on"].widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        error = payment_date_error(membership=self.membership, paid_on=paid_on)
        if error:
            raise forms.ValidationError(error)
        return paid_on


class EndMembershipForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Recorded in the membership history."),
    )


class SendReminderForm(forms.Form):
    """No input: the confirmation button is the form."""
