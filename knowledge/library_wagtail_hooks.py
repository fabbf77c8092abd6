"""The library's snippets in the Wagtail admin: topics and authors (under "Library")."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
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


@hooks.register("register_search_types")
def knowledge_search_types():
    """The site search narrows to norms or to the library (portal.views.search)."""
    from knowledge.models import NormIndexPage, NormPage
    from knowledge.library_models import ArticlePage, LibraryIndexPage

    return [
        ("norms", _("Norms"), [NormPage, NormIndexPage]),
        ("library", _("Library"), [ArticlePage, LibraryIndexPage]),
    ]


@hooks.register("register_search_topics")
def knowledge_search_topics():
    """The library's topics narrow the site search to the articles on them."""
    from knowledge.library_models import ArticlePage
    from portal.cache import cached_part

    def ids_for(topic_id):
        return lambda: ArticlePage.objects.filter(topics=topic_id).values_list("pk", flat=True)

    # From the cache: the search form shows them on every search (purged when a topic changes).
    topics = cached_part("library-topics", lambda: list(Topic.objects.order_by("name_nl")))
    return [(topic.slug, topic.name, ids_for(topic.pk)) for topic in topics]
