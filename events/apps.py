from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from wagtail.signals import page_published

        from events.receivers import event_published

        page_published.connect(event_published, dispatch_uid="events.event_published")

        from members import signals as member_signals

        from events import receivers

        member_signals.charge_paid.connect(receivers.charge_paid, dispatch_uid="events.charge_paid")
        member_signals.charge_expired.connect(receivers.charge_closed, dispatch_uid="events.charge_expired")
        member_signals.charge_cancelled.connect(receivers.charge_closed, dispatch_uid="events.charge_cancelled")
        member_signals.charge_refunded.connect(receivers.charge_refunded, dispatch_uid="events.charge_refunded")
