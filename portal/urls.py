from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.utils.translation import pgettext_lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from members.api import api
from members.sitemaps import RegisterSitemap
from members.webhooks import stripe_webhook
from portal import views
from portal.feeds import NewsAtomFeed, NewsCategoryAtomFeed, NewsRssFeed
from portal.member_home import member_home
from portal.sitemaps import PortalSitemap

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

urlpatterns = [
    # Stable addresses, outside the language prefix: they are configured elsewhere.
    path("healthz", views.healthz, name="healthz"),
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include("members.credentials.urls")),  # /.well-known/jwks.json, /.well-known/did.json
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PortalSitemap, "register": RegisterSitemap}}, name="sitemap"),
    # Everyone signs in through allauth (with two-factor), never Wagtail's or Django's form.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/password_reset/", RedirectView.as_view(pattern_name="account_reset_password")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Certificate verification (printed on paper) and the open API.
    path("", include("members.urls_verify")),
    path("api/v1/", api.urls),
    path("events/", include("events.urls_feeds")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    # Wagtail's front-end login (for private pages) would sign in with the password
    # alone: it leads to allauth's instead, like /admin/login/.
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("search/", views.search, name="search"),
    path("news/feed/rss/", NewsRssFeed(), name="news_feed_rss"),
    path("news/feed/atom/", NewsAtomFeed(), name="news_feed_atom"),
    path(pgettext_lazy("URL", "my-portal/"), member_home, name="member_home"),
    path("news/feed/atom/<slug:slug>/", NewsCategoryAtomFeed(), name="news_feed_atom_category"),
    path("", include("members.urls")),
    path("", include("knowledge.pe_urls")),
    path("", include("knowledge.digest_urls")),
    path("", include("knowledge.consultation_urls")),
    # Wagtail's pages, with a fallback to Dutch for a page not translated yet (portal.views.page_serve).
    # Same pattern as Wagtail's own, leaving its /_util/ views alone.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", views.page_serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns = staticfiles_urlpatterns() + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
