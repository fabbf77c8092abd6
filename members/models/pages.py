"""The public page that lists the membership plans and their dues."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from portal.blocks import BodyBlock


class MembershipFeesPage(Page):
    """"Contributie": the editor writes the text around it; the plans and prices come from
    the membership plans the secretariat manages, so the page is never out of date."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("text below the plans"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        HelpPanel(
            content=_("The plans and their dues are listed here automatically, from the membership plans open for new members."),
            heading=_("Plans and dues"),
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "members/membership_fees_page.html"

    class Meta:
        verbose_name = _("membership fees page")

    def get_context(self, request, *args, **kwargs):
        from members.models.dues import MembershipPlan

        context = super().get_context(request, *args, **kwargs)
        context["plans"] = list(MembershipPlan.objects.filter(is_active=True))
        return context

    @classmethod
    def for_active_locale(cls) -> "MembershipFeesPage | None":
        """The published fees page in the reader's language, else in any language."""
        pages = cls.objects.live().public()
        locale = Locale.get_active()
        return pages.filter(locale=locale).first() or pages.first()
