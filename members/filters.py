"""Filters for the secretariat's member list in the Wagtail admin."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from members.models import Membership, MembershipPlan


class MembershipFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Membership.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"),
        queryset=MembershipPlan.objects.all(),
        empty_label=_("All plans"),
    )
    paid_until = django_filters.DateFromToRangeFilter(
        label=_("Paid until"),
        widget=DateRangePickerWidget,
    )
    city = django_filters.CharFilter(
        label=_("City"),
        field_name="user__member_profile__city",
        lookup_expr="icontains",
    )

    class Meta:
        model = Membership
        fields = ["status", "plan", "paid_until", "city"]
