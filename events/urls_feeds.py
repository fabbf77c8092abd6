"""Calendar addresses outside the language prefix: /events/feed.ics is a public contract."""

from django.urls import path

from events import views

app_name = "events_feeds"

urlpatterns = [
    path("feed.ics", views.public_feed, name="public"),
    path("calendar/<str:token>.ics", views.personal_feed, name="personal"),
]
