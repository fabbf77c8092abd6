"""Demo content for the dashboard: two years of members joining, resigning and lapsing.

`seed_membership_history(stdout)` is listed in `manage.py seed_demo`. Every member is
brought to their status through the real services, so the audit log holds real
entries; then (demo only) each member's entries are moved back to the month they
joined and left, so that the dashboard's 24-month trend has something to show.
Idempotent: a demo person who already has a membership is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from members.history import Cause, HistoryAction
from members.models import Membership, MembershipPlan, Payment
from members.services import dues
from members.services import membership as membership_services
from portal.dashboard import AMSTERDAM
from portal.dates import add_months

FIRST_NAMES = ["Sophie", "Lars", "Emma", "Bram", "Julia", "Ruben", "Lotte", "Jesse", "Sara", "Thomas", "Noa", "Daan",
               "Eva", "Sem", "Lisa", "Niels", "Anouk", "Joris", "Femke", "Rik", "Maud", "Wouter", "Ilse", "Gijs",
               "Roos", "Pieter", "Merel", "Stijn", "Hanna", "Koen", "Vera", "Tim", "Nina", "Bas", "Elif", "Youssef"]
LAST_NAMES = ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
              "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
              "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs",
              "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "Yilmaz", "El Amrani"]
HISTORY_MEMBERS = 36


def _fate(index: int) -> str:
    if index % 9 == 4:
        return "lapsed"
    if index % 7 == 3:
        return "resigned"
    return "active"


def seed_membership_history(stdout) -> None:
    from allauth.account.models import EmailAddress

    from portal.demo import DEMO_DOMAIN, DEMO_PASSWORD

    plans = list(MembershipPlan.objects.filter(is_active=True).order_by("sort_order"))
    if not plans:
        stdout.write("  No membership plans: no membership history added.")
        return
    User = get_user_model()
    secretariat = User.objects.filter(email__iexact=f"secretariat@{DEMO_DOMAIN}").first()
    today = timezone.localdate()
    created = 0
    for index in range(HISTORY_MEMBERS):
        email = f"history{index + 1:02d}@{DEMO_DOMAIN}"
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(index * 7) % len(LAST_NAMES)],
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if Membership.objects.filter(user=user).exists():
            continue
        # Spread over the last 24 months, a few more joins in spring and autumn.
        months_back = 23 - (index * 24) // HISTORY_MEMBERS
        joined = min(add_months(today.replace(day=1), -months_back) + timedelta(days=(index * 5) % 27), today)
        _bring_to(user=user, plan=plans[index % len(plans)], secretariat=secretariat, joined=joined,
                  fate=_fate(index), today=today)
        created += 1
    stdout.write(f"  Membership history for the dashboard: {created} members added, "
                 f"{HISTORY_MEMBERS - created} already present.")


def _profile(number: int) -> dict:
    cities = ["Utrecht", "Amsterdam", "Rotterdam", "Den Haag", "Eindhoven", "Groningen", "Zwolle", "Nijmegen"]
    return {
        "phone": f"06 2000 {number:04d}", "street": f"Kerkstraat {number % 90 + 1}", "postal_code": f"{1000 + number % 8000} AB",
        "city": cities[number % len(cities)], "country": "NL", "kvk_number": f"{60000000 + number:08d}",
        "sectors": "zorg, onderwijs", "expertise": "Interim-management.", "years_interim": 3 + number % 20,
    }


def _bring_to(*, user, plan, secretariat, joined, fate: str, today) -> None:
    membership = membership_services.membership_apply(
        user=user, plan=plan, profile=_profile(user.pk),
        accepted_statutes=True, accepted_privacy=True, first_name=user.first_name, last_name=user.last_name,
    )
    dues.payment_record(membership=membership, method=Payment.Method.BANK_TRANSFER, paid_on=today, actor=secretariat,
                        reference=f"Contributie {membership.pk} {user.get_full_name()}")
    membership.refresh_from_db()
    left = None
    if fate == "resigned" and add_months(joined, 12) < today:
        membership_services.membership_resign(membership=membership, actor=user, reason="Demo: another career step.")
        Membership.objects.filter(pk=membership.pk).update(paid_until=today - timedelta(days=1))
        membership.refresh_from_db()
        membership_services.membership_resignation_complete(membership=membership, today=today)
        left = add_months(joined, 12)
    elif fate == "lapsed" and add_months(joined, 13) < today:
        membership_services.membership_mark_in_arrears(membership=membership, cause=Cause.PERIOD_ENDED, today=today)
        membership_services.membership_lapse(membership=membership, cause=Cause.GRACE_ENDED)
        left = add_months(joined, 13)
    # Demo only: the history happened when this person joined (and left), not today.
    Membership.objects.filter(pk=membership.pk).update(member_since=joined)
    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership), object_id=str(membership.pk)
    )
    leaving = [HistoryAction.RESIGNATION_REQUESTED, HistoryAction.RESIGNED, HistoryAction.IN_ARREARS, HistoryAction.LAPSED]
    joined_at = datetime.combine(joined, time(10, 0), tzinfo=AMSTERDAM)
    entries.exclude(action__in=leaving).update(timestamp=joined_at)
    if left is not None:
        entries.filter(action__in=leaving).update(timestamp=datetime.combine(left, time(9, 0), tzinfo=AMSTERDAM))
