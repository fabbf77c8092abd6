"""Forms of objections and complaints: they check the shape of input; the services check the rules."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class ObjectionForm(forms.Form):
    prefix = "objection"
    reasons = forms.CharField(
        label=_("Grounds of your objection"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Explain why the decision should be different, referring to the reasons given."),
    )
    file = forms.FileField(
        label=_("Supporting document (optional)"), required=False, help_text=_("PDF, JPG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )


class ComplaintForm(forms.Form):
    """A complaint about a certified manager; anyone may file it. With a honeypot and a time check against spam."""

    MIN_SECONDS = 3
    SALT = "certification-complaint"

    certificate_number = forms.CharField(
        label=_("Certificate number"), required=False, max_length=40,
        help_text=_("For example RQIM-2026-00123-7. Give the number or the name, or both."),
    )
    manager_name = forms.CharField(label=_("Name of the certified manager"), required=False, max_length=200)
    description = forms.CharField(label=_("Your complaint"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("What happened, when, and in which assignment."))
    name = forms.CharField(label=_("Your name"), required=False, max_length=100)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             help_text=_("We tell you the outcome at this address."))
    # Hidden from people by CSS; a bot that fills it in is refused.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = signing.Signer(salt=self.SALT).sign(str(int(time.time())))

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("Your complaint could not be sent."))
        try:
            started = int(signing.Signer(salt=self.SALT).unsign(data.get("started") or ""))
        except (signing.BadSignature, ValueError):
            raise forms.ValidationError(_("Your complaint could not be sent."))
        age = time.time() - started
        if age < self.MIN_SECONDS:  # faster than a person types
            raise forms.ValidationError(_("Your complaint could not be sent; please try again in a moment."))
        if age > 24 * 3600:
            raise forms.ValidationError(_("This form has expired; please reload the page."))
        if not (data.get("certificate_number") or "").strip() and not (data.get("manager_name") or "").strip():
            raise forms.ValidationError(_("Give the certificate number or the name of the manager the complaint is about."))
        return data


class RecertifyForm(forms.Form):
    prefix = "recertify"
    declaration = forms.BooleanField(
        label=_("I declare again that I follow the association's code of conduct, and that I kept my practice "
                "and permanent education up to date in this cycle."),
        required=True,
    )
