"""The secretariat's part of the Wagtail admin: the "Members" menu with the member
list (with its detail and actions) and the membership plans.

Editors see none of it: every view checks the model permissions that only the
Secretariat group (and superusers) hold (see migration 0003_secretariat_permissions).
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from members.admin_forms import MembershipPlanForm
from members.admin_views import (
    EndMembershipView,
    MembershipIndexView,
    MembershipInspectView,
    PlanCreateView,
    PlanDeleteView,
    PlanEditView,
    RecordPaymentView,
    SendReminderView,
)
from members.filters import MembershipFilterSet
from members.history import register_history_actions
from members.models import Membership, MembershipPlan
from members import wagtail_hooks_certification  # noqa: F401  (the certification body's admin)
from members import wagtail_hooks_register  # noqa: F401  (the register's audit actions)
from members.wagtail_hooks_charges import ChargeViewSet
from portal.viewsets import inspect_url_finder

# Other parts of the members app can add items to the "Members" menu through this hook.
MEMBERS_MENU_HOOK = "register_members_menu_item"


class MembershipViewSet(ModelViewSet):
    """The member list, the member detail and the actions; no add, edit or delete.

    A membership's status changes only through the services (record payment, end,
    send reminder here; joining, Stripe and tasks elsewhere), never by editing fields.
    """

    model = Membership
    name = "memberships"
    url_prefix = "members"
    icon = "group"
    menu_label = _("Member list")
    menu_name = "member-list"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = MembershipIndexView
    inspect_view_class = MembershipInspectView
    filterset_class = MembershipFilterSet
    search_fields = ["user__first_name", "user__last_name", "user__email", "user__member_profile__city"]
    search_backend_name = None
    ordering = "user__last_name"
    list_per_page = 50
    # The export; the profile fields are annotated by selectors.membership_admin_queryset.
    export_filename = "members"
    list_export = [
        "user.first_name", "user.last_name", "user.email", "get_status_display", "plan.name",
        "paid_until", "member_since", "profile_city", "profile_phone", "profile_kvk_number",
    ]
    export_headings = {
        "user.first_name": _("First name"),
        "user.last_name": _("Last name"),
        "user.email": _("E-mail address"),
        "get_status_display": _("Status"),
        "plan.name": _("Plan"),
        "paid_until": _("Paid until"),
        "member_since": _("Member since"),
        "profile_city": _("City"),
        "profile_phone": _("Phone"),
        "profile_kvk_number": _("KvK number"),
    }

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        # There are no add, edit, delete, history or usage views for memberships.
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"):
            view_kwargs[name] = None
        view_kwargs["inspect_url_name"] = self.get_url_name("inspect")
        return view_kwargs

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            record_payment_url_name=self.get_url_name("record_payment"),
            end_url_name=self.get_url_name("end"),
            send_reminder_url_name=self.get_url_name("send_reminder"),
            **kwargs,
        )

    def action_view(self, view_class):
        return self.construct_view(view_class)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("record-payment/<int:pk>/", self.action_view(RecordPaymentView), name="record_payment"),
            path("end/<int:pk>/", self.action_view(EndMembershipView), name="end"),
            path("send-reminder/<int:pk>/", self.action_view(SendReminderView), name="send_reminder"),
        ]

    @property
    def url_finder_class(self):
        # Links to a membership elsewhere in the admin go to its detail page.
        return inspect_url_finder(self)


class MembershipPlanViewSet(ModelViewSet):
    model = MembershipPlan
    name = "membership_plans"
    url_prefix = "membership-plans"
    icon = "tag"
    menu_label = _("Membership plans")
    menu_name = "membership-plans"
    copy_view_enabled = False
    add_view_class = PlanCreateView
    edit_view_class = PlanEditView
    delete_view_class = PlanDeleteView
    ordering = "sort_order"
    list_filter = ["is_active"]
    list_display = [
        "name_nl",
        "name_en",
        Column("yearly_price", label=_("Yearly price excl. VAT (€)"), sort_key="yearly_price"),
        Column("vat_rate", label=_("VAT rate (%)")),
        Column("price_incl_vat", label=_("Incl. VAT (€)")),
        BooleanColumn("is_active", label=_("Open for new members"), sort_key="is_active"),
        Column("stripe_price_id", label=_("Stripe Price")),
    ]
    panels = [
        FieldPanel("code"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("name_nl"), FieldPanel("name_en")])],
            heading=_("Name"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("description_nl"), FieldPanel("description_en")])],
            heading=_("Description"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("eligibility_nl"), FieldPanel("eligibility_en")])],
            heading=_("Who may choose it"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("yearly_price"), FieldPanel("vat_rate"), FieldPanel("period_months")]),
                FieldPanel("stripe_price_id"),
            ],
            heading=_("Price"),
        ),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]

    def get_edit_handler(self):
        from wagtail.admin.panels import ObjectList

        return ObjectList(self.panels, base_form_class=MembershipPlanForm).bind_to_model(self.model)


class MembersViewSetGroup(ModelViewSetGroup):
    menu_label = _("Members")
    menu_name = "members"
    menu_icon = "group"
    menu_order = 250
    submenu_hook = MEMBERS_MENU_HOOK
    items = (MembershipViewSet, MembershipPlanViewSet, ChargeViewSet, wagtail_hooks_register.AssignmentRequestViewSet)


@hooks.register("register_admin_viewset")
def register_members_viewsets():
    return MembersViewSetGroup()


@hooks.register("register_log_actions")
def register_membership_history_actions(actions):
    register_history_actions(actions)
