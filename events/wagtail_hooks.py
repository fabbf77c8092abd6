"""The events app in the Wagtail admin: attendee lists (with CSV export), the waiting
list, and the audit actions the events services write.

The Secretariat group views registrations and the waiting list and checks people in
(see portal/roles.py); editors publish the event pages themselves.
"""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import NullAdminURLFinder
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from events.admin_views import CancelView, MarkPaidView, MessageAttendeesView, RegistrationInspectView
from events.models import EVENT_CANCELLED_REASON, Registration, WaitlistEntry
from portal.audit import LogFormatter
from portal.viewsets import inspect_url_finder


class _EventsLogFormatter(LogFormatter):
    def status_label(self, model, value):
        try:
            return str(model.Status(value).label)
        except ValueError:
            return value or "—"


LOG_ACTIONS = {
    "events.registration.created": (_("Registered for an event"), "registration"),
    "events.registration.cancelled": (_("Event registration cancelled"), "registration"),
    "events.registration.paid": (_("Event registration paid"), "registration"),
    "events.registration.hold_released": (_("Unpaid seat released"), "registration"),
    "events.registration.paid_after_cancel": (_("Payment arrived after the seat was released; refunded"), "registration"),
    "events.registration.refunded": (_("Payment refunded"), "registration"),
    "events.registration.checked_in": (_("Checked in"), "registration"),
    "events.registration.check_in_undone": (_("Check-in undone"), "registration"),
    "events.message.sent": (_("Message sent to the attendees"), "message"),
    "events.waitlist.joined": (_("Joined the waiting list"), "waitlist"),
    "events.waitlist.offered": (_("Seat offered from the waiting list"), "waitlist"),
    "events.waitlist.accepted": (_("Offered seat accepted"), "waitlist"),
    "events.waitlist.declined": (_("Offered seat declined"), "waitlist"),
    "events.waitlist.expired": (_("Seat offer expired"), "waitlist"),
    "events.waitlist.left": (_("Left the waiting list"), "waitlist"),
    "events.waitlist.event_cancelled": (_("Waiting list closed: the event was cancelled"), "waitlist"),
}


def _formatter(action: str, label):
    class Formatter(_EventsLogFormatter):
        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = str(label)
            if action == "events.registration.created":
                status = self.status_label(Registration, data.get("status"))
                message = gettext("Registered (%(status)s, € %(price)s)") % {"status": status, "price": data.get("price", "0.00")}
                if data.get("guest"):
                    message += " · " + gettext("guest: %(name)s") % {"name": data["guest"]}
            elif action == "events.registration.cancelled" and data.get("reason") == EVENT_CANCELLED_REASON:
                message = gettext("Registration cancelled: the association cancelled the event")
            elif action == "events.registration.cancelled" and data.get("reason"):
                message = f"{message}: {data['reason']}"
            elif action == "events.message.sent" and data.get("subject"):
                message = f"{message}: {data['subject']}"
            elif action == "events.registration.refunded" and data.get("amount"):
                message = gettext("Refunded: € %(amount)s") % {"amount": data["amount"]}
            elif action == "events.waitlist.offered" and data.get("expires_at"):
                message = gettext("Seat offered until %(time)s") % {"time": data["expires_at"][:16].replace("T", " ")}
            return message

    Formatter.label = label
    return Formatter


@hooks.register("register_log_actions")
def register_events_log_actions(actions):
    for action, (label, _kind) in LOG_ACTIONS.items():
        actions.register_action(action)(_formatter(action, label))


class RegistrationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event", "user")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("events.change_registration"):
            url = reverse("event_registrations:message")
            event = self.request.GET.get("event")
            if event and event.isdigit():
                url += f"?event={event}"
            buttons.append(HeaderButton(gettext("Message attendees"), url=url, icon_name="mail"))
        return buttons


class WaitlistIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event", "user")


class RegistrationViewSet(ModelViewSet):
    """Attendees per event (filter by event), with status, check-in and a CSV export.

    Nothing is edited here: registrations change only through the services
    (the attendee's own pages and the check-in page)."""

    model = Registration
    index_view_class = RegistrationIndexView
    inspect_view_class = RegistrationInspectView
    name = "event_registrations"
    url_prefix = "events/registrations"
    icon = "list-ul"
    menu_label = _("Attendees")
    menu_name = "event-attendees"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_filter = ["event", "status"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "guest_name", "code"]
    search_backend_name = None
    ordering = ["event", "created_at"]
    list_per_page = 100
    list_display = [
        TitleColumn("attendee_name", label=_("Attendee"), url_name="event_registrations:inspect"),
        Column("event", label=_("Event")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("checked_in_at", label=_("Checked in")),
        Column("price", label=_("Price (€)")),
    ]
    list_export = ["attendee_name", "email", "event", "status", "price", "payment_reference", "created_at", "checked_in_at"]
    export_headings = {
        "attendee_name": _("Attendee"),
        "email": _("E-mail"),
        "event": _("Event"),
        "status": _("Status"),
        "price": _("Price (€)"),
        "payment_reference": _("Payment reference"),
        "created_at": _("Registered"),
        "checked_in_at": _("Checked in"),
    }
    inspect_view_fields = [
        "event",
        "user",
        "guest_name",
        "guest_email",
        "status",
        "code",
        "price",
        "payment_reference",
        "charge",
        "hold_expires_at",
        "paid_at",
        "checked_in_at",
        "cancelled_at",
        "created_at",
    ]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "usage_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self):
        from django.urls import path

        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
            path("mark-paid/<int:pk>/", MarkPaidView.as_view(), name="mark_paid"),
            path("cancel/<int:pk>/", CancelView.as_view(), name="cancel"),
            path("message/", MessageAttendeesView.as_view(), name="message"),
        ]

    @property
    def url_finder_class(self):
        return inspect_url_finder(self)  # there is no edit view: the site history links to the inspect view


class WaitlistViewSet(ModelViewSet):
    model = WaitlistEntry
    index_view_class = WaitlistIndexView
    name = "event_waitlist"
    url_prefix = "events/waitlist"
    icon = "time"
    menu_label = _("Waiting list")
    menu_name = "event-waitlist"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_filter = ["event", "status"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "guest_name"]
    search_backend_name = None
    ordering = ["event", "joined_at", "pk"]
    list_per_page = 100
    list_display = [
        Column("person_name", label=_("Person")),
        Column("event", label=_("Event")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("joined_at", label=_("Joined")),
        DateColumn("offer_expires_at", label=_("Offer expires")),
    ]
    list_export = ["person_name", "event", "status", "joined_at", "offer_expires_at"]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "usage_url_name", "inspect_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self):
        from django.urls import path

        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    url_finder_class = NullAdminURLFinder  # no page of its own: the site history shows entries unlinked


class EventsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Events")
    menu_name = "events"
    menu_icon = "date"
    menu_order = 260
    items = (RegistrationViewSet, WaitlistViewSet)


@hooks.register("register_admin_viewset")
def register_events_viewsets():
    return EventsViewSetGroup()


@hooks.register("library_session_materials")
def library_session_materials(*, locale_id, limit):
    """The knowledge library lists the materials of past events (knowledge/library.py)."""
    from events.selectors import event_materials_past

    return event_materials_past(locale_id=locale_id, limit=limit)


@hooks.register("digest_upcoming_events")
def digest_upcoming_events(*, locale_id, limit):
    """The news digest (knowledge/digest.py) lists the upcoming events."""
    from events.selectors import events_upcoming_brief

    return events_upcoming_brief(locale_id=locale_id, limit=limit)
