"""The CMS core: home, standard and news pages, site settings and navigation."""

from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from portal.blocks import BodyBlock, LinkBlock
from portal.cache import cached_part, public_pages

NEWS_PER_PAGE = 10
HOME_NEWS_COUNT = 3
# The rendition news cards show; lists prefetch exactly this one.
NEWS_CARD_IMAGE = "fill-480x270"


class HomePage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.AutocompleteField("intro"),
        index.AutocompleteField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # locale_id, not locale: the filter needs only the key, not another query.
        context["latest_news"] = home_news(locale=self.locale_id, request=request)
        context["news_index"] = public_pages(NewsIndexPage.objects.live().child_of(self), request).first()
        # The register's count, the next events and the norm in force, from the apps that know them.
        from portal.home_page import home_page_extras

        context.update(home_page_extras(request=request, language=translation.get_language() or "nl"))
        return context


class MembersOnlyMixin(models.Model):
    """Editors mark a page as for members; the members app decides who is one and
    shows others a teaser (the introduction or lead) with a way to join."""

    members_only = models.BooleanField(
        _("for members only"),
        default=False,
        help_text=_("Only members with an active membership read the whole page; others see the introduction and an invitation to join."),
    )
    # The part only members read; the teaser before it (`intro` or `lead`) stays each page's own.
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    settings_panels = Page.settings_panels + [FieldPanel("members_only")]

    class Meta:
        abstract = True

    def public_body(self) -> list[str]:
        """The body's text for the site search: none for a members-only page, so
        words that stand only in its body never find it (the site search matches
        the autocomplete fields; see portal.views.search)."""
        if self.members_only:
            return []
        return self._meta.get_field("body").get_searchable_content(self.body)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.members_only:
            # The full text is for members only: no shared cache may keep it.
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class StandardPage(MembersOnlyMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.AutocompleteField("intro"),
        index.AutocompleteField("public_body"),
    ]

    parent_page_types = ["portal.HomePage", "portal.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def news_items(self, request=None):
        """The published news items under this index, newest first, with what cards show."""
        return news_list_queryset(request).child_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = self.news_items(request)
        tag_slug = (request.GET.get("tag") or "").strip()
        if tag_slug:
            context["current_tag"] = Tag.objects.filter(slug=tag_slug).first() or Tag(name=tag_slug, slug=tag_slug)
            items = items.filter(tags__slug=tag_slug).distinct()
        category_slug = (request.GET.get("category") or "").strip()
        if category_slug:
            context["current_category"] = NewsCategory.objects.filter(slug=category_slug).first()
            items = items.filter(categories__slug=category_slug).distinct()
        context["categories"] = news_categories_used(locale=self.locale_id, request=request)
        paginator = Paginator(items, NEWS_PER_PAGE)
        news_page = paginator.get_page(request.GET.get("page"))
        context["news_page"] = news_page
        context["paginator"] = paginator
        context["news_index"] = self
        return context


class NewsCategory(models.Model):
    """A fixed section of the news (a snippet): association, norms, events, …

    Unlike tags, which editors coin freely, categories are few and each has its own
    Atom feed (/news/feed/atom/<slug>/)."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in addresses: ?category=… and the feed."))

    panels = [FieldPanel("name_nl"), FieldPanel("name_en"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["name_nl"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        english = (get_language() or "nl").startswith("en")
        return self.name_en if english and self.name_en else self.name_nl


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("portal.NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class NewsPage(MembersOnlyMixin, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    lead = models.TextField(_("lead"), help_text=_("One or two sentences shown in lists and feeds."))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    categories = ParentalManyToManyField(NewsCategory, blank=True, verbose_name=_("categories"), related_name="news_pages")
    featured = models.BooleanField(
        _("featured"),
        default=False,
        help_text=_("Show this item prominently on the home page (the newest featured item is shown)."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("categories"), FieldPanel("tags"), FieldPanel("featured")],
            heading=_("Details"),
        ),
        FieldPanel("lead"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.AutocompleteField("lead"),
        index.AutocompleteField("public_body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_index"] = self.get_parent()
        return context


def news_list_queryset(request=None):
    """Published, public news items, newest first, with their card image rendition and
    tags fetched up front: a list costs the same number of queries for 5 items as for 50.
    (The view restrictions that decide "public" come from the cache, see portal/cache.py.)"""
    Rendition = get_image_model().get_rendition_model()
    return (
        public_pages(NewsPage.objects.live(), request)
        .select_related("image")
        .prefetch_related(
            Prefetch("image__renditions", queryset=Rendition.objects.filter(filter_spec=NEWS_CARD_IMAGE)),
            "tags",
        )
        .order_by("-date", "-pk")
    )


def news_latest(*, locale, limit: int, request=None):
    """The newest published news items in one language (a Locale or its key), with what lists show."""
    return list(news_list_queryset(request).filter(locale=locale)[:limit])


def featured_news(*, locale, request=None):
    """The news item to feature on the home page in one language (a Locale or its key), or None.

    The newest published, public item that editors marked "featured"; when none is
    marked, the newest item. Members-only items qualify too: the home page shows their
    title and lead, which anyone may read. It comes with its card image rendition,
    tags and categories (a constant number of queries).
    """
    items = news_list_queryset(request).filter(locale=locale)
    return items.filter(featured=True).first() or items.first()


def home_news(*, locale, request=None) -> list:
    """The home page's news: the featured item first (see `featured_news`), then the newest others."""
    latest = news_latest(locale=locale, limit=HOME_NEWS_COUNT, request=request)
    featured = featured_news(locale=locale, request=request)
    if featured is None:
        return latest
    return [featured] + [item for item in latest if item.pk != featured.pk][: HOME_NEWS_COUNT - 1]


def news_categories_used(*, locale, request=None) -> list:
    """The categories that live news items in one language use, by name: from the cache
    (portal/cache.py), rebuilt after a publish or a change to a category."""
    locale_id = getattr(locale, "pk", locale)

    def build():
        return list(NewsCategory.objects.filter(news_pages__live=True, news_pages__locale_id=locale_id).distinct())

    return cached_part(f"news-categories:{locale_id}", build, request=request)


kvk_validator = RegexValidator(r"^\d{8}$", _("A KvK number has exactly 8 digits."))


@register_setting(icon="site")
class AssociationSettings(BaseSiteSetting):
    """Who the association is: shown in the footer, on receipts and in e-mail."""

    name = models.CharField(_("association name"), max_length=150, default="Vereniging RQIM")
    address = models.TextField(_("address"), blank=True)
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True, validators=[kvk_validator])
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN for dues"), max_length=34, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    statutes_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("statutes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page with the statutes that applicants accept; linked from the join form."),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page with the privacy statement; linked from the join form."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("address"),
                FieldPanel("kvk_number"),
                FieldPanel("vat_number"),
                FieldPanel("iban"),
            ],
            heading=_("Association"),
        ),
        MultiFieldPanel([FieldPanel("contact_email"), FieldPanel("phone")], heading=_("Contact")),
        MultiFieldPanel(
            [FieldPanel("linkedin_url"), FieldPanel("x_url"), FieldPanel("youtube_url")],
            heading=_("Social media"),
        ),
        MultiFieldPanel([FieldPanel("statutes_page"), FieldPanel("privacy_page")], heading=_("Documents")),
    ]

    class Meta:
        verbose_name = _("association details")

    @classmethod
    def for_site(cls, site):
        """The details of `site` from the cache: every page's footer shows them (purged on save)."""
        if site is None:
            return super().for_site(site)
        return cached_part(f"association-settings:{site.pk}", lambda: super(AssociationSettings, cls).for_site(site))

    def social_links(self):
        links = [("LinkedIn", self.linkedin_url), ("X", self.x_url), ("YouTube", self.youtube_url)]
        return [(label, url) for label, url in links if url]


class NavigationMenu(TranslatableMixin, models.Model):
    """The main and footer menus, which editors change (and translate) in the admin."""

    class Placement(models.TextChoices):
        MAIN = "main", _("Main navigation")
        FOOTER = "footer", _("Footer")

    placement = models.CharField(_("placement"), max_length=20, choices=Placement.choices)
    items = StreamField([("link", LinkBlock())], blank=True, verbose_name=_("items"))

    panels = [FieldPanel("placement"), FieldPanel("items")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("navigation menu")
        verbose_name_plural = _("navigation menus")
        constraints = [
            models.UniqueConstraint(fields=["placement", "locale"], name="navigation_menu_one_per_placement_locale")
        ]

    def __str__(self):
        return f"{self.get_placement_display()} ({self.locale.language_code})"


class OutboundEmail(models.Model):
    """One e-mail to send. Requests only queue it; a task sends it exactly once.

    `key` names the occasion (e.g. "dues-reminder:42:2027-01-01"): queuing the same
    occasion again returns the existing row, so a reminder goes out at most once.
    A message still queued long after `queued_at` has lost its task; the outbox sweep
    (portal.mail.outbox_sweep) queues it again, `requeues` times at most, then marks it failed.
    A send that failed for a passing reason stays queued with `next_attempt_at` set; the
    retry run (portal.mail.outbox_retry_due) hands it to the queue again once that time has come.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("occasion"), max_length=200, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=100)
    to = models.TextField(_("to"))
    from_email = models.CharField(_("from"), max_length=254)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(
        _("extra headers"), default=dict, blank=True, help_text=_("For example List-Unsubscribe on a digest.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("handed to the queue"), null=True, blank=True)
    requeues = models.PositiveSmallIntegerField(_("queued again"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, help_text=_("When a send that failed is tried again.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        ordering = ["-created_at"]
        permissions = [("resend_outboundemail", _("Can send failed e-mail again"))]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="portal_outbox_retry_due"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def recipients(self) -> list[str]:
        return [address for address in self.to.split("\n") if address]
