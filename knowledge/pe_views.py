"""The member's PE pages: the ledger with progress, logging and editing an activity,
withdrawing it, and the evidence download.

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


@login_required
def ledger(request):
    """The member's entries and their progress per category in the current cycle."""
    today = timezone.localdate()
    scheme = pe_selectors.pe_scheme_for(user=request.user)
    progress = None
    if scheme is not None:
        cycle = pe_selectors.pe_cycle_for(user=request.user, scheme=scheme, on=today)
        progress = pe_selectors.pe_progress(user=request.user, start=cycle.start, end=cycle.end,
                                            requirement=cycle.requirement)
    entries = list(pe_selectors.pe_entries_for_member(user=request.user))
    return render(request, "knowledge/pe/ledger.html", {"progress": progress, "entries": entries,
                                                       "Status": PEEntry.Status})


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
