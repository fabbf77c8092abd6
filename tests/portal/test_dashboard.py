"""The staff dashboard: each section's figures against data built here, who sees which
panel, the CSV files, the board report, and a fixed number of queries at 10 and 1,000 members."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Membership, Payment
from portal.audit import log_action
from portal.dashboard import Period, dashboard_sections, month_buckets
from tests.factories import UserFactory, totp_authenticator, verified_email
from tests.members.factories import MembershipFactory, MembershipPlanFactory, PaymentFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")


def staff_client(client, *groups, superuser=False):
    user = verified_email(UserFactory(groups=list(groups), is_superuser=superuser, is_staff=superuser))
    totp_authenticator(user)
    client.force_login(user)
    return client, user


def log_at(membership, action, moment, **data):
    return log_action(membership, action, data=data, timestamp=moment)


# --- Members -------------------------------------------------------------------------------------


def test_members_by_status_counts_each_status():
    from members.dashboard import members_by_status

    for trait, count in (("active", 3), ("in_arrears", 2), ("lapsed", 1), ("resigned", 1)):
        for _ in range(count):
            MembershipFactory(**{trait: True}, profile=False)
    MembershipFactory(profile=False)  # an applicant
    assert members_by_status() == {
        "applicant": 1, "active": 3, "in_arrears": 2, "lapsed": 1, "resigned": 1, "ended": 0,
    }


def test_trend_counts_joins_resignations_and_lapses_in_amsterdam_months():
    from members.dashboard import membership_trend

    membership = MembershipFactory(active=True, profile=False)
    # 23:30 on 31 January in Amsterdam is 22:30 UTC: January.
    log_at(membership, "members.membership.activated", datetime(2026, 1, 31, 22, 30, tzinfo=UTC), from_status="applicant")
    # 23:30 UTC on 28 February is 00:30 on 1 March in Amsterdam: March.
    log_at(membership, "members.membership.activated", datetime(2026, 2, 28, 23, 30, tzinfo=UTC), from_status="lapsed")
    # Paying overdue dues is no join.
    log_at(membership, "members.membership.activated", datetime(2026, 2, 10, 12, tzinfo=UTC), from_status="in_arrears")
    log_at(membership, "members.membership.resigned", datetime(2026, 2, 1, 0, 30, tzinfo=AMSTERDAM), from_status="active")
    log_at(membership, "members.membership.lapsed", datetime(2026, 3, 31, 21, 59, tzinfo=UTC), from_status="in_arrears")
    # 22:00 UTC on 31 March is midnight on 1 April in Amsterdam (summer time): outside the period.
    log_at(membership, "members.membership.lapsed", datetime(2026, 3, 31, 22, 0, tzinfo=UTC), from_status="in_arrears")
    # Before the period.
    log_at(membership, "members.membership.resigned", datetime(2025, 12, 31, 22, 59, tzinfo=UTC), from_status="active")

    trend = membership_trend(period=Period(date(2026, 1, 1), date(2026, 3, 31)))

    assert trend == {"joins": [1, 0, 1], "resignations": [0, 1, 0], "lapses": [0, 0, 1]}


def test_period_of_the_last_24_months_ends_with_the_current_month():
    period = Period.last_months(24, today=date(2026, 12, 1))
    assert (period.start, period.end) == (date(2025, 1, 1), date(2026, 12, 31))
    assert len(period.months()) == 24


def test_month_buckets_read_the_database_month_in_amsterdam():
    months = [date(2026, 1, 1), date(2026, 2, 1)]
    rows = [
        {"month": datetime(2026, 1, 1, 0, 0, tzinfo=AMSTERDAM), "count": 2},
        {"month": datetime(2026, 1, 31, 23, 0, tzinfo=UTC), "count": 5},  # 1 February 00:00 in Amsterdam
    ]
    assert month_buckets(rows, months=months) == [2, 5]


def test_renewals_due_and_failed_payments_this_month():
    from members.dashboard import dues_this_month

    today = date(2026, 6, 15)
    MembershipFactory(active=True, paid_until=date(2026, 6, 30), profile=False)
    MembershipFactory(active=True, paid_until=date(2026, 6, 1), profile=False)
    MembershipFactory(active=True, paid_until=date(2026, 7, 1), profile=False)  # next month
    MembershipFactory(active=True, paid_until=date(2026, 6, 20), resignation_requested_at=timezone.now(), profile=False)
    failed = PaymentFactory(status=Payment.Status.FAILED, receipt_number="", paid_at=None)
    Payment.objects.filter(pk=failed.pk).update(created_at=datetime(2026, 6, 1, 0, 15, tzinfo=AMSTERDAM))
    older = PaymentFactory(status=Payment.Status.FAILED, receipt_number="", paid_at=None)
    Payment.objects.filter(pk=older.pk).update(created_at=datetime(2026, 5, 31, 23, 45, tzinfo=AMSTERDAM))

    assert dues_this_month(today=today) == {"renewals": 2, "failed": 1}


# --- Certification ------------------------------------------------------------------------------


def test_certification_counts_applications_by_state_and_open_and_overdue_cases():
    from members.dashboard import build_certification
    from members.models import Complaint, Objection
    from tests.members.certification.factories import complete_draft, issued_certificate, submitted_application
    from tests.members.certification.test_cases import file_objection, refused_application

    complete_draft()
    submitted_application()
    certificate = issued_certificate()
    file_objection(refused_application())
    late = file_objection(refused_application())
    Objection.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    Complaint.objects.create(
        certificate=certificate, certificate_number=certificate.number, description="Niet op komen dagen.",
        complainant_name="Opdrachtgever", complainant_email="klant@example.com",
        filed_at=timezone.now(), due_on=timezone.localdate() - timedelta(days=2),
    )

    data = build_certification(period=Period.last_months(), user=None)

    from members.models import CertificationApplication

    by_state = dict(zip(CertificationApplication.Status.values, data.charts[0].series[0].values))
    assert by_state == {"draft": 1, "submitted": 1, "assessment": 0, "decision": 0, "granted": 1, "refused": 2}
    figures = {figure.label: figure.value for figure in data.figures}
    assert figures["Geldige certificaten"] == 1
    assert figures["Toegekend in de periode"] == 1
    assert figures["Openstaande bezwaren"] == 2
    assert figures["Bezwaren over de termijn"] == 1
    assert figures["Openstaande klachten"] == 1
    assert figures["Klachten over de termijn"] == 1


# --- PE -------------------------------------------------------------------------------------------


def test_pe_backlog_and_members_behind_schedule():
    from knowledge.dashboard import members_behind_schedule, pe_review_backlog
    from knowledge.pe_models import PEEntry
    from members.models import CertificatePeriod
    from tests.knowledge.pe.factories import category, rqim_requirement
    from tests.members.certification.factories import issued_certificate

    rqim_requirement(points=Decimal("60"))
    behind = issued_certificate()
    on_track = issued_certificate()
    today = timezone.localdate()
    # Both cycles are half gone: 30 of 60 points are expected by now.
    for certificate in (behind, on_track):
        CertificatePeriod.objects.filter(certificate=certificate).update(
            valid_from=today - timedelta(days=547), valid_until=today + timedelta(days=547)
        )
    sessions = category("sessions")
    PEEntry.objects.create(member=behind.holder, category=sessions, title="a", date=today, hours=Decimal("10"),
                           status=PEEntry.Status.APPROVED)
    PEEntry.objects.create(member=on_track.holder, category=sessions, title="b", date=today, hours=Decimal("31"),
                           status=PEEntry.Status.APPROVED)
    old = PEEntry.objects.create(member=on_track.holder, category=sessions, title="c", date=today, hours=Decimal("2"))
    PEEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=20))
    PEEntry.objects.create(member=on_track.holder, category=sessions, title="d", date=today, hours=Decimal("2"))

    rows = members_behind_schedule(today=today)
    backlog = pe_review_backlog()

    assert [row["name"] for row in rows] == [behind.holder.get_full_name()]
    assert rows[0]["counted"] == Decimal("10.0")
    assert backlog["pending"] == 2
    assert backlog["old"] == 1
    assert backlog["oldest_days"] == 20


# --- Events ---------------------------------------------------------------------------------------


def test_events_fill_rate_and_waiting_list():
    from events.dashboard import build_events
    from events.models import Registration, WaitlistEntry
    from tests.events.helpers import event_page

    event = event_page(capacity=4)
    people = [UserFactory() for _ in range(6)]
    for person in people[:3]:
        Registration.objects.create(event=event, user=person)
    Registration.objects.create(event=event, user=people[3], status=Registration.Status.CANCELLED, cancelled_at=timezone.now())
    WaitlistEntry.objects.create(event=event, user=people[4], status=WaitlistEntry.Status.OFFERED,
                                 offer_expires_at=timezone.now() + timedelta(days=1))
    WaitlistEntry.objects.create(event=event, user=people[5])

    data = build_events(period=Period.last_months(), user=None)

    row = data.tables[0].rows[0]
    assert row[0] == event.title
    assert row[2:] == [4, 4, 100, 1]  # capacity, seats taken (3 + 1 offered), fill rate, waiting
    assert data.charts[0].series[0].values == [100]


# --- Who sees what, CSV, report, queries ----------------------------------------------------------


def panel_ids(content: str) -> set[str]:
    import re

    return set(re.findall(r'id="dashboard-([a-z]+)-section"', content))


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("Secretariat", {"report", "members", "certification", "pe", "events", "audit"}),
        ("Deciders", {"certification", "audit"}),
        ("Assessors", {"certification"}),
        ("Editors", set()),
    ],
)
def test_each_group_sees_only_its_panels(client, group, expected):
    client, _user = staff_client(client, group)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert panel_ids(response.content.decode()) == expected


def test_superuser_sees_every_panel(client):
    client, _user = staff_client(client, superuser=True)
    content = client.get("/admin/").content.decode()
    assert {"report", "members", "certification", "pe", "events", "audit"} <= panel_ids(content)


def test_chart_csv_has_the_numbers(client):
    MembershipFactory(active=True, profile=False)
    MembershipFactory(in_arrears=True, profile=False)
    client, _user = staff_client(client, "Secretariat")
    response = client.get("/admin/dashboard/members/members-by-status.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Onderdeel,Lidmaatschappen"
    assert "Actief,1" in lines and "Betalingsachterstand,1" in lines and "Vervallen,0" in lines


def test_csv_of_a_section_the_user_may_not_see_is_refused(client):
    client, _user = staff_client(client, "Deciders")
    # The Wagtail admin answers a refusal by sending the person back to the admin home.
    refused = client.get("/admin/dashboard/members/members-by-status.csv")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert client.get("/admin/dashboard/certification/nothing-here.csv").status_code == 404


def test_board_report_is_a_dutch_pdf_without_names(client):
    import io

    from pypdf import PdfReader

    member = MembershipFactory(active=True, user__first_name="Zebedeus", user__last_name="Vlinderbloem")
    log_action(member, "members.membership.activated", data={"from_status": "applicant"})
    client, _user = staff_client(client, "Secretariat")
    response = client.get("/admin/dashboard/report/", {"start": "2025-01", "end": "2026-12"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Bestuursrapportage" in text
    assert "Leden nu" in text
    assert "Vlinderbloem" not in text


def test_board_report_refuses_a_period_that_ends_before_it_starts(client):
    client, _user = staff_client(client, "Secretariat")
    response = client.get("/admin/dashboard/report/", {"start": "2026-05", "end": "2026-01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "de eerste niet na de tweede" in response.content.decode()


def test_board_report_is_for_the_secretariat(client):
    client, _user = staff_client(client, "Deciders")
    refused = client.get("/admin/dashboard/report/", {"start": "2026-01", "end": "2026-02"})
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")


def add_members(count: int, plan, start: int = 0) -> None:
    User = Membership._meta.get_field("user").related_model
    today = timezone.localdate()
    users = User.objects.bulk_create(User(email=f"lid{n}@example.org", first_name=f"Lid{n}") for n in range(start, start + count))
    statuses = [Membership.Status.ACTIVE, Membership.Status.IN_ARREARS, Membership.Status.LAPSED]
    Membership.objects.bulk_create(
        Membership(user=user, plan=plan, status=statuses[n % 3], paid_until=today, member_since=today,
                   statutes_version="2026-01", privacy_version="2026-01", terms_accepted_at=timezone.now())
        for n, user in enumerate(users)
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_the_number_of_members(client):
    plan = MembershipPlanFactory()
    add_members(10, plan)
    client, _user = staff_client(client, superuser=True)
    client.get("/admin/")  # warm up per-process caches
    with_ten = count_queries(client, "/admin/")
    add_members(990, plan, start=10)
    with_thousand = count_queries(client, "/admin/")
    assert Membership.objects.count() == 1000
    assert with_thousand == with_ten


def test_every_app_registers_its_section():
    assert [section.key for section in dashboard_sections()] == ["members", "certification", "pe", "events", "audit"]
