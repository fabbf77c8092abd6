"""The member's PE pages, inside the language prefix: /pe/ in Dutch, /en/pe/ in English.

The paths are translated like members/urls_member.py (context "URL").
"""

from django.urls import path
from django.utils.translation import pgettext_lazy

from knowledge import pe_views

app_name = "pe"

urlpatterns = [
    path(pgettext_lazy("URL", "pe/"), pe_views.ledger, name="ledger"),
    path(pgettext_lazy("URL", "pe/log/"), pe_views.entry_form, name="entry_add"),
    path(pgettext_lazy("URL", "pe/<int:pk>/edit/"), pe_views.entry_form, name="entry_edit"),
    path(pgettext_lazy("URL", "pe/<int:pk>/withdraw/"), pe_views.entry_withdraw, name="entry_withdraw"),
    path(pgettext_lazy("URL", "pe/<int:pk>/evidence/"), pe_views.evidence, name="evidence"),
    path(pgettext_lazy("URL", "pe/<int:pk>/evidence/add/"), pe_views.evidence_add, name="evidence_add"),
    path(pgettext_lazy("URL", "pe/import/"), pe_views.import_csv, name="import"),
    path("pe/export.csv", pe_views.export_csv, name="export_csv"),
    path(pgettext_lazy("URL", "pe/overview.pdf"), pe_views.overview_pdf, name="overview_pdf"),
]
