"""The register's audit actions. Imported from `members/wagtail_hooks.py`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.audit import LogFormatter


def _directory_label(name: str) -> str:
    from members.models.register import DIRECTORY_FIELD_LABELS

    return str(DIRECTORY_FIELD_LABELS.get(name, name))


def _field_labels(names) -> str:
    from members.models import MemberProfile

    labels = []
    for name in names or []:
        if name.startswith("members:"):  # shared with fellow members in the directory
            labels.append(_("%(field)s (members)") % {"field": _directory_label(name.removeprefix("members:"))})
            continue
        try:
            labels.append(str(MemberProfile._meta.get_field(name).verbose_name))
        except Exception:  # a field removed since the entry was written
            labels.append(name)
    return ", ".join(labels) or "—"


class ConsentChangedFormatter(LogFormatter):
    label = _("Register consent changed")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _("Register consent changed. Now public: %(public)s. No longer public: %(private)s.") % {
            "public": _field_labels(data.get("made_public")),
            "private": _field_labels(data.get("made_private")),
        }


class ProfileUpdatedFormatter(LogFormatter):
    label = _("Register profile updated")

    def format_message(self, log_entry):
        return _("Register profile updated: %(fields)s") % {"fields": _field_labels((log_entry.data or {}).get("fields"))}


@hooks.register("register_log_actions")
def register_register_actions(actions):
    actions.register_action("members.register_consent.changed")(ConsentChangedFormatter)
    actions.register_action("members.register_profile.updated")(ProfileUpdatedFormatter)


class AssignmentRequestFormatter(LogFormatter):
    """Entries of an assignment request; the client's description is not repeated in the log."""

    labels = {
        "members.assignment_request.created": _("Assignment request received (e-mail not yet confirmed)"),
        "members.assignment_request.confirmed": _("Assignment request confirmed and sent"),
        "members.assignment_request.answered": _("Assignment request answered"),
        "members.assignment_request.expired": _("Assignment request expired"),
    }

    def format_message(self, log_entry):
        data = log_entry.data or {}
        action = log_entry.action
        if action == "members.assignment_request.confirmed":
            return _("Assignment request confirmed by the client and sent to %(count)s managers.") % {
                "count": data.get("recipients", 0)
            }
        if action == "members.assignment_request.answered":
            if data.get("interested"):
                return _("%(name)s answered the assignment request: interested.") % {"name": data.get("manager", "")}
            return _("%(name)s answered the assignment request: not interested.") % {"name": data.get("manager", "")}
        return str(self.labels.get(action, action))


def _assignment_formatter(action):
    return type(
        "AssignmentRequestFormatterFor", (AssignmentRequestFormatter,), {"label": AssignmentRequestFormatter.labels[action]}
    )


@hooks.register("register_log_actions")
def register_assignment_request_actions(actions):
    for action in AssignmentRequestFormatter.labels:
        actions.register_action(action)(_assignment_formatter(action))


# --- Members › Assignment requests: what clients asked through the register ----------------

from django.db.models import Count, Q  # noqa: E402
from wagtail.admin.ui.tables import Column, DateColumn  # noqa: E402
from wagtail.admin.views import generic  # noqa: E402

from members.models import AssignmentRequest  # noqa: E402
from portal.viewsets import HistoryInspectView, ServiceRecordViewSet  # noqa: E402


class AssignmentRequestIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(
            recipient_count=Count("recipients", distinct=True),
            interested_count=Count("recipients", filter=Q(recipients__interested=True), distinct=True),
        )


class AssignmentRequestInspectView(HistoryInspectView):
    """The request with who received it, why they matched and how they answered, and its history."""

    template_name = "members/admin/assignment_request_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recipients"] = list(self.object.recipients.select_related("profile__user").order_by("-score", "pk"))
        return context


class AssignmentRequestViewSet(ServiceRecordViewSet):
    """Read-only for the secretariat: whether clients' requests reach managers and get answers.

    Requests change only through the client's confirmation, the managers' answers and the
    expiry run (members/services/register_requests.py); the retention run deletes them
    (PRIVACY_REGISTER_CLIENT_YEARS)."""

    model = AssignmentRequest
    name = "assignment_requests"
    url_prefix = "members/assignment-requests"
    icon = "help"
    menu_label = _("Assignment requests")
    menu_name = "assignment-requests"
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = AssignmentRequestIndexView
    inspect_view_class = AssignmentRequestInspectView
    list_filter = ["status"]
    list_display = [
        Column("client_name", label=_("Client")),
        Column("organisation", label=_("Organisation")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("recipient_count", label=_("Sent to")),
        Column("interested_count", label=_("Interested")),
        DateColumn("created_at", label=_("Received")),
    ]
    search_fields = ["client_name", "client_email", "organisation", "description"]
    search_backend_name = None
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    inspect_view_fields = [
        "client_name", "client_email", "organisation", "description", "language", "status", "created_at",
        "verified_at", "expires_at",
    ]
