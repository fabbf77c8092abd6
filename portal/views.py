import re

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.models import Locale, Page, Site
from wagtail.views import serve as wagtail_serve
from wagtail.search.query import And, PlainText, SearchQuery

SEARCH_RESULTS_PER_PAGE = 10


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/"]
    # Accounts and search results, in every language: nothing there for a search engine.
    for code, _name in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        lines += [f"Disallow: {prefix}/accounts/", f"Disallow: {prefix}/search/"]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


SEARCH_MAX_WORDS = 10


def search_query(text: str) -> SearchQuery | None:
    """Every word of `text` as the start of a word ("norm" finds "normen"), all required.

    Words only: quotes and operators would reach the full-text engine's own query
    syntax (an unclosed " makes SQLite's FTS fail), and visitors do not mean them.
    """
    words = re.findall(r"\w+", text)[:SEARCH_MAX_WORDS]
    if not words:
        return None
    # One PlainText per word: the autocomplete search treats the last (here: only)
    # word of each as a prefix, on SQLite's FTS5 and PostgreSQL alike.
    return And([PlainText(word) for word in words]) if len(words) > 1 else PlainText(words[0])


SEARCH_MAX_RESULTS = 200


def search_types() -> dict[str, tuple[str, list]]:
    """What the search can be narrowed to: {key: (label, page models)}. The portal's own
    (news, pages) and whatever apps add with the "register_search_types" hook, each
    returning [(key, label, [page models])]."""
    from portal.models import NewsIndexPage, NewsPage, StandardPage

    types = {"news": (gettext_lazy("News"), [NewsPage, NewsIndexPage])}
    for provider in hooks.get_hooks("register_search_types"):
        for key, label, models in provider():
            types[key] = (label, models)
    types["pages"] = (gettext_lazy("Other pages"), [StandardPage])
    return types


def search_topics() -> dict[str, tuple[str, object]]:
    """Topics the search can be narrowed to: {slug: (label, callable giving page ids)}, from the
    "register_search_topics" hook (each returning [(slug, label, callable)])."""
    topics = {}
    for provider in hooks.get_hooks("register_search_topics"):
        for slug, label, page_ids in provider():
            topics[slug] = (label, page_ids)
    return topics


@require_GET
def search(request):
    """The site search: published, public pages in the reader's language, narrowed by
    type (?type=) and topic (?topic=).

    Everyone's search matches the pages' autocomplete fields, which hold what anyone may
    read: a members-only page offers its title and introduction, never its body
    (`MembersOnlyMixin.public_body`). A member's search also finds members-only pages by
    their body (full-text search; on PostgreSQL with the Dutch configuration).
    """
    from members.selectors import user_is_active_member

    query = (request.GET.get("q") or "").strip()[:200]
    terms = search_query(query)
    types, topics = search_types(), search_topics()
    kind = request.GET.get("type") if request.GET.get("type") in types else ""
    topic = request.GET.get("topic") if request.GET.get("topic") in topics else ""
    results = None
    if terms is not None:
        # The tree's root (depth 1) is no page to show.
        pages = Page.objects.live().public().filter(locale=Locale.get_active(), depth__gt=1)
        if kind:
            pages = pages.type(*types[kind][1])
        if topic:
            pages = pages.filter(id__in=list(topics[topic][1]()))
        found = pages.specific().autocomplete(terms)
        if user_is_active_member(user=request.user):
            listed = list(found[:SEARCH_MAX_RESULTS])
            seen = {page.pk for page in listed}
            for page in pages.specific().search(" ".join(re.findall(r"\w+", query)[:SEARCH_MAX_WORDS]))[:SEARCH_MAX_RESULTS]:
                if getattr(page, "members_only", False) and page.pk not in seen:
                    listed.append(page)
                    seen.add(page.pk)
            found = listed
        results = Paginator(found, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/search.html", {
        "query": query,
        "results": results,
        "search_types": [(key, label) for key, (label, _models) in types.items()],
        "search_topics": [(slug, label) for slug, (label, _ids) in topics.items()],
        "current_type": kind,
        "current_topic": topic,
    })


def page_serve(request, path):
    """Wagtail's page view, falling back to the default language for a page not translated yet.

    /en/normen/rqim-norm-2026-1/ finds no English page; rather than a 404 it serves the
    Dutch page at that address, in the English interface, with a note that the text is
    not translated yet (`request.portal_translation_fallback`, shown by base.html, which
    also keeps the address out of search engines). Only live, public pages qualify, and
    every before_serve_page hook (members-only, page cache) runs as for any page.
    """
    try:
        return wagtail_serve(request, path)
    except Http404:
        if (translation.get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
            raise
        route = _default_language_route(request, path)
        if route is None:
            raise
    page, args, kwargs = route
    request.portal_translation_fallback = page
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return page.serve(request, *args, **kwargs)


def _default_language_route(request, path):
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page.get_translation_or_none(Locale.get_default()) or site.root_page
    try:
        route = root.specific.route(request, [component for component in path.split("/") if component])
    except Http404:
        return None
    page = route[0]
    if page.depth <= 2 or not page.live or page.get_view_restrictions().exists():
        return None
    return route


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


DATABASE_UNAVAILABLE_RETRY_AFTER = 30  # seconds


# The error page carries its own small style sheet, so it shows even when static files
# do not; it holds nothing but fixed text, so its inline style may run.
@csp_update({"style-src": [UNSAFE_INLINE]})
def server_error(request):
    """A static page: no context processors, no database (it may be what failed).

    When the database refused the connection or the query (OperationalError,
    InterfaceError), the answer is 503 with Retry-After: nothing was written (every
    write runs in a transaction), and the caller may try again; Stripe retries its
    webhooks on any answer but 2xx.
    """
    import sys

    from django.db import InterfaceError, OperationalError

    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        if request.path.startswith(("/api/", "/stripe/")):
            response = JsonResponse({"error": "unavailable", "retry_after": DATABASE_UNAVAILABLE_RETRY_AFTER}, status=503)
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(DATABASE_UNAVAILABLE_RETRY_AFTER)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
