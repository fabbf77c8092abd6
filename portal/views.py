import re

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page
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


@require_GET
def search(request):
    """The site search: published, public pages in the reader's language.

    It matches the pages' autocomplete fields, which hold what anyone may read: a
    members-only page offers its title and introduction, never its body
    (`MembersOnlyMixin.public_body`).
    """
    query = (request.GET.get("q") or "").strip()[:200]
    terms = search_query(query)
    results = None
    if terms is not None:
        # The tree's root (depth 1) is no page to show.
        pages = Page.objects.live().public().filter(locale=Locale.get_active(), depth__gt=1).specific()
        results = Paginator(pages.autocomplete(terms), SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/search.html", {"query": query, "results": results})


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
