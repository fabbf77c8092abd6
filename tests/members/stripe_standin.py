"""A local stand-in for Stripe's HTTP API, so that tests run Stripe's own library without internet.

It serves just the endpoints the portal calls and records every request, so a
test can assert what was sent:

    def test_x(stripe_api):
        ...
        call = stripe_api.last("POST", "/v1/checkout/sessions")
        assert call.params["mode"] == "subscription"

`params` holds the form fields as stripe-python encodes them (`line_items[0][price]`).
Seed `stripe_api.subscriptions` / `stripe_api.payment_methods` for GET requests.
Checkout sessions made through it are kept in `stripe_api.sessions` (status "open";
set it to "complete" to play a payer who finished paying); refunds answer "pending".
Set `stripe_api.fail_with = 500` to make every request fail.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

SECRET_KEY = "sk_test_standin"


@dataclass
class Call:
    method: str
    path: str
    params: dict
    headers: dict = field(default_factory=dict)

    def list_param(self, name: str) -> list[str]:
        """`payment_method_types[0]`, `[1]`, ... as a list."""
        return [v for k, v in self.params.items() if k.startswith(f"{name}[")]


class StripeStandIn:
    def __init__(self):
        self.calls: list[Call] = []
        self.subscriptions: dict[str, dict] = {}
        self.payment_methods: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.fail_with: int | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle
    def start(self) -> StripeStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                standin._handle(self, "GET")

            def do_POST(self):
                standin._handle(self, "POST")

            def log_message(self, *args):  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- assertions
    def requests_to(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path == path]

    def last(self, method: str, path: str) -> Call:
        matching = self.requests_to(method, path)
        assert matching, f"no {method} {path} was sent; sent: {[(c.method, c.path) for c in self.calls]}"
        return matching[-1]

    # --- serving
    def _next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}_standin{next(self._ids):04d}"

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(request.path)
        if method == "POST":
            length = int(request.headers.get("Content-Length") or 0)
            raw = request.rfile.read(length).decode()
        else:
            raw = parts.query
        call = Call(method, parts.path, dict(parse_qsl(raw, keep_blank_values=True)), dict(request.headers.items()))
        with self._lock:
            self.calls.append(call)
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return self._reply(request, 401, _error("Invalid API Key provided", "invalid_request_error"))
        if self.fail_with:
            return self._reply(request, self.fail_with, _error("Stand-in failure", "api_error"))
        status, body = self._route(call)
        self._reply(request, status, body)

    def _route(self, call: Call) -> tuple[int, dict]:
        segments = call.path.strip("/").split("/")
        if call.method == "POST" and call.path == "/v1/customers":
            return 200, {"id": self._next_id("cus"), "object": "customer", "email": call.params.get("email")}
        if call.method == "POST" and call.path == "/v1/checkout/sessions":
            session_id = self._next_id("cs_test")
            session = {
                "id": session_id,
                "object": "checkout.session",
                "mode": call.params.get("mode"),
                "status": "open",
                "customer": call.params.get("customer"),
                "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            }
            if call.params.get("expires_at"):
                session["expires_at"] = int(call.params["expires_at"])
            self.sessions[session_id] = session
            return 200, session
        if segments[:3] == ["v1", "checkout", "sessions"] and len(segments) >= 4:
            session = self.sessions.get(segments[3])
            if session is None:
                return 404, _error(f"No such checkout.session: '{segments[3]}'", "invalid_request_error")
            if call.method == "POST" and segments[4:] == ["expire"]:
                if session["status"] != "open":
                    return 400, _error("Only Checkout Sessions with a status of open can be expired.", "invalid_request_error")
                session["status"] = "expired"
            return 200, session
        if call.method == "POST" and call.path == "/v1/refunds":
            return 200, {
                "id": self._next_id("re"),
                "object": "refund",
                "amount": int(call.params.get("amount") or 0),
                "payment_intent": call.params.get("payment_intent"),
                "status": "pending",
            }
        if call.method == "POST" and call.path == "/v1/billing_portal/sessions":
            session_id = self._next_id("bps")
            return 200, {
                "id": session_id,
                "object": "billing_portal.session",
                "customer": call.params.get("customer"),
                "url": f"https://billing.stripe.test/p/session/{session_id}",
            }
        if segments[:2] == ["v1", "subscriptions"] and len(segments) == 3:
            subscription = self.subscriptions.get(segments[2])
            if subscription is None:
                return 404, _error(f"No such subscription: '{segments[2]}'", "invalid_request_error")
            if call.method == "POST" and "cancel_at_period_end" in call.params:
                subscription["cancel_at_period_end"] = call.params["cancel_at_period_end"] == "true"
            if call.method == "GET" and call.params.get("expand[0]") == "default_payment_method":
                method_id = subscription.get("default_payment_method")
                if isinstance(method_id, str) and method_id in self.payment_methods:
                    return 200, {**subscription, "default_payment_method": self.payment_methods[method_id]}
            return 200, subscription
        if call.method == "GET" and segments[:2] == ["v1", "payment_methods"] and len(segments) == 3:
            method = self.payment_methods.get(segments[2])
            if method is None:
                return 404, _error(f"No such PaymentMethod: '{segments[2]}'", "invalid_request_error")
            return 200, method
        return 404, _error(f"Unrecognized request URL ({call.method}: {call.path})", "invalid_request_error")

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Request-Id", "req_standin")
        if status >= 400:
            request.send_header("Stripe-Should-Retry", "false")  # keep failing tests fast
        request.end_headers()
        request.wfile.write(data)


def _error(message: str, kind: str) -> dict:
    return {"error": {"message": message, "type": kind}}


@pytest.fixture
def stripe_api(settings):
    """Stripe configured against the local stand-in (the webhook secret too)."""
    from tests.members.stripe_payloads import WEBHOOK_SECRET

    standin = StripeStandIn().start()
    settings.STRIPE_API_BASE = standin.url
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_ENABLED = True
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield standin
    standin.stop()
