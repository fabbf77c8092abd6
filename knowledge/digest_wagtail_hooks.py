"""The news digest in the Wagtail admin: its editions, "Send a digest now", the
subscriptions (read-only), and the audit actions.

Editors send an edition with `knowledge.add_digest` (portal/roles.py, Editors); the
monthly edition goes by itself (knowledge/tasks.py).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from knowledge.digest import digest_send_now
from knowledge.digest_models import Digest, DigestSubscription
from portal.audit import LogFormatter
from portal.exceptions import DomainError
from portal.viewsets import ServiceRecordViewSet

DIGESTS = "digests"


class DigestIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("knowledge.add_digest"):
            buttons.append(HeaderButton(_("Send a digest now"), url=reverse(f"{DIGESTS}:send"), icon_name="mail"))
        return buttons


class DigestSendView(WagtailAdminTemplateMixin, FormView):
    template_name = "members/admin/membership_action.html"
    page_title = gettext_lazy("Send a digest now")
    header_icon = "mail"
    form_class = forms.Form

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("knowledge.add_digest"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        intro = _(
            "Sends every confirmed subscriber, in their language, the news items and norm pages published since "
            "the last digest and the upcoming events. The monthly digest goes by itself."
        )
        return {
            **super().get_context_data(**kwargs),
            "action_url": self.request.path,
            "cancel_url": reverse(f"{DIGESTS}:index"),
            "submit_button_label": _("Send"),
            "submit_button_classname": "button",
            "intro": intro,
        }

    def form_valid(self, form):
        try:
            edition = digest_send_now(actor=self.request.user)
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Digest %(key)s is being sent.") % {"key": edition.key})
        return redirect(f"{DIGESTS}:index")


class DigestViewSet(ServiceRecordViewSet):
    model = Digest
    name = DIGESTS
    url_prefix = "digests"
    icon = "mail"
    menu_label = gettext_lazy("Digests")
    index_view_class = DigestIndexView
    list_display = ["key", "kind", "period_start", "period_end", "recipients", "created_by"]
    list_filter = ["kind"]
    ordering = ["-period_end"]
    inspect_view_enabled = True
    add_to_reference_index = False
    copy_view_enabled = False

    def get_action_urlpatterns(self):
        return [path("send/", DigestSendView.as_view(), name="send")]


class DigestSubscriptionViewSet(ServiceRecordViewSet):
    model = DigestSubscription
    name = "digest_subscriptions"
    url_prefix = "digest-subscriptions"
    icon = "user"
    menu_label = gettext_lazy("Subscribers")
    list_display = ["email", "status", "language", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "language"]
    search_fields = ["email"]
    search_backend_name = None
    ordering = ["email"]
    inspect_view_enabled = True
    inspect_view_fields = ["email", "status", "language", "user", "created_at", "confirmation_sent_at", "confirmed_at", "unsubscribed_at"]
    add_to_reference_index = False
    copy_view_enabled = False


class DigestViewSetGroup(ModelViewSetGroup):
    items = (DigestViewSet, DigestSubscriptionViewSet)
    menu_icon = "mail"
    menu_label = gettext_lazy("News digest")
    menu_name = "news-digest"
    menu_order = 270


@hooks.register("register_admin_viewset")
def register_digest_viewsets():
    return DigestViewSetGroup()


def _formatter(label, render):
    def format_message(self, log_entry):
        return str(render(log_entry.data or {}))

    return type("DigestLogFormatter", (LogFormatter,), {"label": label, "format_message": format_message})


LOG_ACTIONS = {
    "knowledge.digest_subscription.requested": _formatter(
        gettext_lazy("Digest subscription requested"),
        lambda d: _("Confirmation e-mail sent to %(email)s") % {"email": d.get("email", "")}),
    "knowledge.digest_subscription.confirmed": _formatter(
        gettext_lazy("Digest subscription confirmed"),
        lambda d: _("Subscription of %(email)s confirmed") % {"email": d.get("email", "")}),
    "knowledge.digest_subscription.unsubscribed": _formatter(
        gettext_lazy("Unsubscribed from the digest"),
        lambda d: _("%(email)s unsubscribed") % {"email": d.get("email", "")}),
    "knowledge.digest.created": _formatter(
        gettext_lazy("Digest sent"), lambda d: _("Digest %(key)s sent") % {"key": d.get("key", "")}),
}


@hooks.register("register_log_actions")
def register_digest_log_actions(actions):
    for action, formatter_class in LOG_ACTIONS.items():
        actions.register_action(action)(formatter_class)
