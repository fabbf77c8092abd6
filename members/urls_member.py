"""Member-facing addresses (inside the language prefix: /lidmaatschap/ and /en/lidmaatschap/)."""

from django.urls import path

from members import views

urlpatterns = [
    path("lidmaatschap/", views.dashboard, name="dashboard"),
    path("lidmaatschap/aanmelden/", views.join, name="join"),
    path("lidmaatschap/betalen/", views.pay, name="pay"),
    path("lidmaatschap/opzeggen/", views.resign, name="resign"),
    path("lidmaatschap/opzeggen/intrekken/", views.resign_withdraw, name="resign_withdraw"),
    path("lidmaatschap/opzeggen/<str:token>/", views.resign_link, name="resign_link"),
    path("lidmaatschap/kwitantie/<int:pk>/", views.receipt, name="receipt"),
]
