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

urlpatterns += [
    path(pgettext_lazy("URL", "register/match/"), views.register_match, name="register_match"),
    path(pgettext_lazy("URL", "register/request/"), views.register_request_create, name="register_request_create"),
    path(pgettext_lazy("URL", "register/request/<str:token>/confirm/"), views.register_request_confirm,
         name="register_request_confirm"),
    path(pgettext_lazy("URL", "register/request/<str:token>/"), views.register_request_status,
         name="register_request_status"),
    path(pgettext_lazy("URL", "membership/register-inbox/"), views.register_inbox, name="register_inbox"),
    path(pgettext_lazy("URL", "membership/register-inbox/<int:pk>/answer/"), views.register_request_answer,
         name="register_request_answer"),
    path(pgettext_lazy("URL", "membership/directory/"), views.member_directory, name="member_directory"),
    path(pgettext_lazy("URL", "membership/directory/<int:pk>/"), views.member_directory_detail,
         name="member_directory_profile"),
]
