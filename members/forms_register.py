"""Forms of the public register: the member's profile with its consents, the search, and contact."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from members.models import MemberProfile
from members.register_selectors import SORTS
from members.services.register import CONSENT_FIELDS, CONTENT_FIELDS


class RegisterProfileForm(forms.ModelForm):
    linkedin_url = forms.URLField(
        label=_("LinkedIn profile"), required=False, assume_scheme="https", max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://www.linkedin.com/in/…"}),
    )
    class Meta:
        model = MemberProfile
        fields = [*CONTENT_FIELDS, "register_sectors", "regions", *CONSENT_FIELDS]
        widgets = {
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "register_sectors": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
            "bio_nl": forms.Textarea(attrs={"rows": 5}),
            "bio_en": forms.Textarea(attrs={"rows": 5}),
            "expertise": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"

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


class RegisterSearchForm(forms.Form):
    """The search; every value travels in the URL, so a search can be shared."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.SearchInput(attrs={"placeholder": _("Name, expertise, sector…")}))
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    available_before = forms.DateField(label=_("Available before"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    sort = forms.ChoiceField(label=_("Sort by"), required=False,
                             choices=[("name", _("Name")), ("certified", _("Certified since"))])

    def __init__(self, *args, sectors, regions, levels, **kwargs):
        super().__init__(*args, **kwargs)
        # The lists were read once by the view: choosing one costs no further query.
        self.fields["sector"].choices = [("", _("All sectors"))] + [(s.code, s.name) for s in sectors]
        self.fields["region"].choices = [("", _("All regions"))] + [(r.code, r.name) for r in regions]
        codes = []
        for level in levels:
            if level.code not in dict(codes):
                codes.append((level.code, level.name))
        self.fields["level"].choices = [("", _("All levels"))] + codes
        self._sectors = {s.code: s for s in sectors}
        self._regions = {r.code: r for r in regions}

    def clean_sort(self):
        sort = self.cleaned_data.get("sort") or "name"
        return sort if sort in SORTS else "name"

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "sector": self._sectors.get(data.get("sector") or ""),
            "region": self._regions.get(data.get("region") or ""),
            "level_code": data.get("level") or "",
            "available_before": data.get("available_before"),
            "sort": data.get("sort") or "name",
        }


class RegisterContactForm(forms.Form):
    """A client's message to a listed manager; with a honeypot and a time check against spam."""

    MIN_SECONDS = 3

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    message = forms.CharField(label=_("Your message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    # Hidden from people by CSS; a bot that fills it in is refused.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = signing.Signer(salt="register-contact").sign(str(int(time.time())))

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("Your message could not be sent."))
        try:
            started = int(signing.Signer(salt="register-contact").unsign(data.get("started") or ""))
        except (signing.BadSignature, ValueError):
            raise forms.ValidationError(_("Your message could not be sent."))
        age = time.time() - started
        if age < self.MIN_SECONDS:  # faster than a person types
            raise forms.ValidationError(_("Your message could not be sent; please try again in a moment."))
        if age > 24 * 3600:
            raise forms.ValidationError(_("This form has expired; please reload the page."))
        return data
