from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from wagtail.models import Locale, Page, Site

from portal.cache import cached_part
from portal.models import NavigationMenu
from portal.money import format_euro

register = template.Library()


@register.filter
def euro(amount):
    """{{ plan.price|euro }} → € 1.234,50 (Dutch) or €1,234.50 (English)."""
    return format_euro(amount)


def home_url_for(language_code: str) -> str:
    """The home page's address in a language: the default language has no prefix."""
    return "/" if language_code == settings.LANGUAGE_CODE else f"/{language_code}/"


@register.simple_tag
def home_url():
    """{% home_url %} → "/" in Dutch, "/en/" in English."""
    return home_url_for(translation.get_language() or settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
def language_links(context):
    """Links to the same page in every language, for a switch that works without JavaScript.

    On a CMS page each link goes to the published translation of that page; when there
    is none yet, to the page itself under that language's prefix, which shows the Dutch
    text with a note (portal.views.page_serve). On any other page (search, accounts,
    a 404) to the same address and query string in that language.
    Each link is a dict: code, name, url (site-relative), current (bool), translated
    (bool: False for such a fallback, which search engines are not offered).
    A page's links come from the cache (portal/cache.py), purged when a page is published.
    """
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    fallbacks: set[str] = set()
    if context.get("language_urls"):
        # Pages outside the language prefix (/verify/) choose the language by their own links.
        urls = context["language_urls"]
    elif isinstance(page, Page) and page.pk:
        urls, fallbacks = cached_part(
            f"language-links:{_host(request)}:{page.pk}",
            lambda: _page_language_urls(request, page),
            request=request,
        )
    elif request is not None:
        urls = {code: translate_url(request.get_full_path(), code) for code, _name in settings.LANGUAGES}
    else:
        urls = {code: home_url_for(code) for code, _name in settings.LANGUAGES}
    return [
        {"code": code, "name": name, "url": urls[code], "current": code == current, "translated": code not in fallbacks}
        for code, name in settings.LANGUAGES
    ]


def _host(request) -> str:
    """Page links are site-relative only on their own site: cache them per host."""
    return request.get_host() if request is not None else ""


def _page_language_urls(request, page) -> tuple[dict[str, str], set[str]]:
    """(url per language, the languages shown by falling back to the default language's page)."""
    translations = {
        p.locale.language_code: p for p in page.get_translations(inclusive=True).live().select_related("locale")
    }
    source = translations.get(settings.LANGUAGE_CODE)
    urls, fallbacks = {}, set()
    for code, _name in settings.LANGUAGES:
        target = translations.get(code)
        if target is None and source is not None and source.depth > 2:
            fallback = fallback_url(request, source, code)
            if fallback:
                urls[code] = fallback
                fallbacks.add(code)
                continue
        target = target or _home_for_language(request, code)
        urls[code] = (target.get_url(request=request) if target is not None else None) or home_url_for(code)
    return urls, fallbacks


def fallback_url(request, page, code: str) -> str | None:
    """The address of a default-language `page` under `code`'s prefix (/en/normen/…/): it shows
    the page's own text with a note that it is not translated yet (portal.views.page_serve)."""
    parts = page.get_url_parts(request=request)
    if parts is None:
        return None
    _site_id, _root_url, page_path = parts
    with translation.override(code):
        return reverse("wagtail_serve", args=[page_path.lstrip("/")])


def _home_for_language(request, code):
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    try:
        locale = Locale.objects.get(language_code=code)
    except Locale.DoesNotExist:
        return None
    home = site.root_page.get_translation_or_none(locale)
    return home if home is not None and home.live else None


@register.inclusion_tag("portal/_navigation.html", takes_context=True)
def navigation(context, placement):
    """A menu editors manage, in the reader's language (else the default language's menu,
    with each page link followed to its translation where one is published)."""
    request = context.get("request")
    return {"items": navigation_items(placement, request=request), "placement": placement}


def active_locale(request=None) -> Locale:
    """Locale.get_active(), looked up once per request (several parts of a page need it)."""
    code = translation.get_language()
    cached = getattr(request, "_portal_active_locale", None)
    if cached is not None and cached.language_code == code:
        return cached
    locale = Locale.get_active()
    if request is not None:
        request._portal_active_locale = locale
    return locale


def navigation_items(placement: str, *, request=None) -> list[dict]:
    """The links of one menu as dicts: url, text, current ("page", "section" or "").

    The links come from the cache, per menu, language and host (portal/cache.py: purged
    when a page or a menu is published); only which one is current is worked out here."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    links = cached_part(
        f"navigation:{_host(request)}:{placement}:{language}",
        lambda: _navigation_links(placement, request=request),
        request=request,
    )
    current_path = request.path if request is not None else ""
    home = home_url_for(language)
    items = []
    for url, text in links:
        if url == current_path:
            state = "page"
        elif url.startswith("/") and url not in ("/", home) and current_path.startswith(url):
            state = "section"
        else:
            state = ""
        items.append({"url": url, "text": text, "current": state})
    return items


def _navigation_links(placement: str, *, request=None) -> list[tuple[str, str]]:
    """(url, text) of each link in the menu of `placement` in the active language."""
    locale = active_locale(request)
    menus = {
        menu.locale.language_code: menu
        for menu in NavigationMenu.objects.filter(placement=placement).select_related("locale")
    }
    menu = menus.get(locale.language_code) or menus.get(settings.LANGUAGE_CODE)
    if menu is None:
        return []
    links = [block.value for block in menu.items if block.block_type == "link"]
    localized = _localized_pages([link.get("page") for link in links if link.get("page")], locale)
    result = []
    for link in links:
        page = link.get("page")
        if page:
            target = localized.get(page.translation_key, page)
            if not target.live:
                continue
            url = target.get_url(request=request)
            text = link.get("label") or target.title
        else:
            url, text = link.get("url"), link.get("label")
        if url:
            result.append((url, text or url))
    return result


def _localized_pages(pages, locale):
    """The published translations in `locale` of the given pages, by translation key (one query)."""
    keys = [p.translation_key for p in pages if p.locale_id != locale.pk]
    if not keys:
        return {}
    return {
        p.translation_key: p
        for p in Page.objects.live()
        .filter(translation_key__in=keys, locale=locale)
        .only("id", "title", "url_path", "live", "translation_key", "locale_id", "path", "depth")
    }
