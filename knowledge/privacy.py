"""The knowledge app's part of a person's data (portal/privacy.py): the PE ledger
and its evidence files.

Retention: evidence files are deleted `PRIVACY_PE_EVIDENCE_YEARS` after the
activity (the entry and its points stay, so the ledger still adds up). On
erasure the person's entries and evidence go: PE counts only towards a
certificate, and erasure waits until no certificate is valid.
"""

from __future__ import annotations

from django.conf import settings

from knowledge.pe_models import PEEntry
from portal import privacy
from portal.audit import Source, log_action


def export(user) -> privacy.Export:
    entries, files = [], []
    for entry in PEEntry.objects.filter(member=user).select_related("category").order_by("date", "pk"):
        item = privacy.record(entry, exclude=("reviewed_by",)) | {"category_name": str(entry.category)}
        if entry.evidence:
            path = f"{entry.pk}-{entry.evidence.name.rsplit('/', 1)[-1]}"
            item["file_in_zip"] = f"files/pe/{path}"
            files.append(privacy.ExportFile(path, privacy.stored_file(entry.evidence)))
        entries.append(item)
    return privacy.Export(data={"entries": entries}, files=files)


def erase(user) -> dict:
    entries = PEEntry.objects.filter(member=user)
    for storage_name in entries.exclude(evidence="").values_list("evidence", flat=True):
        privacy.files_delete_on_commit(PEEntry._meta.get_field("evidence").storage, [storage_name])
    return {"entries": entries.delete()[0]}


def retention(today) -> dict:
    cutoff = privacy.years_before(today, settings.PRIVACY_PE_EVIDENCE_YEARS)
    deleted = 0
    for entry in PEEntry.objects.filter(date__lt=cutoff).exclude(evidence=""):
        name = entry.evidence.name
        privacy.files_delete_on_commit(entry.evidence.storage, [name])
        PEEntry.objects.filter(pk=entry.pk).update(evidence="", evidence_type="")
        log_action(entry, "portal.personal_data.file_expired", source=Source.SYSTEM, data={"file": name.rsplit("/", 1)[-1]})
        deleted += 1
    return {"evidence": deleted}


privacy.register(privacy.PersonalData(name="pe", order=40, export=export, erase=erase, retention=retention))
