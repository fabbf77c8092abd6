"""The portal's roles: Wagtail admin groups and what each may do.

`ROLES` is the single source of truth. `roles_sync` makes the database match it:
it creates missing groups and sets each group's permissions to exactly what is
listed here (permissions added by hand in the admin are removed again). It runs
from data migrations, with the historical app registry they pass in, and from
`manage.py sync_roles`, with the live one.

To give a role more rights when an app adds models, add the permissions to the
role below and either run `manage.py sync_roles` or add a data migration to that
app that calls `roles_sync(apps=apps)` (depending on its own latest migration, so
that the models whose permissions it names exist).

Impartiality (ISO/IEC 17024): assessors and deciders must never be the same
person, and neither may change the other's certification decisions. Assessors
hold only the assessment permission and Deciders only the decision permission,
never both in one group; Editors hold no certification permission, and the
Secretariat only the paperwork (recording the fee, assigning an assessor). The
services check per application that nobody decides what they assessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps as global_apps
from wagtail.users.apps import WagtailUsersAppConfig

EDITORS = "Editors"
SECRETARIAT = "Secretariat"
ASSESSORS = "Assessors"
DECIDERS = "Deciders"
NORM_COMMITTEE = "Norm committee"

NORM_APPROVAL_WORKFLOW = "Norm approval"
NORM_APPROVAL_TASK = "Norm committee approval"

ADMIN_ACCESS = "wagtailadmin.access_admin"

PAGE_EDITING = (
    "wagtailcore.add_page",
    "wagtailcore.change_page",
    "wagtailcore.publish_page",
    "wagtailcore.lock_page",
    "wagtailcore.unlock_page",
)
MEDIA_EDITING = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)

# Certification (members/models/certification.py). See the impartiality note above.
CERTIFICATION_READING = (
    "members.view_certificationapplication",
    "members.view_certificationscheme",
    "members.view_normversion",
)
CERTIFICATION_PAPERWORK = (
    "members.view_certificationapplication",
    "members.manage_certificationapplication",
)
# Objections and complaints (members/models/certification_cases.py): the secretariat and the
# deciders see them and assign a handler; only deciders handle one (decide_certificationapplication).
CERTIFICATION_CASES_READING = (
    "members.view_objection",
    "members.view_complaint",
)
CERTIFICATION_SCHEME_EDITING = (
    "members.add_certificationscheme",
    "members.change_certificationscheme",
    "members.add_normversion",
    "members.change_normversion",
    "members.view_criterion",
    "members.add_criterion",
    "members.change_criterion",
    "members.delete_criterion",
)

# Permanent education (knowledge/pe_wagtail_hooks.py, granted in knowledge 0002_pe_secretariat_permissions):
# the secretariat keeps the rules and reviews the entries.
PE_REVIEW = (
    "knowledge.view_peentry",
    "knowledge.change_peentry",
    "knowledge.view_pecategory",
    "knowledge.add_pecategory",
    "knowledge.change_pecategory",
    "knowledge.view_perequirement",
    "knowledge.add_perequirement",
    "knowledge.change_perequirement",
    "knowledge.view_peauditrun",
    "knowledge.change_peauditsettings",
    "knowledge.view_pereminder",
)


@dataclass(frozen=True)
class Role:
    """A group and its permissions, each written as "app_label.codename".

    `permissions` hold everywhere (Django model permissions); `root_page_permissions`
    apply to the whole page tree and `root_collection_permissions` to all images and
    documents, because they are granted on the root page and the root collection.
    """

    name: str
    permissions: tuple[str, ...] = ()
    root_page_permissions: tuple[str, ...] = ()
    root_collection_permissions: tuple[str, ...] = ()


ROLES: tuple[Role, ...] = (
    Role(
        EDITORS,
        permissions=(
            ADMIN_ACCESS,
            "portal.add_navigationmenu",
            "portal.change_navigationmenu",
            "portal.delete_navigationmenu",
            # News categories, the library's topics and authors (snippets), and the news digest.
            "portal.add_newscategory",
            "portal.change_newscategory",
            "portal.delete_newscategory",
            "knowledge.add_topic",
            "knowledge.change_topic",
            "knowledge.delete_topic",
            "knowledge.add_author",
            "knowledge.change_author",
            "knowledge.delete_author",
            "knowledge.view_digest",
            "knowledge.add_digest",
            "knowledge.view_digestsubscription",
            # Consultations on draft norm versions: editors open them; the committee handles the comments.
            "knowledge.view_consultation",
            "knowledge.add_consultation",
            "knowledge.change_consultation",
            "knowledge.view_consultationcomment",
        ),
        root_page_permissions=PAGE_EDITING,
        root_collection_permissions=MEDIA_EDITING,
    ),
    Role(
        SECRETARIAT,
        permissions=(
            ADMIN_ACCESS,
            # Wagtail's Users area works with the user model's permissions.
            "members.view_user",
            "members.add_user",
            "members.change_user",
            "portal.change_associationsettings",
            # Reports › Outbox: e-mail that failed or lost its task (granted in portal 0005).
            "portal.view_outboundemail",
            # ... and send a failed message again once its cause is mended (portal 0010).
            "portal.resend_outboundemail",
            # The members area (members/wagtail_hooks.py, granted in members 0003).
            "members.view_membershipplan",
            "members.add_membershipplan",
            "members.change_membershipplan",
            "members.view_membership",
            "members.change_membership",
            "members.view_payment",
            "members.add_payment",
            "members.view_memberprofile",
            # Members › Assignment requests: what clients asked through the register (portal 0011).
            "members.view_assignmentrequest",
            # One-off payments: record transfers and refunds (granted in members 0013).
            "members.view_charge",
            "members.record_charge",
            *CERTIFICATION_PAPERWORK,
            *CERTIFICATION_CASES_READING,
            *PE_REVIEW,
            # Events: attendee lists, the waiting list and checking in (granted in events 0002).
            "events.view_registration",
            "events.change_registration",
            "events.check_in_registration",
            "events.view_waitlistentry",
        ),
    ),
    # The certification body (members/wagtail_hooks_certification.py, granted in members 0006).
    # Assessors assess only what they are assigned; deciders decide and keep the scheme,
    # the norms and the certificates. The secretariat's CERTIFICATION_PAPERWORK (above)
    # is the fee and the assignment of an assessor, never an assessment or a decision.
    Role(ASSESSORS, permissions=(ADMIN_ACCESS, *CERTIFICATION_READING, "members.assess_certificationapplication")),
    Role(
        DECIDERS,
        permissions=(
            ADMIN_ACCESS,
            *CERTIFICATION_READING,
            "members.decide_certificationapplication",
            "members.view_certificate",
            "members.change_certificate",
            *CERTIFICATION_CASES_READING,
            *CERTIFICATION_SCHEME_EDITING,
        ),
    ),
    # The norm committee approves norm versions through the "Norm approval" workflow only;
    # publishing happens when they approve, so they need no page permissions of their own.
    # They also read the comments of a consultation by criterion and record how each was handled.
    Role(
        NORM_COMMITTEE,
        permissions=(
            ADMIN_ACCESS,
            "knowledge.view_consultation",
            "knowledge.change_consultation",
            "knowledge.view_consultationcomment",
            "knowledge.change_consultationcomment",
        ),
    ),
)


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's Users area in which only superusers change roles (portal/users_admin.py).

    Listed in INSTALLED_APPS instead of "wagtail.users".
    """

    user_viewset = "portal.users_admin.UserViewSet"

    def ready(self):
        super().ready()
        from portal import users_admin  # noqa: F401  (registers its bulk action)


class UnknownPermission(LookupError):
    pass


def roles_sync(*, apps=global_apps, strict: bool = False) -> list[str]:
    """Create the role groups and set their permissions to exactly those in `ROLES`.

    Safe to run any number of times. Returns what changed, one line per grant or
    revocation ("Editors: + wagtailcore.publish_page on the root page"), so that a
    permission another migration granted but `ROLES` does not list is seen going.
    With `strict`, a permission that does not exist raises `UnknownPermission`;
    otherwise it is skipped, as happens in a migration that runs before the app
    that defines the permission's model.
    """
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    resolver = _PermissionResolver(apps, strict=strict)
    root_page = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).first()
    root_collection = apps.get_model("wagtailcore", "Collection").objects.filter(depth=1).first()

    changes = []
    for role in ROLES:
        group, created = Group.objects.get_or_create(name=role.name)
        if created:
            changes.append(f"{role.name}: group created")
        changes += _set_model_permissions(group, resolver.resolve(role.permissions))
        if root_page is not None:
            changes += _set_object_permissions(
                GroupPagePermission,
                group=group,
                scope={"page": root_page},
                permissions=resolver.resolve(role.root_page_permissions),
                where="the root page",
            )
        if root_collection is not None:
            changes += _set_object_permissions(
                GroupCollectionPermission,
                group=group,
                scope={"collection": root_collection},
                permissions=resolver.resolve(role.root_collection_permissions),
                where="the root collection",
            )

    changes += _norm_approval_workflow_sync(apps=apps)
    return changes


def workflow_state_publish(workflow_state, user=None):
    """Publish what a finished workflow approved (settings.WAGTAIL_FINISH_WORKFLOW_ACTION).

    Wagtail's own finish action publishes as the last approver and so demands that
    the approver may publish. The norm committee may not publish on its own: its
    approval is the authority, and a workflow only finishes once every task in it
    has been approved by the people that task names.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)


def norm_approval_workflow():
    """The workflow through which the norm committee approves norm versions."""
    from wagtail.models import Workflow

    return Workflow.objects.get(name=NORM_APPROVAL_WORKFLOW)


def _label(permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def _set_model_permissions(group, permissions: list) -> list[str]:
    wanted = {permission.pk: permission for permission in permissions}
    held = {permission.pk: permission for permission in group.permissions.select_related("content_type")}
    group.permissions.remove(*[held[pk] for pk in held.keys() - wanted.keys()])
    group.permissions.add(*[wanted[pk] for pk in wanted.keys() - held.keys()])
    return [f"{group.name}: - {_label(held[pk])}" for pk in held.keys() - wanted.keys()] + [
        f"{group.name}: + {_label(wanted[pk])}" for pk in wanted.keys() - held.keys()
    ]


def _set_object_permissions(model, *, group, scope: dict, permissions: list, where: str) -> list[str]:
    changes = []
    wanted_ids = {permission.pk for permission in permissions}
    for stale in model.objects.filter(group=group, **scope).select_related("permission__content_type"):
        if stale.permission_id not in wanted_ids:
            changes.append(f"{group.name}: - {_label(stale.permission)} on {where}")
            stale.delete()
    present = set(model.objects.filter(group=group, **scope).values_list("permission_id", flat=True))
    for permission in permissions:
        if permission.pk not in present:
            model.objects.create(group=group, permission=permission, **scope)
            changes.append(f"{group.name}: + {_label(permission)} on {where}")
    return changes


def _norm_approval_workflow_sync(*, apps) -> list[str]:
    """One active workflow with one group approval task for the norm committee."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    changes = []
    task_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, created = GroupApprovalTask.objects.get_or_create(
        name=NORM_APPROVAL_TASK, defaults={"content_type": task_type, "active": True}
    )
    if created:
        changes.append(f"task created: {NORM_APPROVAL_TASK}")
    committee = Group.objects.get(name=NORM_COMMITTEE)
    if set(task.groups.values_list("pk", flat=True)) != {committee.pk}:
        task.groups.set([committee])
        changes.append(f"{NORM_APPROVAL_TASK}: approved by {NORM_COMMITTEE} only")

    workflow, created = Workflow.objects.get_or_create(name=NORM_APPROVAL_WORKFLOW, defaults={"active": True})
    if created:
        changes.append(f"workflow created: {NORM_APPROVAL_WORKFLOW}")
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(
            workflow=workflow, task=task, sort_order=WorkflowTask.objects.filter(workflow=workflow).count()
        )
        changes.append(f"{NORM_APPROVAL_WORKFLOW}: + task {NORM_APPROVAL_TASK}")
    return changes


class _PermissionResolver:
    """Finds Permission rows by "app_label.codename", creating them if the model exists.

    Django creates permissions only after all migrations have run, so a data migration
    that grants them must create the ones it needs itself (as Wagtail's own do).
    """

    def __init__(self, apps, *, strict: bool):
        self.apps = apps
        self.strict = strict
        self.Permission = apps.get_model("auth", "Permission")
        self.ContentType = apps.get_model("contenttypes", "ContentType")
        self._cache: dict[str, object] = {}

    def resolve(self, names) -> list:
        permissions = []
        for name in names:
            if name not in self._cache:
                self._cache[name] = self._find(name)
            if self._cache[name] is not None:
                permissions.append(self._cache[name])
        return permissions

    def _find(self, name: str):
        app_label, codename = name.split(".", 1)
        permission = self.Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            return permission
        model, label = self._declaring_model(app_label, codename)
        if model is None:
            if self.strict:
                raise UnknownPermission(f"No permission {name!r}: no model in {app_label!r} declares it.")
            return None
        content_type, _created = self.ContentType.objects.get_or_create(
            app_label=model._meta.app_label, model=model._meta.model_name
        )
        permission, _created = self.Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": label[:255]}
        )
        return permission

    def _declaring_model(self, app_label: str, codename: str):
        try:
            app_config = self.apps.get_app_config(app_label)
        except LookupError:
            return None, None
        for model in app_config.get_models():
            opts = model._meta
            for action in opts.default_permissions:
                if codename == f"{action}_{opts.model_name}":
                    # The same wording as django.contrib.auth gives its permissions.
                    return model, f"Can {action} {opts.verbose_name_raw}"
            for custom_codename, label in opts.permissions:
                if codename == custom_codename:
                    return model, str(label)
        return None, None
