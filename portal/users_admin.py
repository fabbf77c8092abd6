"""Wagtail's Users area, except that only superusers hand out roles.

The secretariat manages accounts, and Wagtail's Users area needs the user model's
change permission for that. Plain Wagtail lets anyone holding it tick
"Administrator" or put anyone, themselves included, into any group: an assessor
who is also a decider, a secretariat member who publishes pages. Here only
superusers change roles: for everyone else the Administrator box and the groups
are shown but cannot be changed, superusers' accounts cannot be edited, and the
"Assign role" bulk action is refused.

Installed through `portal.roles.UsersConfig`, which replaces "wagtail.users".
"""

from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.users.views import users
from wagtail.users.views.bulk_actions import AssignRoleBulkAction

ROLE_FIELDS = ("is_superuser", "groups")


def user_may_grant_roles(user) -> bool:
    return user.is_active and user.is_superuser


def _freeze_role_fields(form, user):
    if not user_may_grant_roles(user):
        for name in ROLE_FIELDS:
            if name in form.fields:
                # A disabled field keeps its initial value whatever is posted.
                form.fields[name].disabled = True
    return form


class CreateView(users.CreateView):
    def get_form(self, form_class=None):
        return _freeze_role_fields(super().get_form(form_class), self.request.user)


class EditView(users.EditView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.is_superuser and not user_may_grant_roles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return _freeze_role_fields(super().get_form(form_class), self.request.user)


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView


class SuperuserAssignRoleBulkAction(AssignRoleBulkAction):
    def check_perm(self, obj):
        return user_may_grant_roles(self.request.user)


# Registered after Wagtail's own "assign_role" action (order 0), so it takes its place.
hooks.register("register_bulk_action", SuperuserAssignRoleBulkAction, order=100)
