from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from knowledge.models import NormIndexPage
from knowledge.norms import norm_index_secure, norm_pages_protected


@hooks.register("before_delete_page")
def keep_norm_pages_in_use(request, page):
    """A norm page whose version applications or certificates refer to stays."""
    if norm_pages_protected(page=page):
        messages.error(
            request,
            _("This page cannot be deleted: certification applications or certificates refer to its norm version."),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("after_create_page")
def norm_index_uses_committee_workflow(request, page):
    if isinstance(page, NormIndexPage):
        norm_index_secure(index=page)


from knowledge import pe_wagtail_hooks  # noqa: E402,F401
from knowledge import library_wagtail_hooks  # noqa: E402,F401
from knowledge import digest_wagtail_hooks  # noqa: E402,F401
from knowledge import consultation_wagtail_hooks  # noqa: E402,F401
