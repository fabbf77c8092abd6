"""Reads and rules for the norm pages (knowledge/models.py).

The text of a norm page comes from `members.NormVersion` (competence areas and
criteria with their EQF levels), the one source the certification assesses against;
which version is in force comes from `members.certification_selectors.norm_version_in_force`.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import transaction
from django.db.models import Prefetch, Q
from wagtail.models import Page, WorkflowPage

from members.certification_selectors import norm_version_in_force
from members.models import CompetenceArea, Criterion, NormVersion
from portal.roles import norm_approval_workflow


def norm_areas(*, norm_version: NormVersion) -> list[CompetenceArea]:
    """The competence areas of a norm version with their criteria, in order (two queries)."""
    criteria = Criterion.objects.order_by("sort_order", "code")
    return list(
        CompetenceArea.objects.filter(norm_version=norm_version)
        .order_by("sort_order", "code")
        .prefetch_related(Prefetch("criteria", queryset=criteria))
    )


def norm_page_context(*, page, today: date) -> dict:
    """What a norm page shows: its version, the full text, and the version in force.

    `status` is "in_force", "superseded" (an older version: the page names and links
    the version in force) or "upcoming" (takes effect later). A constant number of
    queries whatever the number of criteria.
    """
    NormPage = apps.get_model("knowledge", "NormPage")  # by label: knowledge.models builds on this module

    version = NormVersion.objects.select_related("scheme", "replaces").get(pk=page.norm_version_id)
    in_force = norm_version_in_force(scheme=version.scheme, on=today)
    if in_force is not None and in_force.pk == version.pk:
        status = "in_force"
    elif version.effective_from > today:
        status = "upcoming"
    else:
        status = "superseded"
    in_force_page = None
    if status != "in_force" and in_force is not None:
        in_force_page = (
            NormPage.objects.live().public().filter(norm_version=in_force, locale_id=page.locale_id).first()
        )
    Consultation = apps.get_model("knowledge", "Consultation")
    consultation = Consultation.objects.filter(norm_version=version).first()
    return {
        "consultation": consultation,
        "consultation_state": consultation.state() if consultation else None,
        "norm_version": version,
        "norm_areas": norm_areas(norm_version=version),
        "norm_status": status,
        "version_in_force": in_force,
        "in_force_page": in_force_page,
        "norm_index": page.get_parent(),
    }


def norm_pages_listed(*, index, today: date | None = None) -> list:
    """The live norm pages under `index`, newest version first, each with `is_in_force` set."""
    from django.utils import timezone

    NormPage = apps.get_model("knowledge", "NormPage")  # by label: knowledge.models builds on this module

    today = today or timezone.localdate()
    pages = list(
        NormPage.objects.live().public().child_of(index)
        .select_related("norm_version__scheme")
        .order_by("-norm_version__effective_from")
    )
    in_force_ids = set()
    for scheme in {page.norm_version.scheme for page in pages}:
        in_force = norm_version_in_force(scheme=scheme, on=today)
        if in_force is not None:
            in_force_ids.add(in_force.pk)
    for page in pages:
        page.is_in_force = page.norm_version_id in in_force_ids
    return pages


def norm_pages_protected(*, page: Page) -> bool:
    """Whether deleting `page` would delete a norm page whose version applications or certificates use."""
    NormPage = apps.get_model("knowledge", "NormPage")  # by label: knowledge.models builds on this module

    norm_pages = NormPage.objects.descendant_of(page, inclusive=True)
    return (
        NormVersion.objects.filter(norm_pages__in=norm_pages)
        .filter(Q(applications__isnull=False) | Q(certificates__isnull=False))
        .exists()
    )


@transaction.atomic
def norm_index_secure(*, index) -> bool:
    """Put the norm index (and so every norm page under it) under the norm committee's workflow.

    Returns True when the assignment changed. Safe to run any number of times.
    """
    workflow = norm_approval_workflow()
    assignment, created = WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
    if not created and assignment.workflow_id != workflow.pk:
        assignment.workflow = workflow
        assignment.save(update_fields=["workflow"])
        return True
    return created
