from django.urls import path
from django.utils.translation import pgettext_lazy

from members import views_stripe

# Translated like members.urls_member: Dutch paths in the catalogue, English ones here.
urlpatterns = [
    path(pgettext_lazy("URL", "membership/pay/online/"), views_stripe.checkout_start, name="checkout_start"),
    path(pgettext_lazy("URL", "membership/pay/thank-you/"), views_stripe.checkout_return, name="checkout_return"),
    path(pgettext_lazy("URL", "membership/payment-details/"), views_stripe.billing_portal, name="billing_portal"),
]
