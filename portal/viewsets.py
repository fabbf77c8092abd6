"""A Wagtail ModelViewSet for records that change only through services.

Staff list, filter and inspect them; there is no add, edit, copy or delete form. Each
change is an action view of its own (suspend, approve, ...) that calls a service;
a subclass lists those in `get_action_urlpatterns`. A row of the listing opens the
record's inspect view through its first column.
"""

from django.urls import path
from django.utils.translation import gettext
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.views import generic
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from portal.audit import entries_for, entry_message


def inspect_title_column(column: Column | str, url_name: str) -> Column | str:
    """`column` as the listing's title: a link to the row's inspect view. Wagtail links a
    field name given first itself; a Column given first would leave the rows without one."""
    if isinstance(column, TitleColumn) or not isinstance(column, Column):
        return column
    return TitleColumn(
        column.name, label=column.label, accessor=column.accessor, sort_key=column.sort_key,
        classname=column.classname, width=column.width, url_name=url_name,
    )


def inspect_url_finder(viewset) -> type:
    """An admin URL finder that sends links to a record from elsewhere in the admin (the
    site history, search) to its inspect view, for a viewset without an edit view."""
    return type(
        f"{viewset.model.__name__}AdminURLFinder", (ModelAdminURLFinder,), {"edit_url_name": viewset.get_url_name("inspect")}
    )


class HistoryInspectView(generic.InspectView):
    """A record's fields (empty ones as "—"), then its audit history (newest first, in the
    reader's language); its template includes ``portal/admin/_history.html``."""

    template_name = "portal/admin/inspect_with_history.html"

    def get_field_display_value(self, field_name, field):
        # An empty field reads "—", a yes/no field "Yes" or "No" (not "None", "True").
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        return value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = [(entry, entry_message(entry)) for entry in entries_for(self.object)]
        return context


class ServiceRecordViewSet(ModelViewSet):
    copy_view_enabled = False  # a copy would be a record no service made

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        columns = list(self.list_display or [])
        if self.inspect_view_enabled and columns:
            columns[0] = inspect_title_column(columns[0], self.get_url_name("inspect"))
            self.list_display = columns

    @property
    def url_finder_class(self):
        return inspect_url_finder(self)

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"):
            view_kwargs[name] = None
        view_kwargs["inspect_url_name"] = self.get_url_name("inspect")
        return view_kwargs

    def get_action_urlpatterns(self) -> list:
        return []

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            *self.get_action_urlpatterns(),
        ]
