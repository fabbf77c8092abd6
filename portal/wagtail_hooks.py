"""The CMS core in the Wagtail admin: the menus editors keep (and translate), the
page cache's mark on CMS pages, and the outbox (Reports › Outbox) for staff.

The association details are a site setting (registered with @register_setting in
portal/models.py) and appear under Settings.
"""

from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal import admin_views_outbox as outbox_views
from portal.audit import LogFormatter
from portal.cache import page_cache_allow
from portal.models import NavigationMenu, NewsCategory, OutboundEmail
from portal.viewsets import ServiceRecordViewSet


class NavigationMenuViewSet(SnippetViewSet):
    """Main and footer menu, one per language. Because the model is translatable,
    simple_translation adds "Translate" to each menu in the listing."""

    model = NavigationMenu
    icon = "list-ul"
    menu_label = _("Menus")
    menu_name = "navigation-menus"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["placement", "locale"]
    list_filter = ["placement"]
    ordering = ["placement", "locale__language_code"]


register_snippet(NavigationMenuViewSet)


class NewsCategoryViewSet(SnippetViewSet):
    """The few fixed sections of the news; each has its own Atom feed."""

    model = NewsCategory
    icon = "tag"
    menu_label = _("News categories")
    menu_name = "news-categories"
    menu_order = 255
    add_to_admin_menu = True
    list_display = ["name_nl", "name_en", "slug"]
    search_fields = ["name_nl", "name_en"]
    search_backend_name = None


register_snippet(NewsCategoryViewSet)


@hooks.register("before_serve_page")
def page_cache_mark(page, request, serve_args, serve_kwargs):
    """A CMS page may go into the page cache for visitors (portal/cache.py checks the response too)."""
    page_cache_allow(request, page)


# --- the outbox ---------------------------------------------------------------------------


class OutboxViewSet(ServiceRecordViewSet):
    """Reports › Outbox: every e-mail the portal sent or tried to send, read-only.

    Failed messages (the mail server refused them for good or at every attempt, or no
    task sent them: see portal.mail) show with their error; filter on "Failed" to see them.
    A message waiting for a new attempt is still "Queued", with its next attempt's time.
    Staff need the `portal.view_outboundemail` permission (the Secretariat has it); with
    `portal.resend_outboundemail` they send a failed message again (portal/admin_views_outbox.py).
    """

    model = OutboundEmail
    name = outbox_views.OUTBOX
    url_prefix = "outbox"
    icon = "mail"
    menu_label = _("Outbox")
    menu_name = "outbox"
    menu_hook = "register_reports_menu_item"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "subject", "to", "kind", "status", "attempts", "next_attempt_at", "requeues", "created_at", "last_error",
    ]  # fmt: skip
    list_filter = ["status", "kind"]
    index_view_class = outbox_views.OutboxIndexView
    inspect_view_class = outbox_views.OutboxInspectView
    search_fields = ["subject", "to", "kind"]
    search_backend_name = None
    ordering = ["-created_at"]
    list_per_page = 50
    inspect_view_fields = [
        "subject", "to", "from_email", "kind", "key", "status", "attempts", "next_attempt_at", "requeues",
        "created_at", "queued_at", "sent_at", "last_error", "body_text",
    ]  # fmt: skip

    def get_action_urlpatterns(self):
        return [
            path("send-again/<int:pk>/", outbox_views.SendAgainView.as_view(), name="send_again"),
            path("send-failed-again/", outbox_views.SendFailedAgainView.as_view(), name="send_failed_again"),
        ]


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxViewSet()


@hooks.register("register_log_actions")
def register_outbox_log_actions(actions):
    @actions.register_action("portal.email.requeued")
    class EmailRequeued(LogFormatter):
        label = _("Queue e-mail again")

        def format_message(self, log_entry):
            return gettext("Queued again after %(minutes)s minutes without a task (time %(requeues)s).") % {
                "minutes": log_entry.data.get("minutes"),
                "requeues": log_entry.data.get("requeues"),
            }

    @actions.register_action("portal.email.given_up")
    class EmailGivenUp(LogFormatter):
        label = _("Give up on e-mail")

        def format_message(self, log_entry):
            return gettext("Marked failed: no task sent it, also after being queued again %(requeues)s times.") % {
                "requeues": log_entry.data.get("requeues"),
            }

    @actions.register_action("portal.email.sent_again")
    class EmailSentAgain(LogFormatter):
        label = _("Send e-mail again")

        def format_message(self, log_entry):
            return gettext("Sent again by the secretariat after %(attempts)s failed attempts.") % {
                "attempts": log_entry.data.get("attempts_before"),
            }

    @actions.register_action("portal.email.failed")
    class EmailFailed(LogFormatter):
        label = _("Sending e-mail failed")

        def format_message(self, log_entry):
            if log_entry.data.get("permanent"):
                message = gettext("Marked failed: the mail server refused it for good (attempt %(attempts)s).")
            else:
                message = gettext("Marked failed: sending failed %(attempts)s times.")
            return message % {"attempts": log_entry.data.get("attempts")}


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    """Access, erasure and role changes of a person's account (portal/privacy.py, portal/roles.py)."""

    @actions.register_action("portal.personal_data.exported")
    class PersonalDataExported(LogFormatter):
        label = _("Download personal data")

        def format_message(self, log_entry):
            return gettext("Downloaded all personal data (%(parts)s).") % {
                "parts": ", ".join(log_entry.data.get("parts", [])),
            }

    @actions.register_action("portal.personal_data.erased")
    class PersonalDataErased(LogFormatter):
        label = _("Erase personal data")

        def format_message(self, log_entry):
            if log_entry.data.get("reason") == "retention":
                return gettext("Personal data erased: the retention period had passed.")
            return gettext("Personal data erased on request; the records the certification body keeps remain.")

    @actions.register_action("portal.personal_data.file_expired")
    class FileExpired(LogFormatter):
        label = _("Delete file after its retention period")

        def format_message(self, log_entry):
            return gettext("File %(file)s deleted: its retention period had passed.") % {"file": log_entry.data.get("file", "")}

    @actions.register_action("portal.user.roles_changed")
    class RolesChanged(LogFormatter):
        label = _("Change roles")

        def format_message(self, log_entry):
            added = ", ".join(log_entry.data.get("added", [])) or "–"
            removed = ", ".join(log_entry.data.get("removed", [])) or "–"
            return gettext("Roles changed: added %(added)s; removed %(removed)s.") % {"added": added, "removed": removed}


from portal import dashboard_admin  # noqa: E402,F401  (the dashboard panels, CSV files and board report)
