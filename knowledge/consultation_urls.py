"""Consultations on draft norm versions, inside the language prefix: /consultaties/<id>/ in Dutch,
/en/consultations/<id>/ in English."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from knowledge import consultation_views

app_name = "consultation"

urlpatterns = [
    path(pgettext_lazy("URL", "consultations/<int:pk>/"), consultation_views.detail, name="detail"),
    path(pgettext_lazy("URL", "consultations/<int:pk>/respondent/<str:token>/"), consultation_views.respondent, name="respondent"),
    path(pgettext_lazy("URL", "consultations/<int:pk>/report/"), consultation_views.report, name="report"),
]
