"""Member-facing addresses, inside the language prefix.

The paths are translated: Dutch keeps /lidmaatschap/aanmelden/, English gets
/en/membership/join/. The English source path is the msgid (context "URL"), the
Dutch path its translation in the catalogue.
"""

from django.urls import path
from django.utils.translation import pgettext_lazy

from members import views, views_privacy

urlpatterns = [
    path(pgettext_lazy("URL", "membership/"), views.dashboard, name="dashboard"),
    path(pgettext_lazy("URL", "membership/join/"), views.join, name="join"),
    path(pgettext_lazy("URL", "membership/pay/"), views.pay, name="pay"),
    path(pgettext_lazy("URL", "membership/resign/"), views.resign, name="resign"),
    path(pgettext_lazy("URL", "membership/resign/withdraw/"), views.resign_withdraw, name="resign_withdraw"),
    path(pgettext_lazy("URL", "membership/resign/<str:token>/"), views.resign_link, name="resign_link"),
    path(pgettext_lazy("URL", "membership/receipt/<int:pk>/"), views.receipt, name="receipt"),
    # The member's own data: download everything, or have it erased (portal/privacy.py).
    path(pgettext_lazy("URL", "my-data/"), views_privacy.overview, name="privacy"),
    path(pgettext_lazy("URL", "my-data/download/"), views_privacy.export, name="data_export"),
    path(pgettext_lazy("URL", "my-data/erase/"), views_privacy.erase, name="data_erase"),
]
