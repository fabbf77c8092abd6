"""StreamField blocks shared by the site's pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class LinkStructValue(blocks.StructValue):
    """Templates use `href` and `text`. (Not `url`: in a template, `value.url` is the
    child block of that name, the external address, since StructValue is a dict.)"""

    def href(self):
        page = self.get("page")
        if page:
            return page.localized.url or ""
        return self.get("url") or ""

    def text(self):
        if self.get("label"):
            return self.get("label")
        page = self.get("page")
        if page:
            return page.localized.title
        return self.get("url") or ""


class LinkBlock(blocks.StructBlock):
    """A link to a page of the site (followed into the reader's language) or elsewhere."""

    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.URLBlock(required=False, label=_("External address"))
    label = blocks.CharBlock(
        required=False, max_length=80, label=_("Label"), help_text=_("Leave empty to use the page title.")
    )

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose either a page or an external address.")
            raise StructBlockValidationError(block_errors={"page": ValidationError(message)})
        if value.get("url") and not value.get("label"):
            raise StructBlockValidationError(
                block_errors={"label": ValidationError(_("An external link needs a label."))}
            )
        return value

    class Meta:
        icon = "link"
        label = _("Link")
        value_class = LinkStructValue
        template = "blocks/link.html"
        preview_value = {"url": "https://example.org", "label": "Example"}


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120, label=_("Heading"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3"))], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        help_text = _("A heading that divides the page into sections; level 2 for sections, level 3 within one.")
        template = "blocks/heading.html"
        preview_value = {"text": "Over de vereniging", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        required=False,
        max_length=200,
        label=_("Alternative text"),
        help_text=_("Describe the image for people who cannot see it; leave empty to use the image's title."),
    )
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        help_text = _("An image from the image library. Its alternative text is the image's description unless you give another here.")
        template = "blocks/image.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(required=False, max_length=120, label=_("Label"))

    class Meta:
        icon = "doc-full"
        label = _("Document link")
        help_text = _("A link to a document (PDF, Word, …) from the documents library, shown with its type and size.")
        template = "blocks/document_link.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, label=_("Title"))
    text = blocks.TextBlock(required=False, label=_("Text"))
    link = LinkBlock(label=_("Button"))

    class Meta:
        icon = "pick"
        label = _("Call to action")
        help_text = _("A box that invites the reader to do something, with one button.")
        template = "blocks/call_to_action.html"
        preview_value = {
            "title": "Word lid",
            "text": "Sluit je aan bij de vereniging.",
            "link": {"url": "https://example.org", "label": "Lid worden"},
        }


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=120, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        help_text = _("A quotation, with who said it.")
        template = "blocks/quote.html"
        preview_value = {"quote": "Kwaliteit die je kunt controleren.", "attribution": "Een opdrachtgever"}


class BodyBlock(blocks.StreamBlock):
    """The body of standard and news pages. There is deliberately no embed block:
    the site loads nothing from other hosts."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
        label=_("Text"),
        icon="pilcrow",
        template="blocks/paragraph.html",
    )
    image = ImageBlock()
    document = DocumentLinkBlock()
    call_to_action = CallToActionBlock()
    quote = QuoteBlock()


# Help text for editors, set on the block's Meta rather than as an argument: an argument
# would be part of every StreamField's migration state, and this is text for the admin only.
BodyBlock.base_blocks["paragraph"].meta.help_text = _("Paragraphs with links, lists and sub-headings.")
