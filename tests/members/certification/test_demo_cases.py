"""seed_demo adds an open objection, a reconsidered one and a complaint being handled, once."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

from members.models import Certificate, Complaint, Objection


class SeededCasesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        out = StringIO()
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=out)
        cls.output = out.getvalue()

    def test_an_open_and_a_handled_objection(self):
        statuses = sorted(Objection.objects.values_list("status", flat=True))
        assert statuses == ["closed", "open"]
        handled = Objection.objects.get(status="closed")
        assert handled.handler.email.startswith("decider2@")
        assert handled.handler_id not in (handled.original_decider_id, handled.original_assessor_id)

    def test_a_complaint_in_handling_about_a_demo_certificate(self):
        complaint = Complaint.objects.get()
        assert complaint.certificate.holder.email.startswith("cert.anna@")
        assert complaint.status == "in_handling"

    def test_output_prints_certificate_numbers_and_cases(self):
        for number in Certificate.objects.values_list("number", flat=True):
            assert number in self.output
        assert "objection" in self.output and "complaint" in self.output

    def test_second_run_changes_nothing(self):
        before = (list(Objection.objects.order_by("pk").values()), list(Complaint.objects.order_by("pk").values()))
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())
        after = (list(Objection.objects.order_by("pk").values()), list(Complaint.objects.order_by("pk").values()))
        assert after == before
