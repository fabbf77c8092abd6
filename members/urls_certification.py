"""The applicant's and holder's pages (inside the language prefix: /certificering/ and /en/certification/)."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from members import views_certification as views
from members import views_certification_cases as case_views

urlpatterns = [
    path(pgettext_lazy("URL", "certification/"), views.overview, name="certification"),
    path(pgettext_lazy("URL", "certification/application/<int:pk>/"), views.application, name="certification_application"),
    path(pgettext_lazy("URL", "certification/application/<int:pk>/assignment/"), views.assignment_add, name="certification_assignment_add"),
    path(pgettext_lazy("URL", "certification/application/<int:pk>/assignment/<int:assignment_pk>/remove/"), views.assignment_remove,
         name="certification_assignment_remove"),
    path(pgettext_lazy("URL", "certification/application/<int:pk>/evidence/"), views.evidence_upload, name="certification_evidence_upload"),
    path(pgettext_lazy("URL", "certification/application/<int:pk>/submit/"), views.submit, name="certification_submit"),
    path(pgettext_lazy("URL", "certification/application/<int:pk>/pay/"), views.fee_pay, name="certification_fee_pay"),
    path(pgettext_lazy("URL", "certification/certificate/<int:pk>/pdf/"), views.certificate_pdf, name="certificate_pdf"),
    path(pgettext_lazy("URL", "certification/evidence/<int:pk>/"), views.evidence_download, name="certification_evidence"),
    path(pgettext_lazy("URL", "certification/evidence/<int:pk>/remove/"), views.evidence_remove, name="certification_evidence_remove"),
    # Objections to a decision, and complaints about a certified manager (anyone: /klacht/, /en/complaint/).
    path(pgettext_lazy("URL", "certification/application/<int:pk>/objection/"), case_views.objection_file,
         name="certification_objection"),
    path(pgettext_lazy("URL", "certification/objection-file/<int:pk>/"), case_views.objection_evidence_download,
         name="certification_objection_evidence"),
    path(pgettext_lazy("URL", "complaint/"), case_views.complaint, name="complaint"),
    path(pgettext_lazy("URL", "certification/certificate/<int:pk>/recertify/"), case_views.recertify,
         name="certification_recertify"),
]
