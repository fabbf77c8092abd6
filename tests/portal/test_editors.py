"""Editors' comfort: the broken-link report, required alternative text, block help text."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

from portal.blocks import BodyBlock
from tests.portal import pages

pytestmark = pytest.mark.django_db


def _report() -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("check_internal_links", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def test_a_link_to_an_unpublished_page_is_reported(client):
    target = pages.standard_page(pages.home(), title="Tarieven")
    pages.standard_page(
        pages.home(), title="Lid worden",
        body=[("paragraph", f'<p>Zie <a linktype="page" id="{target.pk}">de tarieven</a>.</p>')],
    )
    assert _report()[1] is True

    target.unpublish()
    output, ok = _report()

    assert ok is False
    assert "Lid worden" in output and f"#{target.pk}" in output


def test_an_image_needs_alternative_text_in_the_admin_form():
    Form = get_image_form(get_image_model())
    upload = SimpleUploadedFile("beeld.png", pages.image().file.read(), content_type="image/png")

    without = Form({"title": "Beeld", "description": ""}, {"file": upload})
    assert not without.is_valid()
    assert "description" in without.errors


def test_body_blocks_explain_themselves_to_editors():
    for name, block in BodyBlock().child_blocks.items():
        assert block.meta.help_text, f"block {name!r} has no help text"
