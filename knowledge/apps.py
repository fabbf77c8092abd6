from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge and permanent education")

    def ready(self):
        # Certification asks the PE ledger whether a cycle's requirement is met (members never imports knowledge).
        from knowledge.pe_selectors import pe_requirement_check
        from members.services.certification import pe_requirement_check_register

        pe_requirement_check_register(pe_requirement_check)

        # Checking in at an event that awards PE points credits the attendee's ledger.
        from knowledge import pe_receivers

        pe_receivers.connect()

        # The search form and the library list topics from the cache: a change retires them.
        from django.db.models.signals import post_delete, post_save

        from portal.cache import cache_purge

        Topic = self.get_model("Topic")
        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: cache_purge(), sender=Topic, weak=False, dispatch_uid=f"knowledge.topic.{signal}")
