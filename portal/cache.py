"""What public pages share, and whole pages for visitors, kept in Django's cache.

Two layers, both in the shared cache (Redis in production, so every worker sees
the same entries and the same purge):

- **Shared parts** that every page shows: the site, the menus, the language links
  of a page, the association's details and the list of view restrictions. Built once, then
  read with one cache lookup each, for every visitor, signed in or not.
- **Whole pages** for visitors who are not signed in (`PageCacheMiddleware`): a
  CMS page (served by Wagtail) is kept for `PAGE_CACHE_SECONDS` and replayed with
  its headers. `PAGE_CACHE_SECONDS = 0` switches this layer off.

Every key carries a *generation* number. Publishing, unpublishing, moving or
deleting a page, and saving a menu, the association's details, a view
restriction, an image, a site or a locale, bump it (`cache_purge`): the next
request builds everything afresh and old entries expire unread. The bump happens
at once and again when the transaction commits, so a request that read the old
content before the commit cannot leave it behind under the new number.

A page is stored only when nothing in it belongs to one visitor: the request
carries no cookie but the CSRF and language cookies (so no session: not signed
in, no messages waiting), no credentials and no query parameter but the few
pages read; the page is not members-only and
did not opt out (`page_cache = False` on the page class); the response is a 200
without Set-Cookie, without `Cache-Control: private/no-store/no-cache`, without a
CSRF token or CSP nonce in its body, and not compressed or varying on anything
but cookies and language.

Middleware placed above this one in MIDDLEWARE (security headers, CSP) runs on
every response, hit or miss; headers set below it (X-Frame-Options, Vary) are
stored with the page and replayed.
"""

from __future__ import annotations

import copy
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, transaction
from django.db.models import Model, Q
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils import translation
from django.utils.cache import cc_delim_re, get_max_age

GENERATION_KEY = "portal:cache:generation"
HIT_HEADER = "X-Page-Cache"
# Cookies that say nothing about who the visitor is: a page for them is anyone's page.
ANONYMOUS_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
# A stored page may vary only on what the key already covers.
STORABLE_VARY = {"cookie", "accept-language", "accept-encoding"}
PRIVATE_DIRECTIVES = {"private", "no-store", "no-cache"}
# Query parameters pages read (the news list's page, tag and category; the library's topic
# and type). An address with any other
# parameter (?utm_source=..., ?x=1, ?x=2, ...) is served fresh: nobody can fill the
# cache with endless variants of one page.
CACHEABLE_QUERY_PARAMS = {"page", "tag", "category", "topic", "type"}
# Fields a draft save changes on a page: the live site stays as it was.
DRAFT_ONLY_FIELDS = {
    "wagtail_admin_comments",
    "comments",
    "latest_revision_created_at",
    "draft_title",
    "latest_revision",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
}
# Shared parts live this long at most; a purge retires them sooner.
PARTS_SECONDS = 24 * 60 * 60


# --- generation and purge -------------------------------------------------------------


def cache_generation(request=None) -> int:
    """The current generation, read once per request (kept on the request)."""
    if request is not None:
        memo = getattr(request, "_portal_cache_generation", None)
        if memo is not None:
            return memo
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh start (or an evicted counter): begin at a number never used before.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        value = cache.get(GENERATION_KEY) or time.time_ns() // 1000
    if request is not None:
        request._portal_cache_generation = value
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet
        cache.set(GENERATION_KEY, time.time_ns() // 1000, timeout=None)


def cache_purge() -> None:
    """Retire every cached page and shared part: now, and again once the transaction commits."""
    _bump()
    transaction.on_commit(_bump)


# Parts already read by this process, for the current generation only: after the first
# request a part costs no round trip to the cache server at all.
_local_parts: dict[str, object] = {}
_local_generation: list[int | None] = [None]
LOCAL_PARTS_MAX = 5000


def cached_part(name: str, build, *, request=None, timeout: int = PARTS_SECONDS):
    """The shared part `name` of the current generation, built by `build()` when missing.

    Callers only read what they get: a list or dict is shared by the requests of a
    process (a model instance is copied, so per-request attributes stay apart)."""
    generation = cache_generation(request)
    if _local_generation[0] != generation or len(_local_parts) > LOCAL_PARTS_MAX:
        _local_parts.clear()
        _local_generation[0] = generation
    key = f"portal:part:{generation}:{name}"
    value = _local_parts.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, timeout)
        _local_parts[key] = value
    return copy.copy(value) if isinstance(value, Model) else value


# --- view restrictions, read once -----------------------------------------------------


def restricted_q(request=None) -> Q:
    """Pages in a private section (and their descendants), as PageQuerySet.private_q(),
    with the sections read from the cache instead of the database on every call."""
    from wagtail.models import PageViewRestriction

    def build():
        return list(PageViewRestriction.objects.values_list("page__path", "page__depth").distinct())

    q = Q()
    for path, depth in cached_part("view-restrictions", build, request=request):
        q |= Q(path__startswith=path, depth__gte=depth)
    return q


def view_restrictions_may_apply(page, request=None) -> bool:
    """Could a view restriction apply to `page`? Only inside a private section, or below an
    alias page (which takes its restrictions from its source) while private sections exist.
    Answered from the cache, without a query."""
    from wagtail.models import Page, PageViewRestriction

    def build():
        paths = list(PageViewRestriction.objects.values_list("page__path", flat=True).distinct())
        if paths:
            paths += Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)
        return paths

    return any(page.path.startswith(path) for path in cached_part("view-restriction-paths", build, request=request))


class CachedViewRestrictionsMixin:
    """For page classes: Wagtail asks `get_view_restrictions()` on every serve (two queries);
    for a page no restriction can reach, the answer comes from the cache instead."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        if not view_restrictions_may_apply(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def default_locale_id(request=None) -> int | None:
    """The id of the locale of the default language (LANGUAGE_CODE), without a query."""
    from wagtail.models import Locale

    def build():
        try:
            return Locale.get_default().pk
        except Locale.DoesNotExist:
            return 0

    return cached_part("default-locale-id", build, request=request) or None


def default_site(request=None):
    """The default Wagtail Site (or None), without a query."""
    from wagtail.models import Site

    return cached_part("default-site", lambda: Site.objects.filter(is_default_site=True).first() or False, request=request) or None


def public_pages(queryset, request=None):
    """`queryset.public()`: pages outside every private section."""
    q = restricted_q(request)
    return queryset.exclude(q) if q else queryset


# --- whole pages ------------------------------------------------------------------------


def page_cache_allow(request, page) -> None:
    """Called as Wagtail serves `page`: let the middleware keep the response if nothing
    about the page itself forbids it (the response is checked as well)."""
    if getattr(page, "members_only", False) or not getattr(page, "page_cache", True):
        return
    request._portal_page_cacheable = True


def _may_read(request) -> bool:
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    return set(request.COOKIES) <= ANONYMOUS_COOKIES and set(request.GET) <= CACHEABLE_QUERY_PARAMS


def _page_key(request, generation: int) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    address = f"{request.scheme}://{host}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"portal:page:{generation}:{language}:{digest}"


def _may_store(request, response) -> bool:
    if not getattr(request, "_portal_page_cacheable", False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or isinstance(getattr(request, "_csp_nonce", None), str):
        return False  # the body holds this visitor's CSRF token or this response's nonce
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if response.has_header("Content-Encoding"):
        return False
    directives = {d.split("=")[0].strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
    if directives & PRIVATE_DIRECTIVES or get_max_age(response) == 0:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= STORABLE_VARY


def _freeze(response) -> tuple:
    headers = [(name, value) for name, value in response.items() if name.lower() not in ("set-cookie", HIT_HEADER.lower())]
    return response.status_code, headers, response.content


def _replay(entry) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


# Machine addresses that never render a page: they skip the site lookup altogether.
SITE_FREE_PREFIXES = ("/api/", "/.well-known/", "/stripe/", "/healthz", "/static/", "/media/")


def site_preload(request) -> None:
    """Give Wagtail the request's Site from the cache: Site.find_for_request() keeps what it
    finds in `request._wagtail_site` and reads it from there, so routing, settings and page
    URLs skip the site query."""
    if hasattr(request, "_wagtail_site") or request.path.startswith(SITE_FREE_PREFIXES):
        return
    from wagtail.models import Site

    try:
        hostname = split_domain_port(request.get_host())[0]  # only hosts in ALLOWED_HOSTS get a key
        port = request.get_port()
        site = cached_part(f"site:{hostname}:{port}", lambda: Site._find_for_request(request) or False, request=request)
    except DisallowedHost:
        return  # Django answers 400 further on
    except DatabaseError:
        return  # the view decides what to answer (/healthz says 503)
    request._wagtail_site = site or None


class PageCacheMiddleware:
    """Serve CMS pages to visitors who are not signed in from the cache (see the module),
    and give every other request its Wagtail Site from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        key = None
        if seconds and _may_read(request):
            key = _page_key(request, cache_generation(request))
            entry = cache.get(key) if key is not None else None
            if entry is not None:
                return _replay(entry)
        site_preload(request)
        response = self.get_response(request)
        if key is None:
            return response
        if _may_store(request, response):
            cache.set(key, _freeze(response), seconds)
            response[HIT_HEADER] = "miss"
        return response


# --- what purges ------------------------------------------------------------------------


def _purge_on_signal(**kwargs) -> None:
    cache_purge()


def _purge_on_settings_save(sender, instance, created=False, **kwargs) -> None:
    # Created on a site's first visit, by the very lookup that caches them: nothing is stale.
    if not created:
        cache_purge()


def _purge_on_page_save(sender, instance, update_fields=None, **kwargs) -> None:
    from wagtail.models import Page

    if not isinstance(instance, Page):
        return
    if update_fields is not None and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return  # a draft: nothing visitors see has changed
    cache_purge()


def connect_signals() -> None:
    """Connect the purge to everything that changes what public pages show (PortalConfig.ready)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail import signals as wagtail_signals
    from wagtail.images import get_image_model
    from django.apps import apps
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    # By label: portal.models builds on this module, so this module does not import it.
    AssociationSettings = apps.get_model("portal", "AssociationSettings")
    NavigationMenu = apps.get_model("portal", "NavigationMenu")
    NewsCategory = apps.get_model("portal", "NewsCategory")

    uid = "portal.cache"
    for signal in (
        wagtail_signals.page_published,
        wagtail_signals.page_unpublished,
        wagtail_signals.post_page_move,
        wagtail_signals.published,
        wagtail_signals.unpublished,
    ):
        signal.connect(_purge_on_signal, dispatch_uid=f"{uid}.{id(signal)}")
    post_save.connect(_purge_on_page_save, dispatch_uid=f"{uid}.page_save")
    post_delete.connect(
        lambda sender, instance, **kw: isinstance(instance, Page) and cache_purge(),
        weak=False,
        dispatch_uid=f"{uid}.page_delete",
    )
    post_save.connect(_purge_on_settings_save, sender=AssociationSettings, dispatch_uid=f"{uid}.save.settings")
    for model in (NavigationMenu, NewsCategory, AssociationSettings, PageViewRestriction, Site, Locale, get_image_model()):
        if model is not AssociationSettings:
            post_save.connect(_purge_on_signal, sender=model, dispatch_uid=f"{uid}.save.{model._meta.label}")
        post_delete.connect(_purge_on_signal, sender=model, dispatch_uid=f"{uid}.delete.{model._meta.label}")
