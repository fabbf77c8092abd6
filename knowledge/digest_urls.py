"""The news digest's pages inside the language prefix: /nieuwsbrief/ in Dutch, /en/digest/ in English."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from knowledge import digest_views

app_name = "digest"

urlpatterns = [
    path(pgettext_lazy("URL", "digest/"), digest_views.subscribe, name="subscribe"),
    path(pgettext_lazy("URL", "digest/confirm/<str:token>/"), digest_views.confirm, name="confirm"),
    path(pgettext_lazy("URL", "digest/unsubscribe/<str:token>/"), digest_views.unsubscribe, name="unsubscribe"),
]
