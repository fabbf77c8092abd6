"""Reports › Outbox: what the secretariat may do with a failed e-mail.

Once the cause of a failure is mended (the mail server is back, a mailbox is no longer
full, an address is corrected at the member), the secretariat sends the message again,
one at a time from the message itself, or every failed message of one kind at once
from the listing. Each is a confirmation page and one service call in portal/mail.py.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from portal.exceptions import DomainError
from portal.mail import email_send_again, email_send_failed_again, outbox_failed
from portal.models import OutboundEmail
from portal.viewsets import HistoryInspectView

OUTBOX = "outbox"
SEND_AGAIN_PERMISSION = "portal.resend_outboundemail"


def _url(name: str, *args) -> str:
    return reverse(f"{OUTBOX}:{name}", args=args)


class OutboxIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(SEND_AGAIN_PERMISSION):
            # The kind chosen in the listing's filter, if one is: only those are sent again.
            kind = self.request.GET.get("kind")
            url = _url("send_failed_again") + (f"?{urlencode({'kind': kind})}" if kind else "")
            buttons.append(HeaderButton(_("Send failed e-mail again"), url=url, icon_name="mail"))
        return buttons


class OutboxInspectView(HistoryInspectView):
    def get_body_text_display_value(self):
        return linebreaksbr(self.object.body_text, autoescape=True)

    @cached_property
    def header_buttons(self):
        if self.object.status == OutboundEmail.Status.FAILED and self.request.user.has_perm(SEND_AGAIN_PERMISSION):
            return [HeaderButton(_("Send again"), url=_url("send_again", self.object.pk), icon_name="mail")]
        return []


class _ConfirmView(WagtailAdminTemplateMixin, FormView):
    """A confirmation page with a single button; the service runs on POST."""

    template_name = "members/admin/membership_action.html"
    form_class = forms.Form
    header_icon = "mail"
    submit_button_label = gettext_lazy("Send again")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(SEND_AGAIN_PERMISSION):
            raise PermissionDenied
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        pass

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": _url("index"), "label": _("Outbox")},
            *self.trail(),
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def trail(self) -> list[dict]:
        return []

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "action_url": self.request.get_full_path(),
            "cancel_url": self.cancel_url(),
            "submit_button_label": self.submit_button_label,
            "submit_button_classname": "button",
            "intro": self.intro(),
        }


class SendAgainView(_ConfirmView):
    page_title = gettext_lazy("Send e-mail again")

    def load(self, *, pk, **kwargs) -> None:
        self.object = get_object_or_404(OutboundEmail, pk=pk)

    def get_page_subtitle(self):
        return str(self.object.subject)

    def trail(self) -> list[dict]:
        return [{"url": _url("inspect", self.object.pk), "label": str(self.object.subject)}]

    def cancel_url(self):
        return _url("inspect", self.object.pk)

    def intro(self):
        return _(
            "It failed after %(attempts)s attempts: %(error)s. Send it again once the cause is mended; "
            "it gets a new series of attempts."
        ) % {"attempts": self.object.attempts, "error": self.object.last_error or "—"}

    def form_valid(self, form):
        try:
            email_send_again(pk=self.object.pk, actor=self.request.user)
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The message is queued to be sent again."))
        return redirect(_url("inspect", self.object.pk))


class SendFailedAgainView(_ConfirmView):
    """Every failed message, or those of the kind chosen in the listing's filter (?kind=...)."""

    page_title = gettext_lazy("Send failed e-mail again")

    @cached_property
    def kind(self) -> str:
        return (self.request.GET.get("kind") or "")[:100]

    @cached_property
    def failed_count(self) -> int:
        return outbox_failed(kind=self.kind).count()

    def get_page_subtitle(self):
        return self.kind or _("All kinds")

    def cancel_url(self):
        return _url("index")

    def intro(self):
        if not self.failed_count:
            return _("No message of this kind has failed: there is nothing to send again.")
        return ngettext(
            "%(count)s failed message is sent again, each with a new series of attempts. "
            "Do this once the cause is mended.",
            "%(count)s failed messages are sent again, each with a new series of attempts. "
            "Do this once the cause is mended.",
            self.failed_count,
        ) % {"count": self.failed_count}

    def form_valid(self, form):
        count = email_send_failed_again(actor=self.request.user, kind=self.kind)
        messages.success(
            self.request,
            ngettext("%(count)s message is queued to be sent again.", "%(count)s messages are queued to be sent again.", count)
            % {"count": count},
        )
        return redirect(_url("index"))
