"""Forms of the certification: they check the shape of input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import CertificationApplication, CertificationLevel, Evidence, PortfolioAssignment
from portal.forms import KeyedModelChoiceField


class LevelChoiceField(KeyedModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(name)s (EQF level %(eqf)s)") % {"name": obj.name, "eqf": obj.eqf_level}


class StartForm(forms.Form):
    level = LevelChoiceField(label=_("Level"), queryset=CertificationLevel.objects.none(), empty_label=None,
                             widget=forms.RadioSelect)

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels


class ApplicationForm(forms.ModelForm):
    level = LevelChoiceField(label=_("Level"), queryset=CertificationLevel.objects.none(), empty_label=None,
                             widget=forms.RadioSelect)

    class Meta:
        model = CertificationApplication
        fields = ["level", "years_experience", "assignment_count", "cv_summary", "motivation"]
        widgets = {"cv_summary": forms.Textarea(attrs={"rows": 6}), "motivation": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = self.instance.scheme.levels.all()


class AssignmentForm(forms.ModelForm):
    prefix = "assignment"

    class Meta:
        model = PortfolioAssignment
        fields = ["client", "role", "started_on", "ended_on", "description", "reference_name", "reference_email",
                  "reference_phone"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class EvidenceForm(forms.Form):
    prefix = "evidence"
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Evidence.Kind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )


class SubmitForm(forms.Form):
    prefix = "submit"
    declaration = forms.BooleanField(
        label=_("I declare that I will follow the association's code of conduct and that everything in this application is true."),
        required=True,
    )


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=40,
                             widget=forms.TextInput(attrs={"placeholder": "RQIM-2026-00123-7", "autocomplete": "off",
                                                           "spellcheck": "false", "autocapitalize": "characters"}))
