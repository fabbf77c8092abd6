"""Who sets the norms: editors draft norm pages, the norm committee approves and so publishes them."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import nested_form_data, rich_text

from knowledge.models import NormIndexPage, NormPage
from portal import roles
from tests.factories import UserFactory, totp_authenticator, verified_email
from tests.knowledge.norms import norm_index, norm_page, two_versions
from tests.portal import pages

pytestmark = pytest.mark.django_db


def staff_member(*groups):
    user = verified_email(UserFactory(groups=list(groups)))
    totp_authenticator(user)
    return user


@pytest.fixture
def index():
    return norm_index()


@pytest.fixture
def draft(index):
    _old, current = two_versions()
    return norm_page(index, current, publish_it=False)


def edit_form(page, **actions):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "norm_version": page.norm_version_id,
            "document": "",
            "changes": rich_text("<p>Nieuw criterium B.1.</p>"),
            **actions,
        }
    )


def edit(client, page, **actions):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(page, **actions))


def approve(client, page):
    task_state = page.current_workflow_task_state
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]), {"comment": "Akkoord."}
    )


@pytest.fixture
def submitted(client, draft):
    client.force_login(staff_member(roles.EDITORS))
    edit(client, draft, **{"action-submit": "action-submit"})
    client.logout()
    draft.refresh_from_db()
    return draft


def test_norm_pages_follow_the_norm_approval_workflow(draft):
    assert draft.get_workflow() == roles.norm_approval_workflow()


def test_editor_cannot_publish_a_norm_page_directly(client, draft):
    client.force_login(staff_member(roles.EDITORS))

    edit(client, draft, **{"action-publish": "action-publish"})

    draft.refresh_from_db()
    assert not draft.live
    assert not draft.permissions_for_user(staff_member(roles.EDITORS)).can_publish()


def test_editor_cannot_add_a_norm_page_published(client, index):
    _old, current = two_versions()
    client.force_login(staff_member(roles.EDITORS))

    client.post(
        reverse("wagtailadmin_pages:add", args=["knowledge", "normpage", index.pk]),
        edit_form(NormPage(title="RQIM-norm 2026", slug="rqim-norm-2026", norm_version=current), **{"action-publish": "action-publish"}),
    )

    page = NormPage.objects.get(slug="rqim-norm-2026")
    assert not page.live


def test_editor_still_publishes_other_pages():
    editor = staff_member(roles.EDITORS)
    page = pages.standard_page(pages.home(), publish_it=False)

    assert page.permissions_for_user(editor).can_publish()


def test_submitted_norm_page_awaits_the_committee(submitted):
    assert submitted.workflow_in_progress
    assert submitted.current_workflow_task_state.task.name == roles.NORM_APPROVAL_TASK
    assert not submitted.live


def test_editor_cannot_approve_the_norm_page(client, submitted):
    client.force_login(staff_member(roles.EDITORS))

    approve(client, submitted)

    submitted.refresh_from_db()
    assert submitted.workflow_in_progress
    assert not submitted.live


def test_committee_approval_publishes_the_norm_page(client, submitted):
    client.force_login(staff_member(roles.NORM_COMMITTEE))

    approve(client, submitted)

    submitted.refresh_from_db()
    assert submitted.live
    assert not submitted.workflow_in_progress


def test_every_decision_is_in_the_page_history(client, submitted):
    committee_member = staff_member(roles.NORM_COMMITTEE)
    client.force_login(committee_member)

    approve(client, submitted)

    actions = list(PageLogEntry.objects.filter(page=submitted).order_by("timestamp", "pk").values_list("action", "user_id"))
    names = [action for action, _user in actions]
    assert "wagtail.workflow.start" in names
    assert ("wagtail.workflow.approve", committee_member.pk) in actions
    assert "wagtail.publish" in names


def test_committee_approval_schedules_publication_on_the_go_live_date(client, draft):
    go_live = timezone.now() + timedelta(days=30)
    client.force_login(staff_member(roles.EDITORS))
    edit(client, draft, **{"action-submit": "action-submit", "go_live_at": go_live.strftime("%Y-%m-%d %H:%M")})
    draft.refresh_from_db()
    client.force_login(staff_member(roles.NORM_COMMITTEE))

    approve(client, draft)

    draft.refresh_from_db()
    revision = draft.get_latest_revision()
    assert not draft.live
    assert revision.approved_go_live_at is not None


def test_scheduled_norm_page_goes_live_when_its_date_comes(client, draft):
    go_live = timezone.now() + timedelta(days=30)
    client.force_login(staff_member(roles.EDITORS))
    edit(client, draft, **{"action-submit": "action-submit", "go_live_at": go_live.strftime("%Y-%m-%d %H:%M")})
    draft.refresh_from_db()
    client.force_login(staff_member(roles.NORM_COMMITTEE))
    approve(client, draft)
    after_go_live = go_live + timedelta(hours=1)

    with mock.patch("django.utils.timezone.now", return_value=after_go_live):
        call_command("publish_scheduled")

    draft.refresh_from_db()
    assert draft.live


def test_norm_index_added_in_the_admin_gets_the_committee_workflow(client):
    client.force_login(staff_member(roles.EDITORS))

    client.post(
        reverse("wagtailadmin_pages:add", args=["knowledge", "normindexpage", pages.home().pk]),
        nested_form_data({"title": "Normen", "slug": "normen", "intro": "", "action-submit": "action-submit"}),
    )

    index = NormIndexPage.objects.get(slug="normen")
    assert index.get_workflow() == roles.norm_approval_workflow()
    assert not index.live
