"""The public register (inside the language prefix: /register/ and /en/register/) and the
member's own register profile."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from members import views_register as views

urlpatterns = [
    path(pgettext_lazy("URL", "register/"), views.register_index, name="register"),
    path(pgettext_lazy("URL", "register/<int:pk>/"), views.register_detail, name="register_profile"),
    path(pgettext_lazy("URL", "membership/register-profile/"), views.register_profile_edit,
         name="register_profile_edit"),
]
