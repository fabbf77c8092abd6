"""The public side of a consultation: the draft's criteria with a comment form, the
respondent's own page (reached by the e-mailed link), and the report once closed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from knowledge import consultation as services
from knowledge.consultation_models import Consultation, ConsultationRespondent
from members.models import Criterion
from members.selectors import user_is_active_member
from portal.exceptions import DomainError
from portal.forms import KeyedModelChoiceField


class RespondentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=150, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("I respond as"),
        choices=[choice for choice in ConsultationRespondent.Kind.choices if choice[0] != ConsultationRespondent.Kind.MEMBER],
        widget=forms.RadioSelect,
    )
    show_name = forms.BooleanField(
        label=gettext_lazy("My name may appear with my comments in the public report"), required=False
    )


class CommentForm(forms.Form):
    criterion = KeyedModelChoiceField(label=gettext_lazy("Criterion"), queryset=Criterion.objects.none(), empty_label=None)
    text = forms.CharField(label=gettext_lazy("Your comment"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    show_name = forms.BooleanField(
        label=gettext_lazy("My name may appear with my comments in the public report"), required=False
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = (
            Criterion.objects.filter(area__norm_version=consultation.norm_version)
            .select_related("area").order_by("area__sort_order", "sort_order", "code")
        )
        self.fields["criterion"].label_from_instance = lambda criterion: f"{criterion.code} {criterion.text}"


def _consultation(pk: int) -> Consultation:
    return get_object_or_404(Consultation.objects.select_related("norm_version__scheme"), pk=pk)


def _comment(request, consultation, respondent, redirect_to):
    form = CommentForm(request.POST, consultation=consultation, initial={"show_name": respondent.show_name})
    if form.is_valid():
        try:
            services.consultation_comment_add(
                respondent=respondent, criterion=form.cleaned_data["criterion"], text=form.cleaned_data["text"],
                show_name=form.cleaned_data["show_name"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you: your comment is saved. The committee will consider it."))
            return redirect(redirect_to), form
    return None, form


@never_cache
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    consultation = _consultation(pk)
    now = timezone.now()
    is_member = user_is_active_member(user=request.user)
    respondent_form = comment_form = None
    if consultation.is_open(now):
        if is_member:
            comment_form = CommentForm(consultation=consultation)
        else:
            respondent_form = RespondentForm()
    if request.method == "POST":
        try:
            if is_member:
                respondent = services.consultation_respondent_for_member(consultation=consultation, user=request.user)
                response, comment_form = _comment(request, consultation, respondent, request.path)
                if response:
                    return response
            else:
                respondent_form = RespondentForm(request.POST)
                if respondent_form.is_valid():
                    data = respondent_form.cleaned_data
                    services.consultation_respondent_register(
                        consultation=consultation, email=data["email"], name=data["name"], organisation=data["organisation"],
                        kind=data["kind"], show_name=data["show_name"], language=translation.get_language(),
                    )
                    messages.success(request, _("We sent you an e-mail with a link. Follow it to confirm your address and comment."))
                    return redirect(request.path)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(request.path)
    return render(request, "knowledge/consultation.html", {
        "consultation": consultation,
        "state": consultation.state(now),
        "areas": services.consultation_criteria(consultation=consultation),
        "respondent_form": respondent_form,
        "comment_form": comment_form,
    })


@never_cache
@require_http_methods(["GET", "POST"])
def respondent(request, pk: int, token: str):
    consultation = _consultation(pk)
    found = ConsultationRespondent.objects.filter(consultation=consultation, token=token).first()
    if found is None:
        raise Http404
    now = timezone.now()
    comment_form = CommentForm(consultation=consultation, initial={"show_name": found.show_name}) if consultation.is_open(now) else None
    if request.method == "POST":
        if found.verified_at is None:
            services.consultation_respondent_verify(respondent=found)
            messages.success(request, _("Your address is confirmed. You can comment now."))
            return redirect(request.path)
        if comment_form is None:
            messages.error(request, _("This consultation has closed; comments are no longer accepted."))
            return redirect(request.path)
        response, comment_form = _comment(request, consultation, found, request.path)
        if response:
            return response
    return render(request, "knowledge/consultation_respondent.html", {
        "consultation": consultation,
        "respondent": found,
        "comment_form": comment_form,
        "comments": found.comments.select_related("criterion").order_by("created_at"),
    })


@require_GET
def report(request, pk: int):
    consultation = _consultation(pk)
    if consultation.state() != Consultation.State.CLOSED:
        raise Http404
    return render(request, "knowledge/consultation_report.html", {
        "consultation": consultation,
        **services.consultation_report(consultation=consultation),
    })
