"""Builders for events in tests.

    index = event_index()                         # "Evenementen" under the Dutch home page
    event = event_page(index, capacity=2)         # a free knowledge session next week, published
    member = member_user()                        # a user with an active membership
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from events.models import EventIndexPage, EventPage
from events.services import event_capacity_ensure
from tests.factories import UserFactory, verified_email
from tests.portal import pages

_counter = itertools.count(1)


def event_index(parent=None, *, title="Evenementen", slug="evenementen") -> EventIndexPage:
    parent = parent or pages.home()
    existing = EventIndexPage.objects.child_of(parent).first()
    if existing:
        return existing
    return pages.add(parent, EventIndexPage(title=title, slug=slug, intro="Onze bijeenkomsten."))


def event_page(index=None, *, start=None, hours: int = 3, revision: bool = True, **fields) -> EventPage:
    index = index or event_index()
    number = next(_counter)
    start = start or (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    values = {
        "title": f"Kennissessie {number}",
        "lead": "Een avond over goed opdrachtgeverschap.",
        "start": start,
        "end": start + timedelta(hours=hours),
        "venue_name": "Domus Utrecht",
        "venue_address": "Domplein 1\n3512 JC Utrecht",
        "region": "centre",
        "capacity": 50,
        "pe_points": Decimal("3.0"),
        "pe_category": "knowledge",
    }
    values.update(fields)
    page = pages.add(index, EventPage(**values), revision=revision)
    event_capacity_ensure(event=page)
    return page


def member_user(**kwargs):
    from tests.members.factories import MembershipFactory

    membership = MembershipFactory(active=True, **kwargs)
    return verified_email(membership.user)


def non_member_user():
    return verified_email(UserFactory())
