"""Public consultation on a draft norm version: open for a period, comments tied to
criteria, verified respondents, the committee's handling and the public report."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from knowledge import consultation as services
from knowledge.models import Consultation, ConsultationComment, ConsultationRespondent
from members.models import Criterion
from portal import roles
from portal.exceptions import DomainError
from tests.knowledge.norms import add_criteria, norm_index, norm_page, two_versions
from tests.members.factories import MembershipFactory
from tests.portal.test_roles import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions():
    return two_versions()


@pytest.fixture
def open_consultation(versions):
    _old, current = versions
    now = timezone.now()
    return Consultation.objects.create(norm_version=current, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))


def _criterion(version, code="A.1"):
    return Criterion.objects.get(area__norm_version=version, code=code)


def _verified_client(consultation, email="klant@example.org", show_name=False):
    respondent = ConsultationRespondent.objects.create(
        consultation=consultation, email=email, name="Karin Klant", kind=ConsultationRespondent.Kind.CLIENT,
        show_name=show_name, verified_at=timezone.now(),
    )
    return respondent


def test_a_client_comments_after_following_the_emailed_link(client, open_consultation, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/consultaties/{open_consultation.pk}/", {
            "name": "Karin Klant", "email": "klant@example.org", "organisation": "Gemeente", "kind": "client",
        })
    respondent = ConsultationRespondent.objects.get(email="klant@example.org")
    assert respondent.verified_at is None
    link = next(line.strip() for line in mailoutbox[0].body.splitlines() if "/respondent/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    criterion = _criterion(open_consultation.norm_version)

    client.post(path, {"criterion": criterion.pk, "text": "Te vaag."})  # not yet confirmed: confirms only
    assert not ConsultationComment.objects.exists()
    respondent.refresh_from_db()
    assert respondent.verified_at is not None

    client.post(path, {"criterion": criterion.pk, "text": "Maak dit meetbaar."})
    comment = ConsultationComment.objects.get()
    assert comment.criterion == criterion and comment.respondent == respondent


def test_an_unverified_respondent_cannot_comment(open_consultation):
    respondent = ConsultationRespondent.objects.create(
        consultation=open_consultation, email="x@example.org", name="X", kind=ConsultationRespondent.Kind.CLIENT
    )
    with pytest.raises(DomainError):
        services.consultation_comment_add(respondent=respondent, criterion=_criterion(open_consultation.norm_version), text="Hm.")


def test_a_member_comments_at_once_when_signed_in(client, open_consultation):
    member = MembershipFactory(active=True).user
    client.force_login(member)
    criterion = _criterion(open_consultation.norm_version, "B.1")

    client.post(f"/consultaties/{open_consultation.pk}/", {"criterion": criterion.pk, "text": "Goed zo."})

    comment = ConsultationComment.objects.get()
    assert comment.respondent.kind == ConsultationRespondent.Kind.MEMBER
    assert comment.respondent.user == member


def test_a_comment_on_a_criterion_of_another_version_is_refused(versions, open_consultation):
    old, _current = versions
    add_criteria(old, 1)
    respondent = _verified_client(open_consultation)

    with pytest.raises(DomainError):
        services.consultation_comment_add(respondent=respondent, criterion=_criterion(old, "X.0"), text="Elders.")
    assert not ConsultationComment.objects.exists()


def test_no_comment_is_accepted_after_the_period(open_consultation):
    respondent = _verified_client(open_consultation)
    after = open_consultation.closes_at + timedelta(seconds=1)

    with pytest.raises(DomainError, match="closed|gesloten"):
        services.consultation_comment_add(
            respondent=respondent, criterion=_criterion(open_consultation.norm_version), text="Te laat.", now=after
        )


def test_the_consultation_page_shows_the_form_only_while_open(client, open_consultation):
    assert "Doe mee" in client.get(f"/consultaties/{open_consultation.pk}/").content.decode()
    Consultation.objects.filter(pk=open_consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

    html = client.get(f"/consultaties/{open_consultation.pk}/").content.decode()

    assert "Doe mee" not in html
    assert "gesloten" in html


def test_the_report_counts_respondents_by_kind_and_comments_by_handling(open_consultation):
    version = open_consultation.norm_version
    client_respondent = _verified_client(open_consultation)
    member_respondent = ConsultationRespondent.objects.create(
        consultation=open_consultation, email="lid@example.org", name="Lid", kind=ConsultationRespondent.Kind.MEMBER,
        verified_at=timezone.now(),
    )
    ConsultationRespondent.objects.create(  # verified, never commented: not counted
        consultation=open_consultation, email="stil@example.org", name="Stil", kind=ConsultationRespondent.Kind.TRAINER,
        verified_at=timezone.now(),
    )
    first = services.consultation_comment_add(respondent=client_respondent, criterion=_criterion(version), text="Een")
    services.consultation_comment_add(respondent=client_respondent, criterion=_criterion(version, "B.1"), text="Twee")
    services.consultation_comment_add(respondent=member_respondent, criterion=_criterion(version), text="Drie")
    services.consultation_comment_handle(comment=first, handling="adopted", response="Aangepast.", actor=None)

    report = services.consultation_report(consultation=open_consultation)

    assert report["respondents_total"] == 2
    assert report["respondents_by_kind_map"] == {"client": 1, "member": 1}
    assert report["comments_total"] == 3
    assert report["comments_by_handling_map"] == {"adopted": 1, "pending": 2}
    assert [(criterion.code, len(comments)) for criterion, comments in report["comments_by_criterion"]] == [("A.1", 2), ("B.1", 1)]


def test_the_public_report_names_no_author_without_consent(client, open_consultation):
    version = open_consultation.norm_version
    anonymous = _verified_client(open_consultation, "a@example.org", show_name=False)
    anonymous.name = "Verborgen Naam"
    anonymous.save()
    named = _verified_client(open_consultation, "b@example.org", show_name=True)
    named.name = "Zichtbare Naam"
    named.save()
    services.consultation_comment_add(respondent=anonymous, criterion=_criterion(version), text="Anoniem commentaar")
    services.consultation_comment_add(respondent=named, criterion=_criterion(version), text="Genoemd commentaar")
    assert client.get(f"/consultaties/{open_consultation.pk}/report/").status_code == 404  # still open
    Consultation.objects.filter(pk=open_consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

    html = client.get(f"/consultaties/{open_consultation.pk}/report/").content.decode()

    assert "Anoniem commentaar" in html and "Genoemd commentaar" in html
    assert "Zichtbare Naam" in html
    assert "Verborgen Naam" not in html
    assert "a@example.org" not in html


def test_the_published_norm_page_links_its_consultation_report(client, versions, open_consultation):
    _old, current = versions
    Consultation.objects.filter(pk=open_consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = norm_page(norm_index(), current)

    html = client.get(page.url).content.decode()

    assert f"/consultaties/{open_consultation.pk}/report/" in html


def test_the_committee_sees_comments_by_criterion_and_records_the_handling(client, open_consultation):
    comment = services.consultation_comment_add(
        respondent=_verified_client(open_consultation), criterion=_criterion(open_consultation.norm_version), text="Scherper."
    )
    client.force_login(staff_member(Group.objects.get(name=roles.NORM_COMMITTEE)))
    url = f"/admin/consultations/{open_consultation.pk}/comments/"

    assert "Scherper." in client.get(url).content.decode()
    client.post(url, {"comment": comment.pk, f"c{comment.pk}-handling": "partly", f"c{comment.pk}-response": "Deels."})

    comment.refresh_from_db()
    assert comment.handling == "partly" and comment.response == "Deels."
    assert comment.handled_by is not None


def test_an_editor_cannot_record_the_handling(client, open_consultation):
    comment = services.consultation_comment_add(
        respondent=_verified_client(open_consultation), criterion=_criterion(open_consultation.norm_version), text="Scherper."
    )
    client.force_login(staff_member(Group.objects.get(name=roles.EDITORS)))

    client.post(f"/admin/consultations/{open_consultation.pk}/comments/", {"comment": comment.pk, f"c{comment.pk}-handling": "adopted"})

    comment.refresh_from_db()
    assert comment.handling == "pending"
