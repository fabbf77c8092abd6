"""Staff actions on one registration in the Wagtail admin: mark a bank transfer as paid,
cancel on someone's behalf. Each is a confirmation page and one service call."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.generic.edit import FormView
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from events import services
from events.models import EventPage, Registration
from portal.exceptions import DomainError

CHANGE_PERMISSION = "events.change_registration"


class RegistrationInspectView(InspectView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if not self.request.user.has_perm(CHANGE_PERMISSION):
            return buttons
        if self.object.status == Registration.Status.AWAITING_PAYMENT:
            buttons.append(
                HeaderButton(_("Mark as paid"), url=reverse("event_registrations:mark_paid", args=[self.object.pk]), icon_name="success")
            )
        if self.object.status != Registration.Status.CANCELLED and not self.object.checked_in_at:
            buttons.append(
                HeaderButton(_("Cancel registration"), url=reverse("event_registrations:cancel", args=[self.object.pk]), icon_name="cross")
            )
        return buttons


class RegistrationActionView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/admin/registration_action.html"
    header_icon = "list-ul"
    intro = ""
    submit_button_label = gettext_lazy("Confirm")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        self.object = get_object_or_404(Registration.objects.select_related("event", "user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def inspect_url(self):
        return reverse("event_registrations:inspect", args=[self.object.pk])

    def get_page_subtitle(self):
        return f"{self.object.attendee_name} · {self.object.event.title}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            registration=self.object,
            intro=self.intro,
            cancel_url=self.inspect_url,
            submit_button_label=self.submit_button_label,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            self.run_service()
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.success_message)
        return redirect(self.inspect_url)


class MarkPaidView(RegistrationActionView):
    page_title = gettext_lazy("Mark as paid")
    intro = gettext_lazy("The payment has been received: the registration is confirmed and the ticket is sent.")
    submit_button_label = gettext_lazy("Mark as paid")
    success_message = gettext_lazy("Payment recorded; the ticket is on its way.")

    def run_service(self):
        services.registration_transfer_record(registration=self.object, actor=self.request.user)


class CancelView(RegistrationActionView):
    page_title = gettext_lazy("Cancel registration")
    intro = gettext_lazy("The seat is freed and offered to the first person on the waiting list.")
    submit_button_label = gettext_lazy("Cancel registration")
    success_message = gettext_lazy("Registration cancelled.")

    def run_service(self):
        services.registration_cancel(registration=self.object, actor=self.request.user, by_staff=True)


class AttendeeMessageForm(forms.Form):
    event = forms.ModelChoiceField(label=gettext_lazy("Event"), queryset=EventPage.objects.none())
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=150)
    body = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = EventPage.objects.filter(
            locale__language_code=settings.LANGUAGE_CODE, end__gte=timezone.now() - timedelta(days=30)
        ).order_by("start")


class MessageAttendeesView(WagtailAdminTemplateMixin, FormView):
    """Write to every confirmed attendee of an event; a task sends it, once to each."""

    template_name = "members/admin/membership_action.html"
    page_title = gettext_lazy("Message attendees")
    header_icon = "mail"
    form_class = AttendeeMessageForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"event": self.request.GET.get("event") or None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path,
            cancel_url=reverse("event_registrations:index"),
            submit_button_label=_("Send to all confirmed attendees"),
            submit_button_classname="button",
            intro=_("Each confirmed attendee (guests too) receives the message once by e-mail, with a link to their ticket."),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.attendee_message_send(actor=self.request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The message is on its way to the attendees."))
        return redirect(reverse("event_registrations:index") + f"?event={form.cleaned_data['event'].pk}")
