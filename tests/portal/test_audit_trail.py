"""The audit trail: who changed what and when, for membership status, certification
decisions, PE reviews, consents and role changes; readable in the admin, in the
reader's language, and not editable there."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal import roles
from portal.audit import entries_for, entry_message
from tests.factories import UserFactory, verified_email

pytestmark = pytest.mark.django_db


def role_entries(user):
    return list(entries_for(user).filter(action="portal.user.roles_changed"))


def test_a_role_given_in_the_admin_is_logged_with_who_gave_it(admin_client, superuser):
    person = verified_email(UserFactory(email="nieuw@example.org", first_name="Nina", last_name="Nieuw"))
    secretariat = Group.objects.get(name=roles.SECRETARIAT)

    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        {"email": person.email, "first_name": "Nina", "last_name": "Nieuw", "is_active": "on", "groups": [secretariat.pk]},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    [entry] = role_entries(person)
    assert entry.user_id == superuser.pk
    assert entry.data["added"] == [roles.SECRETARIAT] and entry.data["removed"] == []
    assert entry.data["source"] == "secretariat"


def test_roles_taken_away_and_administrator_rights_are_logged_too():
    person = UserFactory(groups=[roles.ASSESSORS, roles.EDITORS])

    person.groups.remove(Group.objects.get(name=roles.ASSESSORS))
    Group.objects.get(name=roles.DECIDERS).user_set.add(person)
    person.groups.clear()
    person.is_superuser = True
    person.save()
    person.save()  # saving again changes nothing, and logs nothing

    changes = [(entry.data["added"], entry.data["removed"]) for entry in reversed(role_entries(person))]
    assert changes[-4:] == [
        ([], [roles.ASSESSORS]),
        ([roles.DECIDERS], []),
        ([], sorted([roles.DECIDERS, roles.EDITORS])),
        (["Administrator"], []),
    ]
    assert role_entries(person)[0].user is None and role_entries(person)[0].data["source"] == "system"


def test_role_changes_read_in_dutch():
    person = UserFactory(groups=[roles.EDITORS])

    from django.utils import translation

    with translation.override("nl"):
        message = entry_message(role_entries(person)[0])

    assert message == f"Rollen gewijzigd: toegevoegd {roles.EDITORS}; verwijderd –."


def test_membership_status_changes_are_logged():
    from members.services.membership import membership_end
    from tests.members.certification.factories import member, secretary

    user, staff = member(), secretary()

    membership_end(membership=user.membership, actor=staff, reason="Niet betaald")

    entry = entries_for(user.membership).get(action="members.membership.ended")
    assert entry.user_id == staff.pk


def test_consent_changes_are_logged():
    from members.services.register import register_profile_update
    from tests.members.factories import MemberProfileFactory

    profile = MemberProfileFactory()

    register_profile_update(
        user=profile.user, content={}, consents={"register_listed": True, "show_headline": True}, sectors=[], regions=[]
    )

    entry = entries_for(profile).get(action="members.register_consent.changed")
    assert entry.user_id == profile.user_id


def test_pe_reviews_are_logged(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    from tests.knowledge.pe import factories as pe
    from tests.members.certification.factories import member, secretary

    reviewer = secretary()

    entry = pe.approved(member(), reviewer)

    assert entries_for(entry).filter(action="knowledge.pe_entry.approved", user=reviewer).exists()


def test_certification_decisions_are_logged():
    from tests.members.certification import factories as certification

    certificate = certification.issued_certificate()

    decided = entries_for(certificate.application).get(action="members.certification_application.decided")
    assert decided.user_id == certificate.application.decision.decider_id
    assert entries_for(certificate).filter(action="members.certificate.issued").exists()


def test_the_audit_log_is_readable_in_the_admin_and_has_no_edit(admin_client):
    person = UserFactory(email="rol@example.org", groups=[roles.EDITORS])

    html = admin_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()

    assert "Rollen gewijzigd" in html or "Roles changed" in html
    entry = role_entries(person)[0]
    assert f"/{entry.pk}/edit" not in html
    from tests.portal.routes import every_route

    editors_of_entries = [
        address for address, pattern in every_route()
        if "logentry" in (pattern.name or "").lower() or "log_entry" in address
    ]
    assert editors_of_entries == []
    assert ModelLogEntry.objects.filter(pk=entry.pk).exists()
