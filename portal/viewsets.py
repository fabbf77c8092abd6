"""A Wagtail ModelViewSet for records that change only through services.

Staff list, filter and inspect them; there is no add, edit or delete form. Each
change is an action view of its own (suspend, approve, ...) that calls a service;
a subclass lists those in `get_action_urlpatterns`.
"""

from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet


class ServiceRecordViewSet(ModelViewSet):
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
