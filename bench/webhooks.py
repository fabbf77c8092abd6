"""Benchmark: Stripe webhook events through the handler, shuffled and with duplicates.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/webhooks.py
    .venv/bin/python bench/webhooks.py --events 500          # a quick run for CI

It migrates the database (a temporary SQLite file unless DATABASE_URL is set),
makes one membership per subscription, and builds a realistic history per
subscription (monthly renewals paid by card or by SEPA that clears days later,
failed payments with or without a successful retry, cancellations in the
Billing portal, subscriptions ended for non-payment) with increasing
timestamps. Then:

1. the unique events are fed in the order they happened: the reference state;
2. the Stripe state is reset, and the same events plus ~10% duplicates are fed
   in a random order, each one signature-checked and handed to the service the
   webhook view calls (`members.stripe_sync.stripe_event_handle`);
3. it reports events per second and per-event latency (p50/p95), and compares
   the end state of every membership and payment with the reference.

With `--url` the shuffled delivery goes over HTTP to a running portal's
/stripe/webhook/ (`--concurrency` requests at a time, as Stripe sends several at
once); the in-order reference still goes through the service, one at a time.

The exit status is 1 when the states differ, so CI can run it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'rqim-bench-webhooks.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ["STRIPE_WEBHOOK_SECRET"] = "whsec_bench"
os.environ.pop("STRIPE_SECRET_KEY", None)  # no API calls: the events carry everything the handler needs
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import stripe  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from members.models import Membership, MembershipPlan, Payment, StripeEvent, User  # noqa: E402
from wagtail.models import ModelLogEntry  # noqa: E402
from members.stripe_sync import RESULT_DUPLICATE, stripe_event_handle  # noqa: E402
from tests.members import stripe_payloads as p  # noqa: E402

PREFIX = "bench"
PERIOD_DAYS = 30
STATE_FIELDS = [
    "status", "paid_until", "payment_pending", "grace_until", "resignation_requested_at",
    "stripe_subscription_id", "stripe_subscription_status", "stripe_synced_at", "payment_method_label",
]


# --- Data -------------------------------------------------------------------------


def prepare(subscriptions: int) -> list[Membership]:
    call_command("migrate", verbosity=0, interactive=False)
    _delete_bench_data()
    plan, _ = MembershipPlan.objects.get_or_create(
        code=f"{PREFIX}-monthly",
        defaults={"name_nl": "Bench", "name_en": "Bench", "yearly_price": 250, "stripe_price_id": "price_bench"},
    )
    users = User.objects.bulk_create(
        [User(email=f"{PREFIX}{i}@example.org", first_name="Bench", last_name=str(i)) for i in range(subscriptions)]
    )
    applied = timezone.now() - timedelta(days=5 * 365)  # before every event of the histories
    return Membership.objects.bulk_create(
        [
            Membership(
                user=user, plan=plan, statutes_version="2026-01", privacy_version="2026-01", terms_accepted_at=applied,
                stripe_customer_id=f"cus_{PREFIX}{i}",
            )
            for i, user in enumerate(users)
        ]
    )


def _delete_bench_data() -> None:
    memberships = Membership.objects.filter(stripe_customer_id__startswith=f"cus_{PREFIX}")
    Payment.objects.filter(membership__in=memberships).delete()
    pks = [str(pk) for pk in memberships.values_list("pk", flat=True)]
    ModelLogEntry.objects.get_for_model(Membership).filter(object_id__in=pks).delete()
    users = list(memberships.values_list("user_id", flat=True))
    memberships.delete()
    User.objects.filter(pk__in=users).delete()
    StripeEvent.objects.filter(event_id__startswith=f"evt_{PREFIX}").delete()


def reset_stripe_state(memberships: list[Membership]) -> None:
    pks = [m.pk for m in memberships]
    Payment.objects.filter(membership_id__in=pks).delete()
    ModelLogEntry.objects.get_for_model(Membership).filter(object_id__in=[str(pk) for pk in pks]).delete()
    StripeEvent.objects.filter(event_id__startswith=f"evt_{PREFIX}").delete()
    Membership.objects.filter(pk__in=pks).update(
        status=Membership.Status.APPLICANT, paid_until=None, grace_until=None, payment_pending=False,
        member_since=None, resignation_requested_at=None, stripe_subscription_id="", stripe_subscription_status="",
        stripe_synced_at=None, payment_method_label="",
    )


def history(index: int, customer: str, wanted: int, rng: random.Random) -> list[dict]:
    """About `wanted` events of one subscription, in the order they happened."""
    sub = f"sub_{PREFIX}{index}"
    periods = max(1, wanted // 2 - 1)
    first = timezone.localdate() - timedelta(days=PERIOD_DAYS * periods - rng.randint(0, PERIOD_DAYS - 1))
    events: list[dict] = []

    def add(kind, obj, day: date, hour: int, minute: int = 0):
        created = p.ts(day, hour) + minute * 60
        events.append(p.event(kind, obj, created=created, event_id=f"evt_{PREFIX}{index}_{len(events)}"))

    def snapshot(start, end, invoice_id, **fields):
        return p.subscription(sub, customer=customer, start=p.ts(start), end=p.ts(end), latest_invoice=invoice_id, **fields)

    def bill(invoice_id, start, end, paid):
        return p.invoice(invoice_id, customer=customer, subscription_id=sub, start=p.ts(start), end=p.ts(end), paid=paid)

    start = first
    for k in range(periods):
        end = start + timedelta(days=PERIOD_DAYS)
        invoice_id = f"in_{PREFIX}{index}_{k}"
        last = k == periods - 1
        add("customer.subscription.updated", snapshot(start, end, invoice_id), start, 9)
        roll = rng.random()
        if roll < 0.12:  # the charge fails; usually a retry succeeds days later
            add("invoice.payment_failed", bill(invoice_id, start, end, False), start, 10)
            add("customer.subscription.updated", snapshot(start, end, invoice_id, status="past_due"), start, 10, 1)
            if last or rng.random() < 0.3:  # never paid: in arrears, and perhaps ended by Stripe
                if rng.random() < 0.6:
                    gone = start + timedelta(days=21)
                    add("customer.subscription.deleted", snapshot(start, end, invoice_id, status="canceled",
                        canceled_at=p.ts(gone, 8), cancellation_reason="payment_failed"), gone, 8)
                return events
            retry = start + timedelta(days=3)
            add("invoice.paid", bill(invoice_id, start, end, True), retry, 11)
            add("customer.subscription.updated", snapshot(start, end, invoice_id), retry, 11, 1)
        elif roll < 0.25:  # SEPA: the debit clears a few days later (or not yet)
            if not last:
                add("invoice.paid", bill(invoice_id, start, end, True), start + timedelta(days=4), 7)
        else:
            add("invoice.paid", bill(invoice_id, start, end, True), start, 10)
        if not last and rng.random() < 0.04:  # resigns in the Billing portal; ends at the period end
            asked = start + timedelta(days=10)
            add("customer.subscription.updated", snapshot(start, end, invoice_id, cancel_at_period_end=True,
                canceled_at=p.ts(asked, 15)), asked, 15)
            if rng.random() < 0.3:  # ... and changes their mind
                add("customer.subscription.updated", snapshot(start, end, invoice_id), asked + timedelta(days=2), 9)
            else:
                add("customer.subscription.deleted", snapshot(start, end, invoice_id, status="canceled",
                    cancel_at_period_end=True, canceled_at=p.ts(asked, 15),
                    cancellation_reason="cancellation_requested"), end, 0, 5)
                return events
        start = end
    return events


def build_events(memberships: list[Membership], total: int, seed: int) -> tuple[list[dict], list[dict]]:
    """(unique events in the order they happened, the delivery: shuffled with ~10% duplicates)."""
    rng = random.Random(seed)
    unique_wanted = round(total / 1.1)  # so that ~10% of the delivery are duplicates
    per_sub = max(2, unique_wanted // len(memberships))
    histories = [history(i, m.stripe_customer_id, per_sub * 2, rng) for i, m in enumerate(memberships)]
    # Some histories end early (an ended subscription); the others make up the difference.
    # Every history is cut to a prefix of itself, which is a history too.
    cap = per_sub
    while cap < max(map(len, histories)) and sum(min(len(h), cap) for h in histories) < unique_wanted:
        cap += 1
    extra = unique_wanted - sum(min(len(h), cap - 1) for h in histories)
    unique = []
    for h in histories:
        take = cap if extra > 0 and len(h) >= cap else cap - 1
        extra -= take == cap
        unique += h[:take]
    unique.sort(key=lambda e: e["created"])
    delivery = unique + rng.choices(unique, k=max(0, total - len(unique)))
    rng.shuffle(delivery)
    return unique, delivery


# --- Running -----------------------------------------------------------------------


def feed_http(events: list[dict], url: str, concurrency: int = 1) -> dict:
    """Post each event, signed, to a running portal's /stripe/webhook/: `concurrency` senders,
    each on its own connection, take the next event in the delivery order (Stripe, too, sends
    several at once)."""
    import http.client
    import threading
    from urllib.parse import urlsplit

    target = urlsplit(url)
    secret = settings.STRIPE_WEBHOOK_SECRET
    queue = iter(events)
    lock = threading.Lock()
    times, statuses, answers = [], {}, []

    def connect():
        return http.client.HTTPConnection(target.hostname, target.port or 80, timeout=60)

    def sender():
        connection = connect()
        mine, seen, said = [], {}, []
        while True:
            with lock:
                event = next(queue, None)
            if event is None:
                break
            body = json.dumps(event)
            headers = {"Content-Type": "application/json", "Stripe-Signature": p.signature_header(body, secret=secret)}
            t0 = time.perf_counter()
            try:
                connection.request("POST", target.path, body=body.encode(), headers=headers)
                response = connection.getresponse()
                answer = response.read().decode(errors="replace")
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = connect()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = connect()
                status, answer = 0, ""
            mine.append(time.perf_counter() - t0)
            seen[status] = seen.get(status, 0) + 1
            said.append(answer)
        connection.close()
        with lock:
            times.extend(mine)
            answers.extend(said)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    started = time.perf_counter()
    threads = [threading.Thread(target=sender) for _ in range(max(1, concurrency))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    duplicates = sum(answer == RESULT_DUPLICATE for answer in answers)
    return {"elapsed": elapsed, "verify": [0.0] * len(times), "handle": times, "duplicates": duplicates,
            "statuses": statuses}


def feed(events: list[dict], url: str | None = None, concurrency: int = 1) -> dict:
    if url:
        return feed_http(events, url, concurrency)
    secret = settings.STRIPE_WEBHOOK_SECRET
    verify_times, handle_times, duplicates = [], [], 0
    started = time.perf_counter()
    for event in events:
        body = json.dumps(event)
        header = p.signature_header(body, secret=secret)  # Stripe's side, not timed
        t0 = time.perf_counter()
        stripe.Webhook.construct_event(body, header, secret)
        t1 = time.perf_counter()
        result = stripe_event_handle(event=json.loads(body))
        t2 = time.perf_counter()
        verify_times.append(t1 - t0)
        handle_times.append(t2 - t1)
        duplicates += result == RESULT_DUPLICATE
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "verify": verify_times, "handle": handle_times, "duplicates": duplicates}


def snapshot_state(memberships: list[Membership]) -> dict:
    pks = [m.pk for m in memberships]
    state = {row[0]: row[1:] for row in Membership.objects.filter(pk__in=pks).values_list("pk", *STATE_FIELDS)}
    payments = {}
    for row in Payment.objects.filter(membership_id__in=pks).values_list(
        "stripe_invoice_id", "membership_id", "status", "period_start", "period_end", "amount"
    ):
        payments[row[0]] = row[1:]
    return {"memberships": state, "payments": payments}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events delivered, duplicates included (10,000)")
    parser.add_argument("--subscriptions", type=int, default=None, help="subscriptions (default: events / 20, at least 5)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--url", help="post the events to this /stripe/webhook/ address of a running portal "
                        "(its STRIPE_WEBHOOK_SECRET must be whsec_bench) instead of calling the service")
    parser.add_argument("--concurrency", type=int, default=1, help="with --url: requests at a time (1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    subscriptions = args.subscriptions or max(5, args.events // 20)

    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    memberships = prepare(subscriptions)
    unique, delivery = build_events(memberships, args.events, args.seed)
    print(f"events: {len(delivery)} delivered = {len(unique)} unique + {len(delivery) - len(unique)} duplicates, "
          f"{subscriptions} subscriptions, shuffled (seed {args.seed})")

    # The reference: the unique events in order, one at a time, through the service itself.
    in_order = feed(unique)
    expected = snapshot_state(memberships)
    reset_stripe_state(memberships)
    run = feed(delivery, args.url, args.concurrency)
    got = snapshot_state(memberships)

    per_event = [v + h for v, h in zip(run["verify"], run["handle"], strict=True)]
    ms = 1000
    print(f"in order:  {len(unique) / in_order['elapsed']:8.0f} events/s (the service, one at a time)")
    if args.url:
        print(f"shuffled:  {len(delivery) / run['elapsed']:8.0f} events/s through {args.url}, "
              f"{args.concurrency} at a time  "
              f"(p50 {percentile(per_event, .5) * ms:.2f} ms, p95 {percentile(per_event, .95) * ms:.2f} ms per request; "
              f"HTTP statuses {dict(sorted(run['statuses'].items()))})")
    else:
        print(f"shuffled:  {len(delivery) / run['elapsed']:8.0f} events/s  "
              f"(p50 {percentile(per_event, .5) * ms:.2f} ms, p95 {percentile(per_event, .95) * ms:.2f} ms per event; "
              f"signature check p50 {percentile(run['verify'], .5) * ms:.3f} ms, "
              f"handler p50 {percentile(run['handle'], .5) * ms:.2f} ms, p95 {percentile(run['handle'], .95) * ms:.2f} ms)")
    statuses: dict[str, int] = {}
    for row in got["memberships"].values():
        key = row[0] + (" (payment pending)" if row[2] else "")
        statuses[key] = statuses.get(key, 0) + 1
    print("end state: " + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())))

    problems = []
    for name, feeding in (("in order", in_order), ("shuffled", run)):
        failed = sum(n for status, n in feeding.get("statuses", {}).items() if status != 200)
        if failed:
            problems.append(f"{failed} requests {name} did not answer 200")
    if StripeEvent.objects.filter(event_id__startswith=f"evt_{PREFIX}").count() != len(unique):
        problems.append("stored events differ from the unique events")
    if run["duplicates"] != len(delivery) - len(unique):
        problems.append(f"{run['duplicates']} answered duplicate, expected {len(delivery) - len(unique)}")
    for pk, row in expected["memberships"].items():
        if got["memberships"].get(pk) != row:
            problems.append(f"membership {pk}: in order {row} != shuffled {got['memberships'].get(pk)}")
    if expected["payments"] != got["payments"]:
        problems.append("payments differ between the in-order and the shuffled run")
    if args.json:
        args.json.write_text(json.dumps({
            "through": args.url or "service", "concurrency": args.concurrency if args.url else 1,
            "delivered": len(delivery), "unique": len(unique),
            "duplicates": len(delivery) - len(unique), "subscriptions": subscriptions,
            "events_per_second": len(delivery) / run["elapsed"], "in_order_events_per_second": len(unique) / in_order["elapsed"],
            "p50_ms": percentile(per_event, .5) * ms, "p95_ms": percentile(per_event, .95) * ms,
            "statuses": {str(k): v for k, v in run.get("statuses", {}).items()},
            "identical": not problems, "problems": problems[:10],
        }, indent=2))
    if problems:
        print(f"DIFFERENT: {len(problems)} problems")
        for problem in problems[:10]:
            print("  " + problem)
        return 1
    print("end state equals the in-order state: yes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
