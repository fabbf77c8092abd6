from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        # The members-only page hook (Wagtail's before_serve_page).
        from members import page_access  # noqa: F401
        from members.credentials import checks  # noqa: F401  (the signing key system check)
        from members.register_index import connect

        connect()  # the register's search documents follow the profiles

        # The certification fee is a one-off payment; its arrival marks the application paid.
        from members import signals
        from members.services.certification import application_fee_charge_paid

        signals.charge_paid.connect(application_fee_charge_paid, dispatch_uid="members.certification_fee_paid")

