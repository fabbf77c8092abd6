"""Certificate verification: stable addresses outside the language prefix (printed on paper)."""

from django.urls import path

from members import views_verify

urlpatterns = [
    path("verify/", views_verify.verify_form, name="verify"),
    path("verify/<str:number>/", views_verify.verify_certificate, name="verify_certificate"),
]
