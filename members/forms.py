"""Forms check the shape of what a member types; services check the rules."""

import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import MembershipPlan
from members.services.membership import PRIVACY_VERSION, STATUTES_VERSION
from portal.forms import KeyedModelChoiceField

COUNTRIES = [
    ("NL", _("Netherlands")),
    ("BE", _("Belgium")),
    ("DE", _("Germany")),
    ("LU", _("Luxembourg")),
]

PROFILE_FIELDS = (
    "phone", "street", "postal_code", "city", "country", "kvk_number", "sectors", "expertise", "years_interim",
)


class PlanChoiceField(KeyedModelChoiceField):
    def label_from_instance(self, plan):
        return plan.name


class JoinForm(forms.Form):
    plan = PlanChoiceField(
        label=_("Membership plan"),
        queryset=MembershipPlan.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose a membership plan."), "invalid_choice": _("Choose one of the plans shown.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES, initial="NL")
    kvk_number = forms.CharField(
        label=_("KvK number"),
        max_length=20,
        help_text=_("The 8 digits of your registration with the Dutch Chamber of Commerce (KvK)."),
    )
    sectors = forms.CharField(
        label=_("Sectors"), max_length=300, help_text=_("For example: healthcare, government, logistics.")
    )
    expertise = forms.CharField(
        label=_("Expertise"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you are hired for, in a few sentences."),
    )
    years_interim = forms.IntegerField(
        label=_("Years as interim manager"),
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        error_messages={"invalid": _("Enter a whole number of years.")},
    )
    accept_statutes = forms.BooleanField(
        error_messages={"required": _("You can only become a member if you accept the statutes.")},
    )
    accept_privacy = forms.BooleanField(
        error_messages={"required": _("You can only become a member if you accept the privacy statement.")},
    )

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else MembershipPlan.objects.filter(is_active=True)
        # Labels name the versions that the service records; built here to be in the request's language.
        self.fields["accept_statutes"].label = gettext("I accept the statutes of the association (version %(version)s).") % {
            "version": STATUTES_VERSION
        }
        self.fields["accept_privacy"].label = gettext(
            "I accept the privacy statement (version %(version)s)."
        ) % {"version": PRIVACY_VERSION}

    @property
    def contact_fields(self):
        return [self[name] for name in ("first_name", "last_name", "phone", "street", "postal_code", "city", "country", "kvk_number")]

    @property
    def profile_fields(self):
        return [self[name] for name in ("sectors", "expertise", "years_interim")]

    def clean_kvk_number(self):
        value = re.sub(r"[\s.\-]", "", self.cleaned_data["kvk_number"])
        if not re.fullmatch(r"\d{8}", value):
            raise forms.ValidationError(_("A KvK number has exactly 8 digits, for example 12345678."))
        return value

    def clean(self):
        cleaned = super().clean()
        postal_code = cleaned.get("postal_code")
        if postal_code and cleaned.get("country") == "NL":
            match = re.fullmatch(r"\s*(\d{4})\s?([A-Za-z]{2})\s*", postal_code)
            if not match:
                self.add_error("postal_code", _("Enter a Dutch postal code such as 1234 AB."))
            else:
                cleaned["postal_code"] = f"{match[1]} {match[2].upper()}"
        return cleaned

    def profile_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in PROFILE_FIELDS}


class ResignForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you leaving? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
