"""The secretariat's views on memberships and plans in the Wagtail admin.

The member list, the member detail (profile, status history, payments) and three
actions: record a payment, end a membership, send a reminder. The status is never
edited directly: every change goes through a service in `members.services`.
"""

from __future__ import annotations

import re

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from members.admin_forms import EndMembershipForm, RecordPaymentForm, SendReminderForm
from members.models import Membership
from members.selectors import membership_admin_detail, membership_admin_queryset, member_profile, plan_in_use
from members.services.dues import payment_record
from members.services.membership import membership_end
from members.services.reminders import membership_admin_reminder_send
from portal.exceptions import DomainError
from portal.models import AssociationSettings




def _full_name(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.email


def _city(membership: Membership) -> str:
    profile = member_profile(membership)
    return profile.city if profile else ""


# A phone number such as "+31 6 1234 5678" starts like a formula but is harmless.
_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s().,/-]*$")


def _csv_safe(value):
    """Keep spreadsheet programs from reading a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _in_language(language, lines):
    """Iterate `lines`, producing each one with `language` active."""
    while True:
        with translation.override(language):
            line = next(lines, None)
        if line is None:
            return
        yield line


class GetPostOnly:
    """An admin view that shows a form (GET) and acts on it (POST); any other method gets 405.

    Django's form views treat PUT as POST, so without this a PUT would act.
    """

    http_method_names = ["get", "post"]


# --- Plans ------------------------------------------------------------------------


class PlanCreateView(GetPostOnly, generic.CreateView):
    pass


class PlanEditView(GetPostOnly, generic.EditView):
    pass


class PlanDeleteView(GetPostOnly, generic.DeleteView):
    """A plan that memberships or payments use cannot be deleted (they PROTECT it)."""

    template_name = "members/admin/plan_confirm_delete.html"

    @cached_property
    def plan_in_use(self) -> bool:
        return plan_in_use(plan=self.object)

    def form_valid(self, form):
        if self.plan_in_use:
            messages.error(self.request, _("This plan is in use and cannot be deleted. Close it for new members instead."))
            return redirect(self.get_success_url())
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan_in_use"] = self.plan_in_use
        return context


# --- The member list ----------------------------------------------------------------


class MembershipIndexView(generic.IndexView):
    """The member list; its columns for the CSV/XLSX export are the viewset's `list_export`."""

    page_title = gettext_lazy("Members")

    def get_base_queryset(self):
        return membership_admin_queryset()

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate().isoformat()}"

    def stream_csv(self, queryset):
        # The CSV is written while the response streams, after the view has returned and
        # the admin's language is no longer active; keep headings and statuses in it.
        return _in_language(translation.get_language(), super().stream_csv(queryset))

    def preprocess_field_value(self, field, value, export_format):
        if export_format == self.FORMAT_CSV:
            value = _csv_safe(value)
        return super().preprocess_field_value(field, value, export_format)

    def _inspect_url(self, membership):
        return reverse(self.inspect_url_name, args=(quote(membership.pk),))

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=_("Name"),
                accessor=_full_name,
                sort_key="user__last_name",
                get_url=self._inspect_url,
            ),
            Column("email", label=_("E-mail address"), accessor="user.email", sort_key="user__email"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="status_summary",
                sort_key="status",
                primary=lambda membership: membership.is_member,
            ),
            Column("plan", label=_("Plan"), accessor="plan.name", sort_key="plan__sort_order"),
            Column("paid_until", label=_("Paid until"), accessor="paid_until", sort_key="paid_until"),
            Column("city", label=_("City"), accessor=_city, sort_key="user__member_profile__city"),
        ]

    def search_queryset(self, queryset):
        """Every word must match the name, e-mail address or city ("jan utrecht")."""
        if not self.is_searching:
            return queryset
        for word in self.search_query.split():
            query = Q()
            for field in self.search_fields or []:
                query |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(query)
        return queryset


# --- The member detail --------------------------------------------------------------


class MembershipInspectView(generic.InspectView):
    template_name = "members/admin/membership_inspect.html"
    record_payment_url_name = None
    end_url_name = None
    send_reminder_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(membership_admin_queryset(), pk=self.pk)

    def get_page_title(self):
        return _("Member")

    def get_page_subtitle(self):
        return _full_name(self.object)

    def _action_urls(self) -> list[tuple[str, str, str]]:
        user, membership = self.request.user, self.object
        actions = []
        if membership.can_record_payment and user.has_perm("members.add_payment"):
            actions.append(
                (_("Record payment"), reverse(self.record_payment_url_name, args=(membership.pk,)), "doc-full")
            )
        if membership.can_get_reminder and user.has_perm("members.change_membership"):
            actions.append((_("Send reminder"), reverse(self.send_reminder_url_name, args=(membership.pk,)), "mail"))
        if membership.can_end and user.has_perm("members.change_membership"):
            actions.append((_("End membership"), reverse(self.end_url_name, args=(membership.pk,)), "cross"))
        return actions

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(label, url=url, icon_name=icon, priority=index * 10)
            for index, (label, url, icon) in enumerate(self._action_urls())
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(membership_admin_detail(membership=self.object))
        return context

    def get_fields(self):
        return []


# --- Actions --------------------------------------------------------------------------


class MembershipActionView(GetPostOnly, WagtailAdminTemplateMixin, FormView):
    """An action on one membership: a form (GET), then one service call (POST)."""

    model = Membership
    template_name = "members/admin/membership_action.html"
    permission_required: str = ""
    index_url_name = None
    inspect_url_name = None
    header_icon = "user"
    submit_button_label = gettext_lazy("Save")
    submit_button_classname = "button"
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        if not (self.permission_required and request.user.has_perm(self.permission_required)):
            raise PermissionDenied
        self.object = get_object_or_404(membership_admin_queryset(), pk=kwargs["pk"])
        refusal = self.refusal()
        if refusal:
            messages.error(request, refusal)
            return redirect(self.inspect_url)
        return super().dispatch(request, *args, **kwargs)

    def refusal(self) -> str:
        """Why this action is not possible for this membership now ("" when it is)."""
        return ""

    @cached_property
    def inspect_url(self):
        return reverse(self.inspect_url_name, args=(self.object.pk,))

    def get_page_subtitle(self):
        return _full_name(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("Members")},
            {"url": self.inspect_url, "label": _full_name(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            membership=self.object,
            action_url=self.request.path,
            cancel_url=self.inspect_url,
            submit_button_label=self.submit_button_label,
            submit_button_classname=self.submit_button_classname,
            intro=self.get_intro(),
        )
        return context

    def get_intro(self) -> str:
        return self.intro

    def run_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            response = self.run_service(form)
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        return response or redirect(self.inspect_url)

    def form_invalid(self, form):
        messages.validation_error(self.request, _("Nothing was changed; correct the errors below."), form)
        return super().form_invalid(form)


class RecordPaymentView(MembershipActionView):
    page_title = gettext_lazy("Record payment")
    permission_required = "members.add_payment"
    form_class = RecordPaymentForm
    submit_button_label = gettext_lazy("Record payment")

    def refusal(self):
        if not self.object.can_record_payment:
            return _("This membership was ended by the secretariat; the member has to apply again to rejoin.")
        return ""

    def get_intro(self):
        membership = self.object
        return _("The payment activates or renews the membership for the plan's period (%(plan)s, %(months)s months).") % {
            "plan": membership.plan.name,
            "months": membership.plan.period_months,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "membership": self.object}

    def run_service(self, form):
        data = form.cleaned_data
        payment = payment_record(
            membership=self.object,
            method=data["method"],
            paid_on=data["paid_on"],
            amount=data["amount"],
            reference=data["reference"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            _("Payment recorded with receipt number %(number)s; the membership is paid until %(date)s.")
            % {"number": payment.receipt_number, "date": formats.date_format(payment.period_end)},
        )


class EndMembershipView(MembershipActionView):
    page_title = gettext_lazy("End membership")
    permission_required = "members.change_membership"
    form_class = EndMembershipForm
    submit_button_label = gettext_lazy("End membership")
    submit_button_classname = "button serious"
    intro = gettext_lazy(
        "The membership ends now, whatever its status. The member keeps their account and can apply again later."
    )

    def refusal(self):
        if not self.object.can_end:
            return _("This membership has already ended.")
        return ""

    def run_service(self, form):
        membership_end(membership=self.object, actor=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(self.request, _("The membership has ended."))


class SendReminderView(MembershipActionView):
    page_title = gettext_lazy("Send reminder")
    permission_required = "members.change_membership"
    form_class = SendReminderForm
    submit_button_label = gettext_lazy("Send reminder")

    def refusal(self):
        if not self.object.can_get_reminder:
            return _("A reminder is only sent to applicants and current or lapsed members.")
        return ""

    def get_intro(self):
        return _("%(name)s receives an e-mail about the dues (%(status)s) at %(email)s. One reminder is sent per day.") % {
            "name": _full_name(self.object),
            "status": self.object.get_status_display().lower(),
            "email": self.object.user.email,
        }

    def run_service(self, form):
        sent = membership_admin_reminder_send(
            membership=self.object,
            actor=self.request.user,
            association=AssociationSettings.for_request(self.request),
        )
        if sent:
            messages.success(self.request, _("The reminder is on its way."))
        else:
            messages.warning(self.request, _("A reminder was already sent today; no second one was sent."))
