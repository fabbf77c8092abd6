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


class RegisterFilterSet(django_filters.FilterSet):
    """The register's search, from the URL's query string (the page) or the API's parameters.

    Every value travels in the URL, so a search can be shared or bookmarked; a value that
    is not valid (an unknown sector, a date that is no date) is left out of the search and
    reported on the form. The choice lists are read once, by `register_filter_choices`.
    Filtering itself is `members.register_selectors.register_search`: one place decides
    what a search finds, for the page and the API alike.
    """

    q = django_filters.CharFilter(label=_("Search"), method="_noop", max_length=200)
    sector = django_filters.ChoiceFilter(label=_("Sector"), method="_noop", empty_label=_("All sectors"))
    expertise = django_filters.CharFilter(label=_("Expertise"), method="_noop", max_length=100)
    region = django_filters.ChoiceFilter(label=_("Region"), method="_noop", empty_label=_("All regions"))
    language = django_filters.ChoiceFilter(label=_("Language"), method="_noop", empty_label=_("All languages"))
    level = django_filters.ChoiceFilter(label=_("Level"), method="_noop", empty_label=_("All levels"))
    available_before = django_filters.DateFilter(
        label=_("Available before"), method="_noop",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = django_filters.ChoiceFilter(label=_("Sort by"), method="_noop", empty_label=None)

    def __init__(self, data=None, *args, sectors, regions, levels, **kwargs):
        from members.register_selectors import LANGUAGE_NAMES, SORT_CERTIFIED, SORT_NAME, SORT_RELEVANCE

        super().__init__(data, *args, **kwargs)
        self._sectors = {sector.code: sector for sector in sectors}
        self._regions = {region.code: region for region in regions}
        self.filters["sector"].extra["choices"] = [(s.code, s.name) for s in sectors]
        self.filters["region"].extra["choices"] = [(r.code, r.name) for r in regions]
        level_choices = {}
        for level in levels:
            level_choices.setdefault(level.code, level.name)
        self.filters["level"].extra["choices"] = list(level_choices.items())
        self.filters["language"].extra["choices"] = [(code, name) for code, name in LANGUAGE_NAMES.items()]
        self.filters["sort"].extra["choices"] = [
            (SORT_RELEVANCE, _("Relevance")), (SORT_NAME, _("Name")), (SORT_CERTIFIED, _("Certified since")),
        ]
        self.filters["q"].field.widget = forms.SearchInput(attrs={"placeholder": _("Name, expertise, sector…")})

    def _noop(self, queryset, name, value):
        return queryset

    def search_kwargs(self) -> dict:
        """The valid part of the query as arguments of `register_search`."""
        self.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "sector": self._sectors.get(data.get("sector") or ""),
            "region": self._regions.get(data.get("region") or ""),
            "expertise": data.get("expertise") or "",
            "language": data.get("language") or "",
            "level_code": data.get("level") or "",
            "available_before": data.get("available_before"),
            "sort": data.get("sort") or "",
        }

    def filter_queryset(self, queryset):
        from members.register_selectors import register_search

        return register_search(**self.search_kwargs())


def register_filterset(data) -> RegisterFilterSet:
    """The register's search as a FilterSet over `data` (a QueryDict): `.qs` and `.form`."""
    from members.register_selectors import register_filter_choices, register_public_list

    return RegisterFilterSet(data, queryset=register_public_list(), **register_filter_choices())
