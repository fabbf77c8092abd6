"""Forms of the public register: the member's profile with its consents, the search, and contact."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from members.models import MemberProfile
from members.models.register import DIRECTORY_FIELD_LABELS
from members.services.register import CONSENT_FIELDS, CONTENT_FIELDS
from portal.forms import KeyedModelMultipleChoiceField


class RegisterProfileForm(forms.ModelForm):
    linkedin_url = forms.URLField(
        label=_("LinkedIn profile"), required=False, assume_scheme="https", max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://www.linkedin.com/in/…"}),
    )
    class Meta:
        model = MemberProfile
        fields = [*CONTENT_FIELDS, "register_sectors", "regions", *CONSENT_FIELDS]
        field_classes = {"register_sectors": KeyedModelMultipleChoiceField, "regions": KeyedModelMultipleChoiceField}
        widgets = {
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "register_sectors": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
            "bio_nl": forms.Textarea(attrs={"rows": 5}),
            "bio_en": forms.Textarea(attrs={"rows": 5}),
            "expertise": forms.Textarea(attrs={"rows": 3}),
        }

    directory_fields = forms.MultipleChoiceField(
        label=_("What fellow members see in the directory"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(name, label) for name, label in DIRECTORY_FIELD_LABELS.items()],
        help_text=_("Fields you made public are shown to members too."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        if self.instance and self.instance.pk:
            self.initial.setdefault("directory_fields", list(self.instance.directory_fields))

    def clean_linkedin_url(self):
        url = self.cleaned_data.get("linkedin_url") or ""
        if url and "linkedin.com/" not in url.lower():
            raise forms.ValidationError(_("Enter the address of your LinkedIn profile."))
        return url

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > 3 * 1024 * 1024:
            raise forms.ValidationError(_("The photo may be at most 3 MB."))
        return photo

    def content(self) -> dict:
        content = {name: self.cleaned_data[name] for name in CONTENT_FIELDS}
        if content["photo"] is False:  # "clear" ticked
            content["photo"] = ""
        elif content["photo"] is None:
            del content["photo"]
        return content

    def consents(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONSENT_FIELDS}


class SpamCheckedForm(forms.Form):
    """A public form with a honeypot and a time check against spam (render `website` hidden, `started` as is)."""

    MIN_SECONDS = 3
    SALT = "register-contact"

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
            raise forms.ValidationError(_("Your message could not be sent."))
        try:
            started = int(signing.Signer(salt=self.SALT).unsign(data.get("started") or ""))
        except (signing.BadSignature, ValueError):
            raise forms.ValidationError(_("Your message could not be sent."))
        age = time.time() - started
        if age < self.MIN_SECONDS:  # faster than a person types
            raise forms.ValidationError(_("Your message could not be sent; please try again in a moment."))
        if age > 24 * 3600:
            raise forms.ValidationError(_("This form has expired; please reload the page."))
        return data


class RegisterContactForm(SpamCheckedForm):
    """A client's message to a listed manager; with a honeypot and a time check against spam."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    message = forms.CharField(label=_("Your message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    field_order = ["name", "email", "message", "website", "started"]


class AssignmentMatchForm(forms.Form):
    """The assignment a client pastes to see who fits (GET: the result can be shared)."""

    text = forms.CharField(
        label=_("Describe the assignment"), max_length=3000, min_length=10,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _(
            "For example: interim CFO for a hospital merger in Utrecht, six months, from March."
        )}),
        help_text=_("Sector, region, what the manager must do and from when: the more you say, the better the match."),
    )


class AssignmentRequestForm(SpamCheckedForm):
    """Send the assignment to the best-matching managers; the client confirms the address first."""

    client_name = forms.CharField(label=_("Your name"), max_length=100)
    client_email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        help_text=_("We send you a link to confirm it; the managers' answers come to this address."),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=150, required=False)
    description = forms.CharField(
        label=_("Assignment"), max_length=3000, min_length=10, widget=forms.Textarea(attrs={"rows": 5})
    )
    field_order = ["client_name", "client_email", "organisation", "description", "website", "started"]


class AssignmentAnswerForm(forms.Form):
    interested = forms.TypedChoiceField(
        label=_("Your answer"), widget=forms.RadioSelect, coerce=lambda value: value == "yes",
        choices=[("yes", _("I am interested")), ("no", _("Not for me"))],
    )
    note = forms.CharField(
        label=_("A short note to the client"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
