"""Role changes in the audit log: who put whom into which group, and when.

Roles are groups (portal/roles.py). Whatever changes a person's groups (Wagtail's
Users area, the bulk "Assign role" action, a management command or the shell),
Django sends `m2m_changed` for `User.groups`; one audit entry
("portal.user.roles_changed") per change records the groups added and removed,
on the person's account. Becoming or ceasing to be a superuser is recorded the
same way (as the role "Administrator").

The acting person is known when the change comes through a request:
`acting_request` (a context variable) holds the request while it runs
(`RoleChangeActorMiddleware`), and its user is read only when a role changes, so
other responses do not start to vary on the session cookie; elsewhere the entry
says the system did it.
"""

from __future__ import annotations

import contextvars

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_init, post_save

from portal.audit import Source, log_action

ADMINISTRATOR = "Administrator"
acting_request: contextvars.ContextVar = contextvars.ContextVar("portal_acting_request", default=None)


class RoleChangeActorMiddleware:
    """Remember the request while it runs, for the role audit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = acting_request.set(request)
        try:
            return self.get_response(request)
        finally:
            acting_request.reset(token)


def acting_user():
    request = acting_request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def _log(user, *, added: list[str], removed: list[str]) -> None:
    if not added and not removed:
        return
    actor = acting_user()
    log_action(
        user,
        "portal.user.roles_changed",
        actor=actor,
        source=Source.SECRETARIAT if actor is not None else Source.SYSTEM,
        data={"added": sorted(added), "removed": sorted(removed)},
    )


def _group_names(pks) -> list[str]:
    return list(Group.objects.filter(pk__in=pks).values_list("name", flat=True))


def groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    User = get_user_model()
    if reverse:  # group.user_set.add(...): `instance` is the group, pk_set the users
        users = User.objects.filter(pk__in=pk_set or ())
        if action == "pre_clear":
            users = instance.user_set.all()
        for user in users:
            if action == "post_add":
                _log(user, added=[instance.name], removed=[])
            else:
                _log(user, added=[], removed=[instance.name])
        return
    if action == "pre_clear":
        _log(instance, added=[], removed=list(instance.groups.values_list("name", flat=True)))
    elif action == "post_add":
        _log(instance, added=_group_names(pk_set or ()), removed=[])
    else:
        _log(instance, added=[], removed=_group_names(pk_set or ()))


def superuser_remember(sender, instance, **kwargs):
    # As loaded (or False for a new account); no query of its own.
    instance._portal_was_superuser = bool(instance.is_superuser) if instance.pk is not None else False


def superuser_changed(sender, instance, created, raw=False, **kwargs):
    was = getattr(instance, "_portal_was_superuser", None)
    if raw or was is None or was == bool(instance.is_superuser):
        return
    instance._portal_was_superuser = bool(instance.is_superuser)
    if instance.is_superuser:
        _log(instance, added=[ADMINISTRATOR], removed=[])
    else:
        _log(instance, added=[], removed=[ADMINISTRATOR])


def connect_signals() -> None:
    User = get_user_model()
    m2m_changed.connect(groups_changed, sender=User.groups.through, dispatch_uid="portal_role_audit_groups")
    post_init.connect(superuser_remember, sender=User, dispatch_uid="portal_role_audit_superuser_pre")
    post_save.connect(superuser_changed, sender=User, dispatch_uid="portal_role_audit_superuser_post")
