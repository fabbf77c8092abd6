"""The applicant's and holder's pages (inside the language prefix: /certificering/ and /en/certificering/)."""

from django.urls import path

from members import views_certification as views

urlpatterns = [
    path("certificering/", views.overview, name="certification"),
    path("certificering/aanvraag/<int:pk>/", views.application, name="certification_application"),
    path("certificering/aanvraag/<int:pk>/opdracht/", views.assignment_add, name="certification_assignment_add"),
    path("certificering/aanvraag/<int:pk>/opdracht/<int:assignment_pk>/verwijderen/", views.assignment_remove,
         name="certification_assignment_remove"),
    path("certificering/aanvraag/<int:pk>/bewijs/", views.evidence_upload, name="certification_evidence_upload"),
    path("certificering/aanvraag/<int:pk>/indienen/", views.submit, name="certification_submit"),
    path("certificering/certificaat/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificering/bewijs/<int:pk>/", views.evidence_download, name="certification_evidence"),
    path("certificering/bewijs/<int:pk>/verwijderen/", views.evidence_remove, name="certification_evidence_remove"),
]
