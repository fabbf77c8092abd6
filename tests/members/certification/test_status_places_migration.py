"""The data migration gives certificates issued before status lists their places."""

import pytest
from django.core.management import call_command
from django.db import connection

from members.models import Certificate, CertificateStatusList

from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_existing_certificates_get_random_places_and_keep_them_on_a_rerun():
    first, second = f.issued_certificate(), f.issued_certificate()
    call_command("migrate", "members", "0009", verbosity=0)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE members_certificate SET suspension_list_id = NULL, suspension_index = NULL, "
                "revocation_list_id = NULL, revocation_index = NULL WHERE id = %s",
                [second.pk],
            )
    finally:
        # Every app: going back to members 0009 also undid the migrations of other apps
        # that depend on later members migrations (events, knowledge, portal).
        call_command("migrate", verbosity=0)
    first_after, second_after = Certificate.objects.get(pk=first.pk), Certificate.objects.get(pk=second.pk)
    assert (first_after.suspension_index, first_after.revocation_index) == (first.suspension_index, first.revocation_index)
    assert second_after.suspension_list.purpose == CertificateStatusList.Purpose.SUSPENSION
    assert second_after.revocation_list.purpose == CertificateStatusList.Purpose.REVOCATION
    assert second_after.suspension_index != first_after.suspension_index or second_after.suspension_list_id != first_after.suspension_list_id
