"""The library's snippets in the Wagtail admin: topics and authors (under "Library")."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from knowledge.library_models import Author, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["name_nl", "name_en", "slug"]
    search_fields = ["name_nl", "name_en"]
    search_backend_name = None


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Authors")
    list_display = ["name", "role_nl"]
    search_fields = ["name"]
    search_backend_name = None


class LibraryViewSetGroup(SnippetViewSetGroup):
    items = (TopicViewSet, AuthorViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Library")
    menu_name = "library"
    menu_order = 260


register_snippet(LibraryViewSetGroup)
