"""CSV import with a preview that stores nothing, and the member's exports (CSV, PDF)."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from knowledge.pe_models import PEEntry
from portal.audit import entries_for
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member, secretary

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirement():
    return f.rqim_requirement()


def _csv(text, name="activiteiten.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _good_file():
    today = timezone.localdate()
    return _csv(
        "date;title;category;hours;provider\n"
        f"{today.isoformat()};Training onderhandelen;courses;8;Academie Noord\n"
        f"{(today - timedelta(days=1)).strftime('%d-%m-%Y')};Intervisie;Intervisie en collegiale toetsing;2,5;\n"
    )


def _payload(response):
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)


def test_the_preview_shows_what_will_be_added_and_stores_nothing(client, requirement):
    person = member()
    client.force_login(person)
    response = client.post(reverse("pe:import"), {"file": _good_file()})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.ok for row in rows] == [True, True]
    assert rows[1].data["hours"] == Decimal("2.5") and rows[1].data["category"].code == "intervision"
    assert not PEEntry.objects.exists()


def test_confirming_the_preview_imports_pending_entries_audited(client, requirement):
    person = member()
    client.force_login(person)
    response = client.post(reverse("pe:import"), {"file": _good_file()})
    response = client.post(reverse("pe:import"), {"payload": _payload(response)})
    assert response.status_code == 302
    entries = PEEntry.objects.filter(member=person)
    assert entries.count() == 2
    assert all(e.status == PEEntry.Status.PENDING and e.source == PEEntry.Source.IMPORT for e in entries)
    assert entries_for(entries[0]).first().action == "knowledge.pe_entry.imported"


def test_importing_the_same_file_twice_is_refused_as_a_duplicate(client, requirement):
    person = member()
    client.force_login(person)
    response = client.post(reverse("pe:import"), {"file": _good_file()})
    client.post(reverse("pe:import"), {"payload": _payload(response)})
    response = client.post(reverse("pe:import"), {"file": _good_file()})
    assert all("already in your ledger" in " ".join(row.errors) or "al in je" in " ".join(row.errors)
               for row in response.context["rows"])
    assert PEEntry.objects.filter(member=person).count() == 2


def test_every_rows_error_is_shown_and_nothing_stored(client, requirement):
    person = member()
    client.force_login(person)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    today = timezone.localdate().isoformat()
    response = client.post("/en/pe/import/", {"file": _csv(
        "date,title,category,hours\n"
        f"{future},Toekomst,courses,2\n"
        f"{today},Nul uren,courses,0\n"
        f"{today},Onbekend,knitting,2\n"
        f"gisteren,Geen datum,courses,2\n"
        f"{today},,courses,2\n"
        f"{today},Goed,courses,2\n"
    )})
    rows = response.context["rows"]
    assert [row.ok for row in rows] == [False, False, False, False, False, True]
    assert "future" in rows[0].errors[0]
    assert "positive" in rows[1].errors[0]
    assert "knitting" in rows[2].errors[0]
    assert "not a date" in rows[3].errors[0]
    assert "title is empty" in rows[4].errors[0]
    assert "payload" not in response.content.decode()
    assert not PEEntry.objects.exists()


def test_a_forged_or_foreign_payload_stores_nothing(client, requirement):
    owner = member()
    client.force_login(owner)
    payload = _payload(client.post(reverse("pe:import"), {"file": _good_file()}))
    client.force_login(member())
    assert client.post(reverse("pe:import"), {"payload": payload}).status_code == 302
    assert client.post(reverse("pe:import"), {"payload": "nep"}).status_code == 302
    assert not PEEntry.objects.exists()


def test_a_file_that_is_not_csv_or_lacks_columns_is_refused(client, requirement):
    client.force_login(member())
    response = client.post(reverse("pe:import"), {"file": SimpleUploadedFile("x.csv", f.PDF_BYTES)})
    assert response.status_code == 400
    response = client.post(reverse("pe:import"), {"file": _csv("naam,uren\nx,1\n")})
    assert response.status_code == 400
    assert not PEEntry.objects.exists()


def test_the_import_page_documents_the_columns(client, requirement):
    client.force_login(member())
    content = client.get("/en/pe/import/").content.decode()
    for column in ("date", "title", "category", "hours", "provider", "reflection"):
        assert f"<code>{column}</code>" in content


def test_the_csv_export_holds_only_the_members_own_entries(client, requirement):
    person = member()
    f.submitted(person, title="=HYPERLINK(\"x\")", on=date(2026, 3, 1))
    f.submitted(member(), title="Van een ander")
    client.force_login(person)
    response = client.get(reverse("pe:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["date", "title", "provider", "category"]
    assert len(rows) == 2 and rows[1][0] == "2026-03-01"
    assert rows[1][1].startswith("'=")  # not run as a formula


def test_the_pdf_overview_renders_the_ledger(client, requirement):
    from pypdf import PdfReader

    person = member()
    f.approved(person, secretary(), title="Kennissessie fusies", on=timezone.localdate(), today=timezone.localdate())
    client.force_login(person)
    response = client.get("/en" + "/pe/overview.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kennissessie fusies" in text and "of 60 points" in text


def test_exports_ask_a_visitor_to_log_in(client):
    assert client.get(reverse("pe:export_csv")).status_code == 302
    assert client.get(reverse("pe:overview_pdf")).status_code == 302
