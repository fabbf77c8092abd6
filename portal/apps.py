from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from portal.accounts import record_second_factor_on_activation

        authenticator_added.connect(record_second_factor_on_activation, dispatch_uid="portal_second_factor_on_activation")

        from portal.cache import connect_signals

        connect_signals()

        from portal import role_audit

        role_audit.connect_signals()
