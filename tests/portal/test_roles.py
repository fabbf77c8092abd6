"""Each role reaches what it must in the Wagtail admin, and nothing else."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page, WorkflowPage
from wagtail.test.utils.form_data import nested_form_data, streamfield

from portal import roles
from portal.models import HomePage, StandardPage
from tests.factories import UserFactory, totp_authenticator, verified_email

pytestmark = pytest.mark.django_db

USERS_URL = "/admin/users/"


def staff_member(*groups):
    """A user in the given groups who has set up TOTP, as the admin requires."""
    user = verified_email(UserFactory(groups=list(groups)))
    totp_authenticator(user)
    return user


@pytest.fixture
def home():
    return HomePage.objects.get()


@pytest.fixture
def draft_page(home):
    return home.add_child(instance=StandardPage(title="Norm 2027", slug="norm-2027", live=False))


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def edit_form(page, **actions):
    return nested_form_data({"title": page.title, "slug": page.slug, "intro": "", "body": streamfield([]), **actions})


def assert_permission_denied(response):
    """Wagtail answers a forbidden admin view by going to the dashboard with an error message."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    with translation.override("nl"):
        denied = gettext("Sorry, you do not have permission to access this area.")
    assert any(denied in str(message) for message in get_messages(response.wsgi_request))


def role_permissions_snapshot():
    snapshot = {}
    for group in Group.objects.filter(name__in=[role.name for role in roles.ROLES]):
        snapshot[group.name] = (
            set(group.permissions.values_list("content_type__app_label", "codename")),
            set(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission_id")),
            set(GroupCollectionPermission.objects.filter(group=group).values_list("collection_id", "permission_id")),
        )
    return snapshot


# --- Editors ---------------------------------------------------------------------


def test_editor_reaches_page_explorer(client, home):
    client.force_login(staff_member(roles.EDITORS))

    response = client.get(reverse("wagtailadmin_explore", args=[home.pk]))

    assert response.status_code == 200


def test_editor_reaches_home_page_edit_view(client, home):
    client.force_login(staff_member(roles.EDITORS))

    response = client.get(edit_url(home))

    assert response.status_code == 200


def test_editor_publishes_a_page(client, draft_page):
    client.force_login(staff_member(roles.EDITORS))

    client.post(edit_url(draft_page), edit_form(draft_page, **{"action-publish": "action-publish"}))

    draft_page.refresh_from_db()
    assert draft_page.live


def test_editor_is_denied_the_users_area(client):
    client.force_login(staff_member(roles.EDITORS))

    assert_permission_denied(client.get(USERS_URL))


def test_editor_has_no_users_menu_item(client):
    client.force_login(staff_member(roles.EDITORS))

    dashboard = client.get(reverse("wagtailadmin_home"))

    assert dashboard.status_code == 200
    assert USERS_URL not in dashboard.content.decode()


def test_editor_holds_no_permission_on_member_records():
    editor = staff_member(roles.EDITORS)

    assert not [perm for perm in editor.get_all_permissions() if perm.startswith("members.")]


def test_editor_edits_navigation_menus():
    editor = staff_member(roles.EDITORS)

    assert editor.has_perms(["portal.add_navigationmenu", "portal.change_navigationmenu"])


@pytest.mark.parametrize("url_name", ["wagtailimages:add", "wagtaildocs:add"])
def test_editor_reaches_image_and_document_upload(client, url_name):
    client.force_login(staff_member(roles.EDITORS))

    response = client.get(reverse(url_name))

    assert response.status_code == 200


# --- Secretariat -------------------------------------------------------------------


def test_secretariat_reaches_users_area(client):
    client.force_login(staff_member(roles.SECRETARIAT))

    response = client.get(USERS_URL)

    assert response.status_code == 200


def test_secretariat_has_users_menu_item(client):
    client.force_login(staff_member(roles.SECRETARIAT))

    dashboard = client.get(reverse("wagtailadmin_home"))

    assert USERS_URL in dashboard.content.decode()


def test_secretariat_reaches_association_settings(client, home):
    client.force_login(staff_member(roles.SECRETARIAT))
    site = home.get_site()

    response = client.get(reverse("wagtailsettings:edit", args=["portal", "associationsettings", site.pk]))

    assert response.status_code == 200


def test_secretariat_is_denied_page_editing(client, home):
    client.force_login(staff_member(roles.SECRETARIAT))

    assert_permission_denied(client.get(edit_url(home)))


def user_edit_form(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "password1": "",
        "password2": "",
    }
    return {**data, **changes}


def test_secretariat_reaches_a_members_account(client):
    member = staff_member()
    client.force_login(staff_member(roles.SECRETARIAT))

    response = client.get(reverse("wagtailusers_users:edit", args=[member.pk]))

    assert response.status_code == 200


def test_secretariat_edits_a_members_name(client):
    member = staff_member()
    client.force_login(staff_member(roles.SECRETARIAT))

    client.post(reverse("wagtailusers_users:edit", args=[member.pk]), user_edit_form(member, last_name="Visser"))

    member.refresh_from_db()
    assert member.last_name == "Visser"


def test_secretariat_cannot_make_a_user_administrator(client):
    member = staff_member()
    client.force_login(staff_member(roles.SECRETARIAT))

    client.post(reverse("wagtailusers_users:edit", args=[member.pk]), user_edit_form(member, is_superuser="on"))

    member.refresh_from_db()
    assert not member.is_superuser


def test_secretariat_cannot_change_group_membership(client):
    assessor = staff_member(roles.ASSESSORS)
    deciders = Group.objects.get(name=roles.DECIDERS)
    client.force_login(staff_member(roles.SECRETARIAT))

    client.post(reverse("wagtailusers_users:edit", args=[assessor.pk]), user_edit_form(assessor, groups=[deciders.pk]))

    assert list(assessor.groups.values_list("name", flat=True)) == [roles.ASSESSORS]


def test_secretariat_creates_users_without_roles(client):
    editors = Group.objects.get(name=roles.EDITORS)
    client.force_login(staff_member(roles.SECRETARIAT))
    data = {
        "email": "nieuw@example.org",
        "first_name": "Nieuw",
        "last_name": "Lid",
        "password1": "een lang wachtwoord 42",
        "password2": "een lang wachtwoord 42",
        "is_superuser": "on",
        "groups": [editors.pk],
    }

    client.post(reverse("wagtailusers_users:add"), data)

    created = get_user_model().objects.get(email="nieuw@example.org")
    assert not created.is_superuser
    assert not created.groups.exists()


def test_secretariat_is_denied_editing_a_superuser(client, superuser):
    client.force_login(staff_member(roles.SECRETARIAT))

    assert_permission_denied(client.get(reverse("wagtailusers_users:edit", args=[superuser.pk])))


def test_secretariat_cannot_assign_roles_in_bulk(client):
    member = staff_member()
    deciders = Group.objects.get(name=roles.DECIDERS)
    client.force_login(staff_member(roles.SECRETARIAT))

    client.post(
        reverse("wagtail_bulk_action", args=["members", "user", "assign_role"]) + f"?id={member.pk}",
        {"role": deciders.pk},
    )

    assert not member.groups.exists()


def test_superuser_assigns_roles(admin_client):
    member = staff_member()
    deciders = Group.objects.get(name=roles.DECIDERS)

    admin_client.post(reverse("wagtailusers_users:edit", args=[member.pk]), user_edit_form(member, groups=[deciders.pk]))

    assert list(member.groups.values_list("name", flat=True)) == [roles.DECIDERS]


# --- Assessors and deciders ----------------------------------------------------------


@pytest.mark.parametrize("group", [roles.ASSESSORS, roles.DECIDERS])
def test_certification_body_reaches_dashboard(client, group):
    client.force_login(staff_member(group))

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200


@pytest.mark.parametrize("group", [roles.ASSESSORS, roles.DECIDERS])
def test_certification_body_is_denied_page_editing(client, home, group):
    client.force_login(staff_member(group))

    assert_permission_denied(client.get(edit_url(home)))


@pytest.mark.parametrize("group", [roles.ASSESSORS, roles.DECIDERS])
def test_certification_body_is_denied_the_users_area(client, group):
    client.force_login(staff_member(group))

    assert_permission_denied(client.get(USERS_URL))


# --- Norm committee ------------------------------------------------------------------


@pytest.fixture
def norm_in_moderation(client, draft_page):
    """A page under the "Norm approval" workflow that an editor has submitted."""
    WorkflowPage.objects.create(workflow=roles.norm_approval_workflow(), page=draft_page)
    client.force_login(staff_member(roles.EDITORS))
    client.post(edit_url(draft_page), edit_form(draft_page, **{"action-submit": "action-submit"}))
    client.logout()
    draft_page.refresh_from_db()
    return draft_page


def test_submitted_norm_awaits_the_norm_committee(norm_in_moderation):
    task_state = norm_in_moderation.current_workflow_task_state

    assert task_state.task.name == roles.NORM_APPROVAL_TASK
    assert list(task_state.task.specific.groups.values_list("name", flat=True)) == [roles.NORM_COMMITTEE]


def test_norm_committee_reaches_the_submitted_norm_in_the_editor(client, norm_in_moderation):
    client.force_login(staff_member(roles.NORM_COMMITTEE))

    response = client.get(edit_url(norm_in_moderation))

    assert response.status_code == 200


def test_norm_committee_approval_publishes_the_norm(client, norm_in_moderation):
    task_state = norm_in_moderation.current_workflow_task_state
    client.force_login(staff_member(roles.NORM_COMMITTEE))

    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[norm_in_moderation.pk, "approve", task_state.pk]),
        {"comment": ""},
    )

    norm_in_moderation.refresh_from_db()
    assert norm_in_moderation.live
    assert not norm_in_moderation.workflow_in_progress


def test_norm_committee_cannot_publish_directly(client, draft_page):
    client.force_login(staff_member(roles.NORM_COMMITTEE))

    response = client.post(edit_url(draft_page), edit_form(draft_page, **{"action-publish": "action-publish"}))

    assert_permission_denied(response)
    draft_page.refresh_from_db()
    assert not draft_page.live


def test_other_groups_cannot_approve_a_norm(client, norm_in_moderation):
    task_state = norm_in_moderation.current_workflow_task_state
    client.force_login(staff_member(roles.EDITORS, roles.SECRETARIAT))

    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[norm_in_moderation.pk, "approve", task_state.pk]),
        {"comment": ""},
    )

    norm_in_moderation.refresh_from_db()
    assert norm_in_moderation.workflow_in_progress
    assert not norm_in_moderation.live


# --- Nobody else ------------------------------------------------------------------------


def test_user_in_no_group_gets_no_admin_access(client):
    client.force_login(staff_member())

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Keeping the groups in line with portal/roles.py -----------------------------------


def test_sync_after_migration_changes_nothing():
    migrated = role_permissions_snapshot()

    roles.roles_sync()
    roles.roles_sync()

    assert role_permissions_snapshot() == migrated


def test_sync_removes_permissions_granted_by_hand():
    editors = Group.objects.get(name=roles.EDITORS)
    editors.permissions.add(Permission.objects.get(content_type__app_label="members", codename="change_user"))

    call_command("sync_roles", verbosity=0)

    assert not editors.permissions.filter(codename="change_user").exists()


def test_sync_roles_reports_what_it_removed():
    editors = Group.objects.get(name=roles.EDITORS)
    editors.permissions.add(Permission.objects.get(content_type__app_label="members", codename="change_user"))
    output = StringIO()

    call_command("sync_roles", stdout=output)

    assert f"{roles.EDITORS}: - members.change_user" in output.getvalue()


def test_sync_restores_a_deleted_group_with_its_page_permissions():
    Group.objects.filter(name=roles.EDITORS).delete()

    call_command("sync_roles", verbosity=0)

    editors = Group.objects.get(name=roles.EDITORS)
    codenames = set(
        GroupPagePermission.objects.filter(group=editors, page=Page.get_first_root_node()).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}


def test_sync_keeps_a_single_norm_approval_task():
    roles.roles_sync()

    workflow = roles.norm_approval_workflow()
    assert [task.name for task in workflow.tasks] == [roles.NORM_APPROVAL_TASK]


def test_strict_sync_rejects_a_misspelt_permission(monkeypatch):
    monkeypatch.setattr(roles, "ROLES", (roles.Role(roles.EDITORS, permissions=("portal.publish_navigationmenu",)),))

    with pytest.raises(roles.UnknownPermission):
        roles.roles_sync(strict=True)
