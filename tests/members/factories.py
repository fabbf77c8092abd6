"""Factories for plans, memberships, profiles, payments and history (shared by the members suites).

    plan = MembershipPlanFactory()                       # "regular", € 250 excl. 21% VAT, 12 months
    applicant = MembershipFactory()                      # status applicant, with a profile
    member = MembershipFactory(active=True)              # active, paid for a year from today
    stripe_member = MembershipFactory(active=True, stripe=True)
    payment = PaymentFactory(membership=member)          # a paid bank transfer with a receipt number
    history(member)                                      # its audit entries, oldest first

Factories set fields directly; tests of transitions should call the services instead.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from members.models import Membership, MembershipPlan, MemberProfile, Payment
from portal.audit import Source, entries_for, log_action
from tests.factories import UserFactory, verified_email


class MembershipPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipPlan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan-{n}")
    name_nl = factory.Sequence(lambda n: f"Gewoon lid {n}")
    name_en = factory.Sequence(lambda n: f"Regular member {n}")
    yearly_price = Decimal("250.00")
    vat_rate = Decimal("21.00")
    period_months = 12
    is_active = True


class MemberProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    phone = "+31 6 12345678"
    street = "Keizersgracht 1"
    postal_code = "1015 AA"
    city = "Amsterdam"
    country = "NL"
    kvk_number = factory.Sequence(lambda n: f"{12345678 + n:08d}"[-8:])
    sectors = "healthcare, government"
    expertise = "Turnarounds and interim management of care organisations."
    years_interim = 7


def profile_data(**overrides) -> dict:
    """A valid `profile` dict for `membership_apply`."""
    data = {
        "phone": "+31 6 12345678",
        "street": "Keizersgracht 1",
        "postal_code": "1015 AA",
        "city": "Amsterdam",
        "country": "NL",
        "kvk_number": "12345678",
        "sectors": "healthcare, government",
        "expertise": "Turnarounds of care organisations.",
        "years_interim": 7,
    }
    data.update(overrides)
    return data


class MembershipFactory(factory.django.DjangoModelFactory):
    """An applicant by default; `active=True`, `in_arrears=True`, `lapsed=True`, `resigned=True`,
    `ended=True` give the other statuses, `stripe=True` a Stripe subscription."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    class Params:
        active = factory.Trait(
            status=Membership.Status.ACTIVE,
            paid_until=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300)),
            member_since=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=65)),
        )
        in_arrears = factory.Trait(
            status=Membership.Status.IN_ARREARS,
            paid_until=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5)),
            grace_until=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=25)),
            member_since=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=370)),
        )
        lapsed = factory.Trait(
            status=Membership.Status.LAPSED,
            paid_until=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60)),
            grace_until=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30)),
            member_since=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=430)),
        )
        resigned = factory.Trait(
            status=Membership.Status.RESIGNED,
            paid_until=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10)),
            resignation_requested_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=100)),
            member_since=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=800)),
        )
        ended = factory.Trait(status=Membership.Status.ENDED, ended_reason="Ended in a test.")
        stripe = factory.Trait(
            stripe_customer_id=factory.Sequence(lambda n: f"cus_test{n:06d}"),
            stripe_subscription_id=factory.Sequence(lambda n: f"sub_test{n:06d}"),
            stripe_subscription_status="active",
            payment_method_label="Visa •••• 4242",
        )

    user = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(MembershipPlanFactory)
    status = Membership.Status.APPLICANT
    statutes_version = "2026-01"
    privacy_version = "2026-01"
    terms_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        """A member profile comes with every membership (pass profile=False to skip it)."""
        if create and extracted is not False:
            MemberProfileFactory(user=self.user, **kwargs)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """The user's address is confirmed, so that they can log in."""
        if create and extracted is not False:
            verified_email(self.user)


def _period_end(payment):
    from members.services.dues import plan_period

    return plan_period(plan=payment.plan, start=payment.period_start)[1]


class PaymentFactory(factory.django.DjangoModelFactory):
    """A paid bank transfer with a receipt number; `stripe=True` gives a Stripe invoice without one."""

    class Meta:
        model = Payment

    class Params:
        stripe = factory.Trait(
            method=Payment.Method.STRIPE,
            receipt_number="",
            stripe_invoice_id=factory.Sequence(lambda n: f"in_test{n:06d}"),
        )

    membership = factory.SubFactory(MembershipFactory, active=True)
    plan = factory.LazyAttribute(lambda payment: payment.membership.plan)
    method = Payment.Method.BANK_TRANSFER
    status = Payment.Status.PAID
    amount = factory.LazyAttribute(lambda payment: payment.plan.price_incl_vat)
    vat_amount = factory.LazyAttribute(lambda payment: payment.plan.vat_amount)
    vat_rate = factory.LazyAttribute(lambda payment: payment.plan.vat_rate)
    period_start = factory.LazyFunction(timezone.localdate)
    period_end = factory.LazyAttribute(_period_end)
    paid_at = factory.LazyFunction(timezone.now)
    reference = factory.Sequence(lambda n: f"Contributie {n}")
    receipt_number = factory.Sequence(lambda n: f"T{timezone.localdate().year}-{n:05d}")


def history_entry(membership, action="members.membership.applied", *, actor=None, source=Source.MEMBER, **data):
    """One audit entry on `membership`, as a service writes it (statuses default to the current one)."""
    data.setdefault("from_status", "")
    data.setdefault("to_status", membership.status)
    return log_action(membership, action, actor=actor, source=source, data=data)


def history(membership):
    """The membership's audit entries, oldest first."""
    return entries_for(membership).order_by("timestamp", "id")
