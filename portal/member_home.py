""""Mijn omgeving": one page after login that brings together what each app knows of the member.

The page knows no app. Each app contributes its own blocks from its own module
(`members/home_panels.py`, `events/home_panels.py`, `knowledge/home_panels.py`) through
the Wagtail hook ``member_home_panels``:

    @hooks.register(MEMBER_HOME_PANELS_HOOK)
    def membership_panel(request) -> MemberPanel | None: ...

A hook answers one `MemberPanel` (or a list of them, or None to show nothing) built in
a fixed number of queries, whatever the member's history: the page's query count
is the sum of its panels' and does not grow with the member's history. A panel
lists its open tasks (pay, renew, upload evidence, answer an offer); the page
gathers them at the top, most urgent first.

The modules are found by `autodiscover_modules("home_panels")`, so an app takes part
by having the module; no list to keep here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.module_loading import autodiscover_modules
from django.views.decorators.cache import never_cache
from wagtail import hooks

MEMBER_HOME_PANELS_HOOK = "member_home_panels"


@dataclass(frozen=True)
class Task:
    """Something the member should do, with where to do it."""

    label: str
    url: str
    detail: str = ""
    urgent: bool = False  # money or a deadline: shown first and marked


@dataclass
class MemberPanel:
    """One block of the member home: rendered with `template` and `context`, linking to `url`."""

    key: str
    title: str
    template: str
    url: str = ""
    link_label: str = ""
    order: int = 100
    context: dict[str, Any] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)


_discovered = False


def discover_home_panels() -> None:
    """Import every app's ``home_panels`` module once, so that its hooks are registered."""
    global _discovered
    if not _discovered:
        autodiscover_modules("home_panels")
        _discovered = True


def member_home_panels(request) -> list[MemberPanel]:
    """Every app's panels for the signed-in member, in order."""
    discover_home_panels()
    panels: list[MemberPanel] = []
    for hook in hooks.get_hooks(MEMBER_HOME_PANELS_HOOK):
        answer = hook(request)
        if answer is None:
            continue
        panels.extend(answer if isinstance(answer, (list, tuple)) else [answer])
    return sorted(panels, key=lambda panel: (panel.order, panel.key))


def open_tasks(panels: list[MemberPanel]) -> list[Task]:
    tasks = [task for panel in panels for task in panel.tasks]
    return sorted(tasks, key=lambda task: not task.urgent)


@never_cache
@login_required
def member_home(request):
    """"Mijn omgeving": membership, certificate, PE, events and open tasks on one page."""
    panels = member_home_panels(request)
    response = render(
        request,
        "portal/member_home.html",
        {"panels": panels, "tasks": open_tasks(panels)},
    )
    response["Cache-Control"] = "private, no-store"
    return response
