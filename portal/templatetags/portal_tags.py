from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page, Site

from portal.models import NavigationMenu
from portal.money import format_euro

register = template.Library()


@register.filter
def euro(amount):
    """{{ plan.price|euro }} → € 1.234,50 (Dutch) or €1,234.50 (English)."""
    return format_euro(amount)


@register.simple_tag(takes_context=True)
def language_links(context):
    """Links to the same page in every language, for a switch that works without JavaScript.

    On a CMS page the link goes to its translation (or the home page of that language
    when there is none yet); on any other page to the same address in that language.
    """
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    links = []
    translations = {}
    if isinstance(page, Page):
        translations = {p.locale.language_code: p for p in page.get_translations(inclusive=True).select_related("locale")}
    for code, name in settings.LANGUAGES:
        if isinstance(page, Page):
            target = translations.get(code)
            if target is None or not target.live:
                target = _home_for_language(request, code)
            url = target.get_url(request=request) if target is not None else _home_url(code)
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
        else:
            url = _home_url(code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


def _home_url(code):
    return "/" if code == settings.LANGUAGE_CODE else f"/{code}/"


def _home_for_language(request, code):
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    try:
        locale = Locale.objects.get(language_code=code)
    except Locale.DoesNotExist:
        return None
    return site.root_page.get_translation_or_none(locale)


@register.inclusion_tag("portal/_navigation.html", takes_context=True)
def navigation(context, placement):
    """A menu editors manage; in the reader's language, else in the default language."""
    locale = Locale.get_active()
    menus = {menu.locale_id: menu for menu in NavigationMenu.objects.filter(placement=placement)}
    menu = menus.get(locale.pk) or next(
        (m for m in menus.values() if m.locale.language_code == settings.LANGUAGE_CODE), None
    )
    items = []
    if menu is not None:
        links = [block.value for block in menu.items]
        pages = [link.get("page") for link in links if link.get("page")]
        localized = _localized_pages(pages, locale)
        request = context.get("request")
        current_path = request.path if request is not None else ""
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
            items.append({"url": url, "text": text, "active": bool(url) and current_path == url})
    return {"items": items, "placement": placement, "request": context.get("request")}


def _localized_pages(pages, locale):
    keys = [p.translation_key for p in pages]
    if not keys:
        return {}
    return {
        p.translation_key: p
        for p in Page.objects.filter(translation_key__in=keys, locale=locale).only(
            "id", "title", "url_path", "live", "translation_key", "locale_id", "path", "depth"
        )
    }
