"""Knowledge sessions and events: the pages editors publish and the records of who comes.

An event is an `EventPage` (one per language, sharing a `translation_key`). All
operational records (seat counter, registrations, waiting list) hang on the page in
the default language, the *source* page, so the Dutch and English pages share one
set of seats. `EventCapacity` is the one small row that registrations lock: never
the Wagtail page row, which editors and the page tree also lock.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.module_loading import import_string
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import BodyBlock
from portal.cache import CachedViewRestrictionsMixin, default_locale_id



def _view(name: str):
    """A route's view in events/views.py. The views build on these models, so the page
    finds them by name at request time, as a URLconf does, instead of importing them."""
    return import_string(f"events.views.{name}")


class EventType(models.TextChoices):
    KNOWLEDGE_SESSION = "knowledge_session", _("Knowledge session")
    WEBINAR = "webinar", _("Webinar")
    REGIONAL_MEETING = "regional_meeting", _("Regional meeting")
    CONGRESS = "congress", _("Congress")


class Region(models.TextChoices):
    NORTH = "north", _("North")
    EAST = "east", _("East")
    SOUTH = "south", _("South")
    WEST = "west", _("West")
    CENTRE = "centre", _("Centre")
    ONLINE = "online", _("Online")


class PECategory(models.TextChoices):
    """A label for the kind of permanent education an event counts as.

    A plain choice until the knowledge app defines its PE categories; the
    attendance signal passes the value on, so the knowledge app can map it.
    """

    KNOWLEDGE = "knowledge", _("Professional knowledge")
    SKILLS = "skills", _("Skills and reflection")
    NETWORK = "network", _("Peer review and network")


class SpeakerBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120, label=_("Name"))
    role = blocks.CharBlock(max_length=200, required=False, label=_("Role or organisation"))
    bio = blocks.TextBlock(required=False, label=_("Short biography"))

    class Meta:
        icon = "user"
        label = _("Speaker")
        template = "events/blocks/speaker.html"
        preview_value = {"name": "Marieke de Wit", "role": "Interim CFO", "bio": ""}


class EventChildRouteMixin:
    """The events index's children are event pages: look a child up as one, in one query
    instead of Wagtail's two (the base page, then the event page). Anything else (no such
    event page) goes through Wagtail's own routing, 404 included."""

    def route(self, request, path_components):
        if path_components:
            child = EventPage.objects.child_of(self).filter(slug=path_components[0]).first()
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


class EventIndexPage(RoutablePageMixin, EventChildRouteMixin, CachedViewRestrictionsMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("events index")

    def get_context(self, request, *args, **kwargs):
        event_index_context = import_string("events.selectors.event_index_context")

        context = super().get_context(request, *args, **kwargs)
        context.update(event_index_context(index=self, request=request))
        return context

    @path("")
    def index_route(self, request, *args, **kwargs):
        return self.render(request)

    @path("calendar/", name="calendar")
    def calendar_route(self, request):
        return _view("calendar_settings")(request, self)


class EventPage(RoutablePageMixin, CachedViewRestrictionsMixin, Page):
    """One event. Its registration, ticket, check-in and calendar views are routes under it
    (events/views.py), so they follow the page into each language."""

    event_type = models.CharField(
        _("type"), max_length=30, choices=EventType.choices, default=EventType.KNOWLEDGE_SESSION
    )
    start = models.DateTimeField(_("start"), help_text=_("Dutch time (Europe/Amsterdam)."))
    end = models.DateTimeField(_("end"))
    is_cancelled = models.BooleanField(
        _("cancelled"), default=False, help_text=_("The event will not take place. Calendars show it as cancelled.")
    )
    lead = models.TextField(_("lead"), help_text=_("One or two sentences shown in lists and calendars."))
    description = StreamField(BodyBlock(), blank=True, verbose_name=_("description"))
    speakers = StreamField([("speaker", SpeakerBlock())], blank=True, verbose_name=_("speakers"))

    venue_name = models.CharField(_("venue"), max_length=150, blank=True)
    venue_address = models.TextField(_("address"), blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    online_url = models.URLField(
        _("online link"), blank=True, help_text=_("Only registered attendees see this link.")
    )

    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)], default=50)
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: when the event starts.")
    )
    cancellation_deadline = models.DateTimeField(
        _("cancellation deadline"), null=True, blank=True, help_text=_("Empty: until the event starts.")
    )
    refund_on_cancellation = models.BooleanField(
        _("refund on cancellation"),
        default=True,
        help_text=_("Attendees who cancel before the deadline get their payment back."),
    )
    allow_guests = models.BooleanField(
        _("members may register a colleague"), default=True, help_text=_("A guest pays the non-member price.")
    )
    member_price = models.DecimalField(
        _("member price"), max_digits=8, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(0)],
        help_text=_("In euros, VAT included. 0 is free."),
    )
    non_member_price = models.DecimalField(
        _("non-member price"), max_digits=8, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(0)],
        help_text=_("In euros, VAT included. 0 is free. Guests pay this price too."),
    )
    pe_points = models.DecimalField(
        _("PE points"), max_digits=5, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    pe_category = models.CharField(_("PE category"), max_length=20, choices=PECategory.choices, blank=True)
    materials = StreamField(
        [("document", DocumentChooserBlock(label=_("Document")))],
        blank=True,
        verbose_name=_("materials"),
        help_text=_("Shown after the event to attendees and members."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("event_type"),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("is_cancelled"),
            ],
            heading=_("When"),
        ),
        FieldPanel("lead"),
        FieldPanel("description"),
        FieldPanel("speakers"),
        MultiFieldPanel(
            [FieldPanel("venue_name"), FieldPanel("venue_address"), FieldPanel("region"), FieldPanel("online_url")],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("registration_opens"), FieldPanel("registration_closes")]),
                FieldRowPanel([FieldPanel("cancellation_deadline"), FieldPanel("refund_on_cancellation")]),
                FieldRowPanel([FieldPanel("member_price"), FieldPanel("non_member_price")]),
                FieldPanel("allow_guests"),
            ],
            heading=_("Registration"),
        ),
        MultiFieldPanel([FieldRowPanel([FieldPanel("pe_points"), FieldPanel("pe_category")])], heading=_("Permanent education")),
        FieldPanel("materials"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("description"),
        index.FilterField("start"),
        index.FilterField("event_type"),
        index.FilterField("region"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})
        if self.registration_opens and self.registration_closes and self.registration_closes <= self.registration_opens:
            raise ValidationError({"registration_closes": _("Registration must close after it opens.")})
        if not self.online_url and not self.venue_name:
            raise ValidationError({"venue_name": _("Give a venue or an online link.")})

    # --- derived facts (no queries) ---

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue_name

    @property
    def hours(self) -> Decimal:
        """The length of the event in hours, to one decimal (shown on the certificate)."""
        seconds = (self.end - self.start).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))

    @property
    def is_free(self) -> bool:
        return not self.member_price and not self.non_member_price

    def is_past(self, now=None) -> bool:
        return self.end <= (now or timezone.now())

    def registration_closes_at(self):
        return self.registration_closes or self.start

    def cancellation_deadline_at(self):
        return self.cancellation_deadline or self.start

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.is_cancelled:
            return False
        if self.registration_opens and now < self.registration_opens:
            return False
        return now < self.registration_closes_at()

    def source_page_id(self) -> int:
        """The id of the page in the default language that holds the registrations.

        Pages created in Dutch are their own source; an English translation asks once."""
        default_id = default_locale_id()  # from the cache: no query
        if default_id:
            is_source = self.locale_id == default_id
        else:
            is_source = self.locale.language_code == settings.LANGUAGE_CODE
        if is_source:
            return self.pk
        source = (
            EventPage.objects.filter(translation_key=self.translation_key, locale__language_code=settings.LANGUAGE_CODE)
            .values_list("pk", flat=True)
            .first()
        )
        return source or self.pk

    def get_context(self, request, *args, **kwargs):
        event_page_context = import_string("events.selectors.event_page_context")

        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(page=self, request=request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # What the page shows depends on who is signed in (registered, on the waiting list).
        patch_vary_headers(response, ["Cookie"])
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    @path("")
    def event_route(self, request, *args, **kwargs):
        return self.render(request)

    @path("register/", name="register")
    def register_route(self, request):
        return _view("register")(request, self)

    @path("waitlist/", name="waitlist_join")
    def waitlist_join_route(self, request):
        return _view("waitlist_join")(request, self)

    @re_path(r"^waitlist/(?P<pk>\d+)/(?P<action>accept|decline|leave)/$", name="waitlist_action")
    def waitlist_action_route(self, request, pk, action):
        return _view("waitlist_action")(request, self, int(pk), action)

    @re_path(r"^ticket/(?P<code>[\w-]{8,32})/$", name="ticket")
    def ticket_route(self, request, code):
        return _view("ticket")(request, self, code)

    @re_path(r"^ticket/(?P<code>[\w-]{8,32})/pdf/$", name="ticket_pdf")
    def ticket_pdf_route(self, request, code):
        return _view("ticket_pdf")(request, self, code)

    @re_path(r"^ticket/(?P<code>[\w-]{8,32})/certificate/$", name="certificate")
    def certificate_route(self, request, code):
        return _view("certificate_pdf")(request, self, code)

    @re_path(r"^ticket/(?P<code>[\w-]{8,32})/pay/$", name="pay")
    def pay_route(self, request, code):
        return _view("pay")(request, self, code)

    @re_path(r"^ticket/(?P<code>[\w-]{8,32})/cancel/$", name="cancel")
    def cancel_route(self, request, code):
        return _view("cancel")(request, self, code)

    @path("ical/", name="ics")
    def ics_route(self, request):
        return _view("event_ics")(request, self)

    @path("check-in/", name="check_in")
    def check_in_route(self, request):
        return _view("check_in")(request, self)


class EventCapacity(models.Model):
    """The row that registrations for one event lock, and the calendar SEQUENCE.

    Kept apart from the page so that taking a seat locks one small row briefly and
    never the Wagtail page (which publishing, moving and editing lock too).
    """

    event = models.OneToOneField(EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="capacity_row")
    calendar_sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)

    class Meta:
        verbose_name = _("event capacity")
        verbose_name_plural = _("event capacities")

    def __str__(self):
        return str(self.event)


def ticket_code_new() -> str:
    """An unguessable ticket code: 16 characters, about 95 bits of randomness."""
    return secrets.token_urlsafe(12)


def calendar_token_new() -> str:
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    """A seat for one person: the registering user themself, or a colleague they named (a guest)."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    # Statuses that hold a seat.
    SEAT_STATUSES = (Status.AWAITING_PAYMENT, Status.CONFIRMED)

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("person who registered", "registered by"),
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    guest_name = models.CharField(_("guest name"), max_length=150, blank=True, help_text=_("Empty: the user comes themself."))
    guest_email = models.EmailField(_("guest e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED, db_index=True)
    code = models.CharField(_("ticket code"), max_length=32, unique=True, default=ticket_code_new, editable=False)
    price = models.DecimalField(_("price"), max_digits=8, decimal_places=2, default=Decimal("0.00"))
    member_price_applied = models.BooleanField(_("member price"), default=False)
    payment_reference = models.CharField(_("payment reference"), max_length=40, blank=True)
    hold_expires_at = models.DateTimeField(_("seat held until"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    charge = models.OneToOneField(
        "members.Charge", verbose_name=_("payment"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="event_registration",
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("ticket sent"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    materials_sent_at = models.DateTimeField(_("materials sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("event registration", "registration")
        verbose_name_plural = pgettext_lazy("event registrations", "registrations")
        ordering = ["created_at", "pk"]
        permissions = [("check_in_registration", _("Can check attendees in"))]
        constraints = [
            # One live registration per person and event (a guest is a separate person).
            models.UniqueConstraint(
                fields=["event", "user", "guest_name"],
                condition=~Q(status="cancelled"),
                name="registration_one_live_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="awaiting_payment") | Q(hold_expires_at__isnull=False),
                name="registration_hold_has_expiry",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="registration_checked_in_is_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.attendee_name} · {self.event}"

    @property
    def is_guest(self) -> bool:
        return bool(self.guest_name)

    @property
    def attendee_name(self) -> str:
        if self.guest_name:
            return self.guest_name
        return self.user.get_full_name() or self.user.email

    @property
    def email(self) -> str:
        return self.guest_email if self.guest_name else self.user.email

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_STATUSES


class WaitlistEntry(models.Model):
    """A place on an event's waiting list. First come, first served: order by `joined_at`, then id."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Seat offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Offer expired")
        LEFT = "left", _("Left the list")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")

    ACTIVE_STATUSES = (Status.WAITING, Status.OFFERED)

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.PROTECT, related_name="waitlist_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="event_waitlist_entries"
    )
    guest_name = models.CharField(_("guest name"), max_length=150, blank=True)
    guest_email = models.EmailField(_("guest e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WAITING, db_index=True)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    offer_sent_at = models.DateTimeField(_("offer sent"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    registration = models.OneToOneField(
        Registration, verbose_name=pgettext_lazy("event registration", "registration"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="waitlist_entry",
    )

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user", "guest_name"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="waitlist_offer_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "joined_at"])]

    def __str__(self):
        return f"{self.person_name} · {self.event}"

    @property
    def person_name(self) -> str:
        if self.guest_name:
            return self.guest_name
        return self.user.get_full_name() or self.user.email


class CalendarToken(models.Model):
    """The secret in the address of a person's own calendar feed; resetting replaces it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="event_calendar_token"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=calendar_token_new)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self):
        return str(self.user)


def payment_hold() -> timedelta:
    """How long an unpaid registration keeps its seat: minutes when paid online, days by transfer."""
    if settings.STRIPE_ENABLED:
        return timedelta(minutes=settings.EVENTS_PAYMENT_HOLD_MINUTES)
    return timedelta(days=settings.EVENTS_TRANSFER_HOLD_DAYS)


# The reason on registrations cancelled because the association cancelled the event.
EVENT_CANCELLED_REASON = "event cancelled"
# How long a waiting-list offer stands.
OFFER_VALIDITY = timedelta(hours=48)


class AttendeeMessage(models.Model):
    """A message staff send to every confirmed attendee of an event, through the outbox.

    Each attendee gets it once: the delivery task queues one e-mail per registration
    under a key made of the message and the registration, so running it again sends
    nothing twice."""

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.PROTECT, related_name="attendee_messages")
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("queued for all attendees"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("message to attendees")
        verbose_name_plural = _("messages to attendees")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.subject} · {self.event}"
