"""The certification body's admin: each role reaches what it must, and nothing else."""

import pytest
from django.urls import reverse

from members.models import Certificate, CertificationApplication, Decision
from portal import roles

from . import factories as f

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"certification_applications:{name}", args=args)


def test_assessor_sees_only_assigned_applications(client):
    mine = f.assessment_in_progress()
    other = f.submitted_application()
    client.force_login(mine.assessor)
    response = client.get(url("index"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [mine.application]
    assert client.get(url("inspect", other.pk)).status_code == 404
    assert client.get(url("inspect", mine.application.pk)).status_code == 200


def test_assessor_scores_through_the_admin(client):
    assessment = f.assessment_in_progress()
    criteria = list(assessment.application.norm_version.areas.get(code="A").criteria.all())
    client.force_login(assessment.assessor)
    data = {}
    for criterion in criteria:
        data[f"score_{criterion.pk}"] = "2"
        data[f"notes_{criterion.pk}"] = "Goed"
    response = client.post(url("score", assessment.application.pk), data)
    assert response.status_code == 302
    assert assessment.scores.count() == 2


def test_decider_decides_through_the_admin(client):
    application = f.application_for_decision()
    decider = f.decider()
    client.force_login(decider)
    response = client.post(url("decide", application.pk), {"outcome": "granted", "reasons": "Voldoet aan de norm."})
    assert response.status_code == 302
    assert Decision.objects.get().decider == decider
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize("group", [roles.EDITORS, roles.SECRETARIAT, roles.ASSESSORS])
def test_other_roles_cannot_decide(client, group):
    application = f.application_for_decision()
    client.force_login(f.staff(group))
    response = client.post(url("decide", application.pk), {"outcome": "granted", "reasons": "x"})
    assert response.status_code in (302, 403, 404)
    assert not Decision.objects.exists()


def test_the_assessor_cannot_decide_through_the_admin(client):
    from django.contrib.auth.models import Group

    the_assessor = f.assessor()
    the_assessor.groups.add(Group.objects.get(name=roles.DECIDERS))
    application = f.application_for_decision(the_assessor=the_assessor)
    client.force_login(the_assessor)
    response = client.post(url("decide", application.pk), {"outcome": "granted", "reasons": "Zelf"})
    assert response.status_code == 200  # the form again, with the refusal
    assert not Decision.objects.exists()


def test_editor_sees_no_applications(client):
    f.submitted_application()
    client.force_login(f.staff(roles.EDITORS))
    response = client.get(url("index"))
    assert response.status_code != 200 or not list(response.context["object_list"])


def test_secretariat_assigns_an_assessor(client):
    application = f.submitted_application()
    assessor = f.assessor()
    client.force_login(f.secretary())
    response = client.post(url("assign", application.pk), {"assessor": assessor.pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == CertificationApplication.Status.ASSESSMENT


def test_suspend_is_a_post_and_shows_at_once(client):
    certificate = f.issued_certificate()
    client.force_login(f.decider())
    suspend = reverse("certificates:suspend", args=[certificate.pk])
    assert client.get(suspend).status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE
    response = client.post(suspend, {"reason": "Onderzoek", "until": "2099-01-01"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUSPENDED
    assert client.get(f"/api/v1/certificates/{certificate.number}").json()["status"] == "suspended"


def test_secretariat_cannot_suspend(client):
    certificate = f.issued_certificate()
    client.force_login(f.secretary())
    client.post(reverse("certificates:suspend", args=[certificate.pk]), {"reason": "x", "until": "2099-01-01"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


def test_certificate_register_filters_by_status(client):
    active = f.issued_certificate()
    withdrawn = f.issued_certificate()
    from members.services import certification as services

    services.certificate_withdraw(certificate=withdrawn, actor=f.decider(), reason="x")
    client.force_login(f.decider())
    response = client.get(reverse("certificates:index"), {"status": "active"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [active]
    inspect = client.get(reverse("certificates:inspect", args=[withdrawn.pk]))
    assert inspect.status_code == 200


def test_decider_edits_the_scheme_and_editor_cannot(client):
    scheme = f.scheme_with_norms()
    client.force_login(f.decider())
    assert client.get(reverse("certification_schemes:edit", args=[scheme.pk])).status_code == 200
    client.force_login(f.staff(roles.EDITORS))
    assert client.get(reverse("certification_schemes:edit", args=[scheme.pk])).status_code != 200


@pytest.mark.parametrize("count", [1, 5])
def test_certificate_register_queries_stay_constant(client, django_assert_max_num_queries, count):
    for _ in range(count):
        f.issued_certificate()
    client.force_login(f.decider())
    # The same at both sizes (15 when pinned, with the session's second-factor check): no query per row.
    with django_assert_max_num_queries(15):
        assert client.get(reverse("certificates:index")).status_code == 200


@pytest.mark.parametrize("count", [1, 5])
def test_application_queue_queries_stay_constant(client, django_assert_max_num_queries, count):
    for _ in range(count):
        f.submitted_application()
    client.force_login(f.decider())
    # The same at both sizes (14 when pinned, with the session's second-factor check): no query per row.
    with django_assert_max_num_queries(14):
        assert client.get(url("index")).status_code == 200
