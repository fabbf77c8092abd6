"""The CMS core in the Wagtail admin: the menus editors keep (and translate).

The association details are a site setting (registered with @register_setting in
portal/models.py) and appear under Settings.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.cache import page_cache_allow
from portal.models import NavigationMenu


class NavigationMenuViewSet(SnippetViewSet):
    """Main and footer menu, one per language. Because the model is translatable,
    simple_translation adds "Translate" to each menu in the listing."""

    model = NavigationMenu
    icon = "list-ul"
    menu_label = _("Menus")
    menu_name = "navigation-menus"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["placement", "locale"]
    list_filter = ["placement"]
    ordering = ["placement", "locale__language_code"]


register_snippet(NavigationMenuViewSet)


@hooks.register("before_serve_page")
def page_cache_mark(page, request, serve_args, serve_kwargs):
    """A CMS page may go into the page cache for visitors (portal/cache.py checks the response too)."""
    page_cache_allow(request, page)
