"""Demo content for the members app: plans and members in each status.

`seed_members(stdout)` is listed in `manage.py seed_demo`. Idempotent: plans are
matched by code and a demo person who already has a membership is left alone.
Every status is reached through the real services, so the history is real too.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.services import dues, membership as membership_services
from members.history import Cause
from members.models import Membership, MembershipPlan, Payment
from portal import tasks as portal_tasks

PLANS = [
    {
        "code": "regular",
        "name_nl": "Gewoon lid",
        "name_en": "Regular member",
        "description_nl": "Voor interim-managers die zelfstandig werken.",
        "description_en": "For interim managers who work independently.",
        "eligibility_nl": "Iedere interim-manager met een inschrijving bij de KvK.",
        "eligibility_en": "Every interim manager registered with the KvK.",
        "yearly_price": Decimal("250.00"),
        "sort_order": 10,
    },
    {
        "code": "starter",
        "name_nl": "Startend lid",
        "name_en": "Starter",
        "description_nl": "Gereduceerde contributie voor wie net begint.",
        "description_en": "Reduced dues for those just starting out.",
        "eligibility_nl": "In je eerste twee jaar als interim-manager.",
        "eligibility_en": "In your first two years as an interim manager.",
        "yearly_price": Decimal("150.00"),
        "sort_order": 20,
    },
    {
        "code": "retired",
        "name_nl": "Rustend lid",
        "name_en": "Retired member",
        "description_nl": "Blijf verbonden na je actieve loopbaan.",
        "description_en": "Stay connected after your active career.",
        "eligibility_nl": "Voor gepensioneerde interim-managers.",
        "eligibility_en": "For retired interim managers.",
        "yearly_price": Decimal("95.00"),
        "sort_order": 30,
    },
]


@dataclass(frozen=True)
class DemoMember:
    email_local: str
    first_name: str
    last_name: str
    plan: str
    status: str
    city: str


DEMO_MEMBERS = [
    # member@ is made by portal.demo.seed_users; here it gets its membership.
    DemoMember("member", "Milan", "de Boer", "regular", "active", "Utrecht"),
    DemoMember("applicant", "Fleur", "van Dijk", "starter", "applicant", "Amersfoort"),
    DemoMember("arrears", "Thijs", "Mulder", "regular", "in_arrears", "Zwolle"),
    DemoMember("lapsed", "Iris", "Bos", "regular", "lapsed", "Arnhem"),
    DemoMember("resigning", "Kees", "Hendriks", "retired", "resigning", "Haarlem"),
]

ASSOCIATION_DUES = {"iban": "NL91ABNA0417164300", "vat_number": "NL001234567B01"}


def seed_members(stdout) -> None:
    from portal.demo import DEMO_DOMAIN, DEMO_PASSWORD

    plans = _seed_plans(stdout)
    _seed_association_dues(stdout)
    secretariat = get_user_model().objects.filter(email__iexact=f"secretariat@{DEMO_DOMAIN}").first()
    rows = []
    for demo in DEMO_MEMBERS:
        user, created_user = _demo_user(demo, DEMO_DOMAIN, DEMO_PASSWORD)
        if Membership.objects.filter(user=user).exists():
            rows.append((user.email, demo.status, "exists"))
            continue
        _bring_to(demo, user=user, plan=plans[demo.plan], secretariat=secretariat)
        rows.append((user.email, demo.status, "created"))
    width = max(len(email) for email, _, _ in rows)
    stdout.write(f"  Demo members (password for new users: {DEMO_PASSWORD}):")
    for email, status, state in rows:
        stdout.write(f"    {email.ljust(width)}  {status} [{state}]")

    from members.tasks import schedules_ensure

    created = schedules_ensure()
    stdout.write(f"  Daily membership run scheduled: {'created' if created else 'already present'}.")
    created = portal_tasks.schedules_ensure()
    stdout.write(f"  Outbox sweep and retry run scheduled: {'created' if created else 'already present'}.")


def _seed_plans(stdout) -> dict[str, MembershipPlan]:
    plans, created = {}, 0
    for spec in PLANS:
        plan, was_created = MembershipPlan.objects.get_or_create(code=spec["code"], defaults=spec)
        plans[plan.code] = plan
        created += was_created
    stdout.write(f"  Membership plans: {created} created, {len(PLANS) - created} already present.")
    return plans


def _seed_association_dues(stdout) -> None:
    """The IBAN and VAT number for bank transfers and receipts, where still blank."""
    from wagtail.models import Site

    from portal.models import AssociationSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    details = AssociationSettings.for_site(site)
    blank = [name for name, value in ASSOCIATION_DUES.items() if not getattr(details, name)]
    for name in blank:
        setattr(details, name, ASSOCIATION_DUES[name])
    if blank:
        details.save(update_fields=blank)
        stdout.write(f"  Association dues details set: {', '.join(blank)}.")


def _demo_user(demo: DemoMember, domain: str, password: str):
    from allauth.account.models import EmailAddress

    User = get_user_model()
    email = f"{demo.email_local}@{domain}"
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, password, first_name=demo.first_name, last_name=demo.last_name)
    if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user, created


def _profile(demo: DemoMember, index: int) -> dict:
    return {
        "phone": f"06 1234 56{index:02d}",
        "street": f"Stationsstraat {index + 1}",
        "postal_code": f"{3500 + index} AB",
        "city": demo.city,
        "country": "NL",
        "kvk_number": f"{70000000 + index * 1111:08d}",
        "sectors": "zorg, overheid",
        "expertise": "Interim-directie en verandertrajecten in de publieke sector.",
        "years_interim": 5 + index,
    }


def _bring_to(demo: DemoMember, *, user, plan: MembershipPlan, secretariat) -> Membership:
    index = [member.email_local for member in DEMO_MEMBERS].index(demo.email_local)
    membership = membership_services.membership_apply(
        user=user,
        plan=plan,
        profile=_profile(demo, index),
        accepted_statutes=True,
        accepted_privacy=True,
        first_name=demo.first_name,
        last_name=demo.last_name,
    )
    if demo.status == "applicant":
        return membership
    today = timezone.localdate()
    dues.payment_record(
        membership=membership,
        method=Payment.Method.BANK_TRANSFER,
        paid_on=today,
        actor=secretariat,
        reference=f"Contributie {membership.pk} {user.get_full_name()}",
    )
    membership.refresh_from_db()
    if demo.status in ("in_arrears", "lapsed"):
        # Demo only: move last year's payment back a year, so that the renewal is now due.
        back = timedelta(days=365 if demo.status == "in_arrears" else 410)
        payment = membership.payments.get()
        Payment.objects.filter(pk=payment.pk).update(
            period_start=payment.period_start - back, period_end=payment.period_end - back, paid_at=payment.paid_at - back
        )
        Membership.objects.filter(pk=membership.pk).update(
            paid_until=membership.paid_until - back, member_since=membership.member_since - back
        )
        membership.refresh_from_db()
        membership_services.membership_mark_in_arrears(
            membership=membership,
            cause=Cause.PERIOD_ENDED,
            today=membership.paid_until + timedelta(days=1),
        )
    if demo.status == "lapsed":
        membership_services.membership_lapse(membership=membership, cause=Cause.GRACE_ENDED)
        membership.refresh_from_db()
    if demo.status == "resigning":
        membership_services.membership_resign(membership=membership, actor=user, reason="Demo: retiring this year.")
    return membership
