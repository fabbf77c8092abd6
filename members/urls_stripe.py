from django.urls import path

from members import views_stripe

urlpatterns = [
    path("lidmaatschap/betalen/online/", views_stripe.checkout_start, name="checkout_start"),
    path("lidmaatschap/betalen/bedankt/", views_stripe.checkout_return, name="checkout_return"),
    path("lidmaatschap/betaalgegevens/", views_stripe.billing_portal, name="billing_portal"),
]
