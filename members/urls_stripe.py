from django.urls import path

from members import views_stripe

urlpatterns = [
    path("membership/pay/", views_stripe.checkout_start, name="checkout_start"),
    path("membership/pay/done/", views_stripe.checkout_return, name="checkout_return"),
    path("membership/payment-details/", views_stripe.billing_portal, name="billing_portal"),
]
