"""Give every existing certificate its random places in a suspension and a revocation list.

Creates the first list of each purpose (new certificates take places in them) and
is safe to run again: certificates that have their places keep them.
"""

from django.db import migrations

from members.credentials.status_list import random_free_index


def assign(apps, schema_editor):
    StatusList = apps.get_model("members", "CertificateStatusList")
    Certificate = apps.get_model("members", "Certificate")
    lists = {}
    for purpose in ("suspension", "revocation"):
        status_list = StatusList.objects.filter(purpose=purpose).order_by("pk").first()
        lists[purpose] = status_list or StatusList.objects.create(purpose=purpose)
    used = {
        purpose: set(
            Certificate.objects.filter(**{f"{purpose}_list": status_list}).values_list(f"{purpose}_index", flat=True)
        )
        for purpose, status_list in lists.items()
    }
    for certificate in Certificate.objects.filter(suspension_index__isnull=True).order_by("pk"):
        for purpose, status_list in lists.items():
            index = random_free_index(used=used[purpose])
            used[purpose].add(index)
            setattr(certificate, f"{purpose}_list", status_list)
            setattr(certificate, f"{purpose}_index", index)
        certificate.save(update_fields=["suspension_list", "suspension_index", "revocation_list", "revocation_index"])


class Migration(migrations.Migration):
    dependencies = [("members", "0009_certificate_status_lists")]

    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]
