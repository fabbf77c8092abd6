"""What the public home page shows from other apps: the register's live count, the next
events, the norm in force.

portal knows no app; each app adds its part through the Wagtail hook ``home_page_context``
from its own ``home_panels`` module (found like the member home's panels):

    @hooks.register(HOME_PAGE_CONTEXT_HOOK)
    def register_on_home(request, language) -> dict: ...

Each hook answers a dict merged into the template context, in a fixed number of queries.
"""

from __future__ import annotations

from wagtail import hooks

from portal.member_home import discover_home_panels

HOME_PAGE_CONTEXT_HOOK = "home_page_context"


def home_page_extras(*, request, language: str) -> dict:
    discover_home_panels()
    context: dict = {}
    for hook in hooks.get_hooks(HOME_PAGE_CONTEXT_HOOK):
        context.update(hook(request, language) or {})
    return context
