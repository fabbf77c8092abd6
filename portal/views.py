import re

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


@require_GET
def search(request):
    query = (request.GET.get("q") or "").strip()[:200]
    # Words only: quotes and operators would reach the full-text engine's own query
    # syntax (an unclosed " makes SQLite's FTS fail), and visitors do not mean them.
    words = " ".join(re.findall(r"\w+", query))
    results = None
    if words:
        # Published, public pages in the reader's language; the tree's root (depth 1) is no page to show.
        pages = Page.objects.live().public().filter(locale=Locale.get_active(), depth__gt=1).specific()
        paginator = Paginator(pages.search(words), SEARCH_RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("page"))
    return render(request, "portal/search.html", {"query": query, "results": results})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """A static page: no context processors, no database (it may be what failed)."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)
