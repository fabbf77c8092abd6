"""sitemap.xml for every language of the site.

Wagtail's own sitemap lists the descendants of the site's root page only, and with
Wagtail's i18n each translation of the home page is a tree of its own: /en/ and
below would be missing. This one lists every published, public page under any
translation of the root, and links translations of one page to each other
(hreflang alternates), as search engines expect of a multilingual site.
"""

from collections import defaultdict

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page


class PortalSitemap(Sitemap):
    def items(self):
        site = self.get_wagtail_site()
        roots = site.root_page.get_translations(inclusive=True).live()
        in_a_tree = Q()
        for root in roots:
            in_a_tree |= Q(path__startswith=root.path)
        if not in_a_tree:
            return Page.objects.none()
        return (
            Page.objects.live()
            .public()
            .filter(in_a_tree)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        entries = []
        by_translation = defaultdict(list)
        for item in self.paginator.page(page).object_list:
            for url_info in item.get_sitemap_urls(self.request):
                entry = dict(url_info)
                entries.append((item.translation_key, entry))
                by_translation[item.translation_key].append(
                    {"lang_code": languages.get(item.locale_id), "location": entry["location"]}
                )
        urls = []
        for key, entry in entries:
            if len(by_translation[key]) > 1:
                entry["alternates"] = by_translation[key]
            urls.append(entry)
        last_mods = {entry.get("lastmod") for entry in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
