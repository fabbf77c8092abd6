"""Home and standard pages: what a visitor reads, and the limits editors work within."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents import get_document_model

from portal.blocks import BodyBlock, LinkBlock
from portal.models import AssociationSettings, HomePage, NewsIndexPage, NewsPage, StandardPage
from tests.portal import pages

pytestmark = pytest.mark.django_db


def test_home_page_shows_its_title_and_introduction(client):
    home = pages.home()
    home.intro = "Kwaliteit die je kunt controleren."
    pages.publish(home)

    html = client.get("/").content.decode()

    assert "<h1>Vereniging RQIM</h1>" in html
    assert "Kwaliteit die je kunt controleren." in html


def test_home_page_shows_the_three_newest_news_items_newest_first(client):
    index = pages.news_index()
    for title, day in [("Oud", 1), ("Nieuwst", 9), ("Middel", 5), ("Nieuwer", 7)]:
        pages.news_item(index, title=title, date=f"2026-03-0{day}")

    html = client.get("/").content.decode()

    assert html.index("Nieuwst") < html.index("Nieuwer") < html.index("Middel")
    assert "Oud<" not in html
    assert f'href="{index.url}"' in html  # "All news"


def test_home_page_leaves_out_news_in_another_language(client):
    index = pages.news_index()
    pages.translate(index, "en", title="News")
    item = pages.news_item(index, title="Alleen in het Nederlands")

    english = client.get("/en/").content.decode()

    assert item.title not in english
    assert item.title in client.get("/").content.decode()


def test_standard_page_renders_every_body_block(client):
    document = get_document_model().objects.create(title="Norm 2026", file=ContentFile(b"%PDF-1.4", name="norm.pdf"))
    image = pages.image(title="Zaal")
    target = pages.standard_page(pages.home(), title="Lid worden")
    page = pages.standard_page(
        pages.home(),
        title="Over de vereniging",
        intro="Wie we zijn.",
        body=[
            ("heading", {"text": "Onze missie", "level": "h2"}),
            ("paragraph", "<p>Wij borgen <b>kwaliteit</b>.</p>"),
            ("image", {"image": image, "alt_text": "Leden in de zaal", "caption": "Jaarcongres"}),
            ("document", {"document": document, "label": ""}),
            ("call_to_action", {"title": "Doe mee", "text": "Word lid.", "link": {"page": target, "url": "", "label": ""}}),
            ("quote", {"quote": "Vakmanschap telt.", "attribution": "Een opdrachtgever"}),
        ],
    )

    html = client.get(page.url).content.decode()

    assert "<h2>Onze missie</h2>" in html
    assert "<b>kwaliteit</b>" in html
    assert 'alt="Leden in de zaal"' in html and "<figcaption>Jaarcongres</figcaption>" in html
    assert f'href="{document.url}"' in html and "Norm 2026" in html and "(PDF" in html
    assert f'<a class="button" href="{target.url}">Lid worden</a>' in html
    assert "<blockquote><p>Vakmanschap telt.</p></blockquote>" in html


def test_image_block_falls_back_to_the_image_description_for_alt_text(client):
    image = pages.image(title="Bestand-123")
    image.description = "Twee mensen in gesprek"
    image.save()
    page = pages.standard_page(pages.home(), body=[("image", {"image": image, "alt_text": "", "caption": ""})])

    assert 'alt="Twee mensen in gesprek"' in client.get(page.url).content.decode()


def test_body_offers_no_embed_block():
    # Nothing on the site loads from other hosts.
    assert "embed" not in BodyBlock().child_blocks
    assert set(BodyBlock().child_blocks) == {"heading", "paragraph", "image", "document", "call_to_action", "quote"}


def test_unpublished_page_is_not_found(client):
    page = pages.standard_page(pages.home(), title="Concept", publish_it=False)

    assert client.get(page.url or f"/{page.slug}/").status_code == 404


def test_page_types_only_go_where_they_belong():
    home = pages.home()
    index = pages.news_index(home)

    assert NewsPage.can_create_at(index)
    assert not NewsPage.can_create_at(home)
    assert not StandardPage.can_create_at(index)
    assert not NewsIndexPage.can_create_at(index)
    assert not HomePage.can_create_at(home)


def test_link_block_needs_a_page_or_an_address_but_not_both():
    block = LinkBlock()
    page = pages.home()

    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"page": None, "url": "", "label": "Leeg"}))
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"page": page.pk, "url": "https://example.org", "label": "Beide"}))
    assert block.clean(block.to_python({"page": page.pk, "url": "", "label": ""}))["page"].pk == page.pk


def test_external_link_needs_a_label():
    block = LinkBlock()

    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"page": None, "url": "https://example.org", "label": ""}))


def test_footer_shows_the_association_details(client):
    details = AssociationSettings.for_site(pages.home().get_site())
    details.name = "Vereniging RQIM"
    details.address = "Herengracht 1\n1015 BA Amsterdam"
    details.kvk_number = "12345678"
    details.contact_email = "secretariaat@example.org"
    details.linkedin_url = "https://www.linkedin.com/company/rqim"
    details.save()

    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    assert "Herengracht 1<br>1015 BA Amsterdam" in footer
    assert "12345678" in footer
    assert 'href="mailto:secretariaat@example.org"' in footer
    assert 'href="https://www.linkedin.com/company/rqim"' in footer


def test_kvk_number_must_have_eight_digits():
    details = AssociationSettings.for_site(pages.home().get_site())
    details.kvk_number = "1234"

    with pytest.raises(ValidationError) as error:
        details.full_clean()
    assert "kvk_number" in error.value.message_dict
