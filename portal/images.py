"""The image form of the Wagtail admin (settings.WAGTAILIMAGES_IMAGE_FORM_BASE): every image
gets a description, which pages use as its alternative text for people who cannot see it.

Wagtail's multiple uploader handles the required field: an upload without it waits as an
unfinished upload until the editor fills it in.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        description = self.fields.get("description")
        if description is not None:
            description.required = True
            description.label = _("Alternative text")
            description.help_text = _(
                "Describe what the image shows for people who cannot see it (required). "
                "Set the focal point too, so that crops keep what matters."
            )
