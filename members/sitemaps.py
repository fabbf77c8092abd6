"""The public register in sitemap.xml: the search page and each listed profile, in Dutch and English.

Only listed profiles (consent and an active certificate, `register_public_list`): a
manager who is not listed is not named here either. Nothing but the address and the
date of the last change is told.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class RegisterSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = False
    changefreq = "weekly"

    def items(self):
        from members.register_selectors import register_public_list

        profiles = register_public_list().prefetch_related(None).order_by("pk").values_list("pk", "updated_at")
        return [("index", None)] + [("profile", row) for row in profiles]

    def location(self, item):
        kind, row = item
        if kind == "index":
            return reverse("members:register")
        return reverse("members:register_profile", args=[row[0]])

    def lastmod(self, item):
        kind, row = item
        return row[1] if row else None
