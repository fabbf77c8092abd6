"""Norm pages: the published text of each version of the RQIM norms.

The norms themselves are data of the certification (`members.NormVersion` with its
competence areas and criteria); a norm page shows one version from that single source
and adds what only readers need: a summary of changes and a downloadable PDF. Which
version is in force is decided by `members.certification_selectors.norm_version_in_force`.

Norm pages are approved by the norm committee through the "Norm approval" workflow
(portal/roles.py), which `knowledge.norms.norm_index_secure` assigns to the norm index;
nobody but a superuser publishes a norm page directly (`CommitteePublishesTester`).

`knowledge` may import `members`, never the other way round.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index


class CommitteePublishesTester(PagePermissionTester):
    """Page permissions without the right to publish, for everyone but superusers.

    Editors hold publish rights on the whole tree (portal/roles.py); on norm pages the
    norm committee's approval publishes instead (settings.WAGTAIL_FINISH_WORKFLOW_ACTION).
    Without "publish", Wagtail also refuses to unpublish, schedule away, restrict or
    delete a live norm page.
    """

    def __init__(self, user, page):
        super().__init__(user, page)
        if not user.is_superuser:
            self.permissions = self.permissions - {"publish"}


class NormIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["knowledge.NormPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("norm index")

    def permissions_for_user(self, user):
        return CommitteePublishesTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from knowledge.norms import norm_pages_listed

        from knowledge.consultation import consultations_open

        context = super().get_context(request, *args, **kwargs)
        context["norm_pages"] = norm_pages_listed(index=self)
        context["open_consultations"] = consultations_open()
        return context


class NormPage(RoutablePageMixin, Page):
    """One version of the norms as readers see it; the text comes from its `NormVersion`.

    `pdf/` under the page is the version as a PDF, built from the same data. A page for
    a version that takes effect later is published on its effective date unless the
    editor sets another moment: approving it schedules the publication."""

    norm_version = models.ForeignKey(
        "members.NormVersion",
        verbose_name=_("norm version"),
        on_delete=models.PROTECT,
        related_name="norm_pages",
        help_text=_("The version of the norms this page publishes; its competence areas and criteria are shown."),
    )
    changes = RichTextField(
        _("summary of changes"),
        blank=True,
        features=["bold", "italic", "ul", "ol", "link"],
        help_text=_("What changed against the previous version, in a few points."),
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The norm document as a PDF to download (optional)."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("norm_version"), FieldPanel("document")], heading=_("Norm")),
        FieldPanel("changes"),
    ]
    search_fields = Page.search_fields + [index.SearchField("changes")]

    parent_page_types = ["knowledge.NormIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("norm page")
        verbose_name_plural = _("norm pages")

    def permissions_for_user(self, user):
        return CommitteePublishesTester(user, self)

    def clean(self):
        super().clean()
        if self.norm_version_id and not self.live and self.go_live_at is None:
            effective_from = self.norm_version.effective_from
            if effective_from > timezone.localdate():
                # Published on its effective date, at the start of the day in Amsterdam.
                self.go_live_at = timezone.make_aware(datetime.datetime.combine(effective_from, datetime.time.min))
        if self.go_live_at and self.expire_at and self.expire_at <= self.go_live_at:
            raise ValidationError({"expire_at": _("The page must expire after it goes live.")})

    @path("")
    def page_route(self, request, *args, **kwargs):
        return self.render(request)

    @path("pdf/", name="pdf")
    def pdf_route(self, request):
        from knowledge.norm_pdf import norm_pdf_filename, norm_version_pdf
        from portal.models import AssociationSettings

        version = self.norm_version
        pdf = norm_version_pdf(
            norm_version=version,
            language=self.locale.language_code,
            title=self.title,
            changes=self.changes,
            association_name=AssociationSettings.for_request(request).name,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{norm_pdf_filename(version)}"'
        return response

    def get_context(self, request, *args, **kwargs):
        from knowledge.norms import norm_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(norm_page_context(page=self, today=timezone.localdate()))
        context["pdf_url"] = self.get_url(request=request) + self.reverse_subpage("pdf")
        return context


# Permanent education: categories, requirements, the ledger (knowledge/pe_models.py).
from knowledge.pe_models import *  # noqa: E402,F401,F403

# The knowledge library: topics, authors, the library index and articles (knowledge/library_models.py).
from knowledge.library_models import *  # noqa: E402,F401,F403

# The news digest: subscriptions and editions (knowledge/digest_models.py).
from knowledge.digest_models import *  # noqa: E402,F401,F403

# Public consultation on a draft norm version (knowledge/consultation_models.py).
from knowledge.consultation_models import *  # noqa: E402,F401,F403
