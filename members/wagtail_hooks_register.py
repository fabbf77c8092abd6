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
