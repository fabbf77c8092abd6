"""The member's PE pages: the ledger with progress and forecast, logging and editing an
activity, withdrawing it, the evidence download and upload (for an audit), the CSV import
with its preview, and the exports (CSV and PDF).

Another member's entry or evidence answers 404, so that its existence is not revealed;
staff with the permission to view PE entries may download any evidence.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from knowledge import pe_selectors, pe_services
from knowledge.pe_models import PECategory, PEEntry
from portal.exceptions import DomainError

EDITABLE = ["title", "provider", "date", "hours", "category", "reflection"]


class PEEntryForm(forms.ModelForm):
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence"), required=False,
        help_text=gettext_lazy("A PDF, JPG or PNG file of at most 10 MB, for example a certificate of attendance."),
    )

    class Meta:
        model = PEEntry
        fields = EDITABLE
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "reflection": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = PECategory.objects.all()
        self.fields["category"].empty_label = None
        self.fields["hours"].widget.attrs.update(min="0.25", step="0.25")


def _own_entry(request, pk: int) -> PEEntry:
    return get_object_or_404(PEEntry.objects.select_related("category"), pk=pk, member=request.user)


def _ledger_context(user) -> dict:
    today = timezone.localdate()
    eligibility = pe_selectors.pe_eligibility(user=user, on=today)
    forecast = None
    if eligibility.progress is not None:
        forecast = pe_selectors.pe_forecast_of(progress=eligibility.progress, cycle=eligibility.cycle, on=today)
    entries = list(pe_selectors.pe_entries_for_member(user=user))
    cycle = eligibility.cycle
    return {"today": today, "eligibility": eligibility, "progress": eligibility.progress, "forecast": forecast,
            "cycle": cycle, "days_left": cycle.days_left(today) if cycle else None, "entries": entries, "Status": PEEntry.Status,
            "audit_entries": [entry for entry in entries if entry.audit_year and entry.status == PEEntry.Status.APPROVED]}


@login_required
def ledger(request):
    """The member's entries, their progress per category in the current cycle and the forecast."""
    return render(request, "knowledge/pe/ledger.html", _ledger_context(request.user))


def _save(request, form: PEEntryForm, entry: PEEntry | None):
    data = {name: form.cleaned_data[name] for name in EDITABLE}
    upload = form.cleaned_data.get("evidence_file")
    if entry is None:
        return pe_services.pe_entry_submit(member=request.user, evidence=upload, **data)
    return pe_services.pe_entry_update(entry=entry, actor=request.user, evidence=upload, **data)


@login_required
@require_http_methods(["GET", "POST"])
def entry_form(request, pk: int | None = None):
    """Log a new activity, or change a pending one."""
    entry = _own_entry(request, pk) if pk is not None else None
    if entry is not None and entry.status != PEEntry.Status.PENDING:
        messages.error(request, _("Only a pending entry can be changed."))
        return redirect("pe:ledger")
    form = PEEntryForm(request.POST or None, request.FILES or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, form, entry)
        except DomainError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your activity is saved and waits for review."))
            return redirect("pe:ledger")
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/pe/entry_form.html", {"form": form, "entry": entry}, status=status)


@login_required
@require_POST
def entry_withdraw(request, pk: int):
    entry = _own_entry(request, pk)
    try:
        pe_services.pe_entry_withdraw(entry=entry, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The activity is withdrawn."))
    return redirect("pe:ledger")


@login_required
def evidence(request, pk: int):
    """An entry's evidence, for its member and staff who may view PE entries; 404 for anyone else."""
    entry = PEEntry.objects.filter(pk=pk).exclude(evidence="").first()
    if entry is None or (entry.member_id != request.user.pk and not request.user.has_perm("knowledge.view_peentry")):
        raise Http404
    extension = PEEntry.ALLOWED_TYPES[entry.evidence_type]
    response = FileResponse(entry.evidence.open("rb"), content_type=entry.evidence_type, as_attachment=True,
                            filename=f"pe-evidence-{entry.pk}.{extension}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class EvidenceForm(forms.Form):
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence"),
        help_text=gettext_lazy("A PDF, JPG or PNG file of at most 10 MB, for example a certificate of attendance."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request, pk: int):
    """Add or replace the evidence of an entry selected for audit (or a pending one)."""
    entry = _own_entry(request, pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            pe_services.pe_entry_evidence_add(entry=entry, actor=request.user, evidence=form.cleaned_data["evidence_file"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The evidence is saved."))
            return redirect("pe:ledger")
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/pe/evidence_form.html", {"form": form, "entry": entry}, status=status)


# --- Export ----------------------------------------------------------------------------

EXPORT_COLUMNS = ["date", "title", "provider", "category", "hours", "points", "status", "source", "reason", "audit"]


@login_required
def export_csv(request):
    """All the member's own entries as CSV (semicolon separated, for spreadsheet programs set to Dutch)."""
    import csv

    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pe-activities.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    for entry in pe_selectors.pe_entries_for_member(user=request.user):
        writer.writerow([entry.date.isoformat(), _safe_cell(entry.title), _safe_cell(entry.provider), entry.category.code,
                         entry.hours, entry.points if entry.points is not None else "", entry.status, entry.source,
                         _safe_cell(entry.rejection_reason), entry.audit_year or ""])
    return response


def _safe_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
def overview_pdf(request):
    """The member's ledger as a PDF: the cycle's progress per category and every entry."""
    from django.http import HttpResponse

    from knowledge.pe_pdf import pe_overview_pdf

    response = HttpResponse(pe_overview_pdf(user=request.user, context=_ledger_context(request.user)),
                            content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="pe-overview.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Import ----------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))


IMPORT_SALT = "knowledge.pe_import"


class _Text:
    """The confirmed file's text, read like an upload."""

    def __init__(self, text: str):
        self._data = text.encode("utf-8")
        self.size = len(self._data)

    def read(self):
        return self._data


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request):
    """Upload a CSV, see what would be added and every row's error, then confirm; nothing is stored before."""
    from django.core import signing

    from knowledge import pe_import

    today = timezone.localdate()
    context = {"categories": list(PECategory.objects.all()), "max_rows": pe_import.MAX_ROWS}
    if request.method == "POST" and "payload" in request.POST:
        try:
            text = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=3600)
            if text.get("u") != request.user.pk:
                raise signing.BadSignature
            rows = pe_import.pe_import_parse(member=request.user, upload=_Text(text["t"]), today=today)
            created = pe_import.pe_import_store(member=request.user, rows=rows, today=today)
        except signing.BadSignature:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("pe:import")
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("pe:import")
        messages.success(request, _("%(count)s activities imported; they wait for review.") % {"count": len(created)})
        return redirect("pe:ledger")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = pe_import.pe_import_parse(member=request.user, upload=upload, today=today)
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            upload.seek(0)
            text = pe_import._text(upload)
            context.update(rows=rows, errors=sum(1 for row in rows if not row.ok),
                           payload=signing.dumps({"u": request.user.pk, "t": text}, salt=IMPORT_SALT, compress=True))
    context["form"] = form
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "knowledge/pe/import.html", context, status=status)
