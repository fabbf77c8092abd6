"""Consultations in the Wagtail admin: editors open one on a draft norm version for a
set period; the norm committee reads the comments grouped by criterion and records
how it handled each (knowledge.consultation.consultation_comment_handle)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from knowledge import consultation as services
from knowledge.consultation_models import Consultation, ConsultationComment
from portal.audit import LogFormatter
from portal.exceptions import DomainError

CONSULTATIONS = "consultations"


class HandlingForm(forms.Form):
    handling = forms.ChoiceField(
        label=gettext_lazy("Handling"),
        choices=[c for c in ConsultationComment.Handling.choices if c[0] != ConsultationComment.Handling.PENDING],
    )
    response = forms.CharField(label=gettext_lazy("Response (public in the report)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CommentsView(WagtailAdminTemplateMixin, TemplateView):
    """The comments of one consultation, grouped by criterion, each with its handling form."""

    template_name = "knowledge/admin/consultation_comments.html"
    page_title = gettext_lazy("Comments by criterion")
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("knowledge.view_consultationcomment"):
            raise PermissionDenied
        self.consultation = get_object_or_404(Consultation.objects.select_related("norm_version__scheme"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.consultation)

    def get_context_data(self, **kwargs):
        groups = services.consultation_comments_by_criterion(consultation=self.consultation)
        can_handle = self.request.user.has_perm("knowledge.change_consultationcomment")
        return {
            **super().get_context_data(**kwargs),
            "consultation": self.consultation,
            "groups": [
                (criterion, [(comment, HandlingForm(initial={"handling": comment.handling, "response": comment.response}, prefix=f"c{comment.pk}")) for comment in comments])
                for criterion, comments in groups
            ],
            "can_handle": can_handle,
            "report": services.consultation_report(consultation=self.consultation),
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("knowledge.change_consultationcomment"):
            raise PermissionDenied
        comment = get_object_or_404(ConsultationComment, pk=request.POST.get("comment"), consultation=self.consultation)
        form = HandlingForm(request.POST, prefix=f"c{comment.pk}")
        if not form.is_valid():
            messages.error(request, _("Nothing was changed; choose how the comment was handled."))
        else:
            try:
                services.consultation_comment_handle(
                    comment=comment, handling=form.cleaned_data["handling"], response=form.cleaned_data["response"], actor=request.user
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The handling of the comment on %(code)s is saved.") % {"code": comment.criterion.code})
        return redirect(f"{CONSULTATIONS}:comments", self.consultation.pk)


class CommentsLinkColumn(Column):
    def get_value(self, instance):
        return format_html('<a href="{}">{}</a>', reverse(f"{CONSULTATIONS}:comments", args=[instance.pk]), _("Comments by criterion"))


class ConsultationViewSet(ModelViewSet):
    model = Consultation
    name = CONSULTATIONS
    url_prefix = "consultations"
    icon = "comment"
    menu_label = gettext_lazy("Consultations")
    menu_order = 265
    add_to_admin_menu = True
    list_display = [
        "__str__", "opens_at", "closes_at",
        CommentsLinkColumn("comments", label=gettext_lazy("Comments")),
    ]
    ordering = ["-opens_at"]
    copy_view_enabled = False
    add_to_reference_index = False

    def get_queryset(self, request):
        return Consultation.objects.select_related("norm_version__scheme")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("<int:pk>/comments/", CommentsView.as_view(), name="comments")]


@hooks.register("register_admin_viewset")
def register_consultation_viewset():
    return ConsultationViewSet()


def _formatter(label, render):
    def format_message(self, log_entry):
        return str(render(log_entry.data or {}))

    return type("ConsultationLogFormatter", (LogFormatter,), {"label": label, "format_message": format_message})


LOG_ACTIONS = {
    "knowledge.consultation_respondent.registered": _formatter(
        gettext_lazy("Respondent registered"), lambda d: _("Link to comment sent (%(kind)s)") % {"kind": d.get("kind", "")}),
    "knowledge.consultation_respondent.verified": _formatter(
        gettext_lazy("Respondent's address confirmed"), lambda d: _("Address confirmed for %(consultation)s") % {"consultation": d.get("consultation", "")}),
    "knowledge.consultation_comment.added": _formatter(
        gettext_lazy("Consultation comment added"), lambda d: _("Comment on criterion %(code)s") % {"code": d.get("criterion", "")}),
    "knowledge.consultation_comment.handled": _formatter(
        gettext_lazy("Consultation comment handled"),
        lambda d: _("Comment on criterion %(code)s handled: %(handling)s") % {
            "code": d.get("criterion", ""),
            "handling": ConsultationComment.Handling(d["handling"]).label if d.get("handling") in ConsultationComment.Handling.values else d.get("handling", ""),
        }),
}


@hooks.register("register_log_actions")
def register_consultation_log_actions(actions):
    for action, formatter_class in LOG_ACTIONS.items():
        actions.register_action(action)(formatter_class)
