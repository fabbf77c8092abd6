"""The knowledge library: articles with topics, authors and reading time, members-only
gating, related articles and the session materials of past events."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from knowledge.library_models import reading_minutes
from tests.events.helpers import event_page
from tests.knowledge.library import article, author, library_index, topic
from tests.members.factories import MembershipFactory
from tests.portal import pages

pytestmark = pytest.mark.django_db

SECRET = "Alleen leden lezen deze alinea."


def test_reading_time_follows_the_length_of_the_body(client):
    short = article(body_words=150)
    long = article(body_words=1050)

    assert short.reading_time == 1
    assert long.reading_time == 6
    assert "6 minuten leestijd" in client.get(long.url).content.decode()


def test_reading_time_counts_words_not_markup():
    assert reading_minutes(["<p>" + "<b>woord</b> " * 201 + "</p>"]) == 2


def test_article_shows_authors_topics_and_intro(client):
    leadership = topic("leiderschap", "Leiderschap")
    page = article(title="Sturen in crisis", topics=[leadership], authors=[author("Anna de Vries")], body_words=20)

    html = client.get(page.url).content.decode()

    assert "Anna de Vries" in html
    assert "Leiderschap" in html
    assert "Een korte inleiding voor iedereen." in html


def test_members_only_article_shows_others_a_teaser_and_a_join_link(client):
    page = article(members_only=True, intro="De inleiding is voor iedereen.", body=[("paragraph", f"<p>{SECRET}</p>")])

    response = client.get(page.url)

    html = response.content.decode()
    assert "De inleiding is voor iedereen." in html
    assert SECRET not in html
    assert reverse("members:join") in html
    assert "private" in response["Cache-Control"]


def test_member_reads_the_whole_members_only_article_never_from_a_shared_cache(client):
    page = article(members_only=True, body=[("paragraph", f"<p>{SECRET}</p>")])
    client.force_login(MembershipFactory(active=True).user)

    response = client.get(page.url)

    assert SECRET in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_related_articles_share_a_topic_most_shared_first(client):
    leadership, health = topic("leiderschap"), topic("zorg")
    page = article(title="Hoofdartikel", topics=[leadership, health])
    both = article(title="Beide onderwerpen", topics=[leadership, health])
    one = article(title="Een onderwerp", topics=[health])
    article(title="Ander onderwerp", topics=[topic("financien")])

    related = client.get(page.url).context["related_articles"]

    assert [p.title for p in related] == [both.title, one.title]


def test_index_lists_articles_newest_first_and_filters_by_topic(client):
    index = library_index()
    leadership = topic("leiderschap")
    older = article(index, title="Ouder", topics=[leadership], date=timezone.localdate() - timedelta(days=30))
    newer = article(index, title="Nieuwer", date=timezone.localdate())

    assert [p.pk for p in client.get(index.url).context["articles_page"].object_list] == [newer.pk, older.pk]
    filtered = client.get(index.url + "?topic=leiderschap").context["articles_page"].object_list
    assert [p.pk for p in filtered] == [older.pk]


def test_index_marks_members_only_articles_and_lists_their_teaser_only(client):
    index = library_index()
    article(index, title="Voor leden", members_only=True, body=[("paragraph", f"<p>{SECRET}</p>")])

    html = client.get(index.url).content.decode()

    assert "Voor leden" in html and "Alleen voor leden" in html
    assert SECRET not in html


def _past_event_with_slides():
    document = get_document_model().objects.create(title="Slides sessie", file=ContentFile(b"%PDF-1.4", name="slides.pdf"))
    return event_page(title="Kennissessie verleden", start=timezone.now() - timedelta(days=5), materials=[("document", document)])


def test_materials_of_past_events_appear_in_the_library_with_links_for_members(client):
    index = library_index()
    _past_event_with_slides()
    event_page(title="Kennissessie straks")  # upcoming, no materials

    anonymous = client.get(index.url).content.decode()
    assert "Kennissessie verleden" in anonymous
    assert "Slides sessie" not in anonymous
    assert "Kennissessie straks" not in anonymous

    client.force_login(MembershipFactory(active=True).user)
    assert "Slides sessie" in client.get(index.url).content.decode()


def test_library_only_shows_articles_of_its_language(client):
    index = library_index()
    article(index, title="Nederlands artikel")
    index_en = pages.translate(index, "en", title="Library", slug="library")

    response = client.get(index_en.url)

    assert response.status_code == 200
    assert list(response.context["articles_page"].object_list) == []


# The base layout costs about 15; the index adds its articles, their topics, authors,
# images and renditions, the topic list, membership and the session materials.
LIBRARY_INDEX_MAX_QUERIES = 26


@pytest.mark.parametrize("count", [5, 50])
def test_library_index_queries_stay_constant(client, count, django_assert_max_num_queries):
    index = library_index()
    topics = [topic("leiderschap"), topic("zorg")]
    for n in range(count):
        article(index, topics=topics, authors=[author()], image=pages.image(title=f"Beeld {n}"), revision=False)
    _past_event_with_slides()
    client.get(index.url)  # warm the site, menus and renditions

    with django_assert_max_num_queries(LIBRARY_INDEX_MAX_QUERIES):
        response = client.get(index.url)

    assert response.status_code == 200
