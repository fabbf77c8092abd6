from django.urls import include, path

app_name = "members"

urlpatterns = [
    # Member-facing pages (joining, "Mijn lidmaatschap", receipts, resigning)
    path("", include("members.urls_member")),
    # Stripe Checkout and the Billing portal (the webhook lives at /stripe/webhook/, outside the language prefix)
    path("", include("members.urls_stripe")),
    # Certification: applying, the application's status, evidence, certificates
    path("", include("members.urls_certification")),
    # The public register of certified managers and the member's register profile
    path("", include("members.urls_register")),
]
