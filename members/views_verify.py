"""Certificate verification for people: /verify/ and /verify/<number>/.

These addresses are printed on certificates, so they live outside the language
prefix and never change. Without a prefix, the language is chosen here:
``?lang=nl`` or ``?lang=en`` wins (the language links on the page use it), then
the language cookie of the site's own switch, then the browser's
Accept-Language, then Dutch. The answer says so in ``Content-Language`` and
``Vary``.

Both pages and the JSON API (`members/api.py`) are rate-limited per client
address (`verification_rate_exceeded`) and answer in a constant number of queries.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from members import certification_selectors as selectors
from members.forms_certification import VerifyForm
from members.models.certification import certificate_number_parse

# Requests per client address per minute, for the pages and the JSON together.
VERIFY_RATE_LIMIT = 60
VERIFY_RATE_WINDOW = 60  # seconds


def client_address(request) -> str:
    """The client's address. Behind `VERIFY_TRUSTED_PROXIES` proxies (settings, default 0) it is
    read from X-Forwarded-For, counting from the right, so that a client cannot choose it."""
    proxies = getattr(settings, "VERIFY_TRUSTED_PROXIES", 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def verification_rate_exceeded(request) -> bool:
    """Count this request against its address's budget; True once the budget is spent.

    A fixed one-minute window in the shared cache (Redis in production), so that
    every instance counts against the same budget.
    """
    window = int(timezone.now().timestamp()) // VERIFY_RATE_WINDOW
    key = f"verify-rate:{client_address(request)}:{window}"
    cache.add(key, 0, VERIFY_RATE_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, VERIFY_RATE_WINDOW + 5)
        count = 1
    return count > (getattr(settings, "VERIFY_RATE_LIMIT", None) or VERIFY_RATE_LIMIT)


def verification_language(request) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    chosen = request.GET.get("lang", "")
    if chosen in supported:
        return chosen
    return translation.get_language_from_request(request, check_path=False)


def _language_urls(request, path: str) -> dict[str, str]:
    return {code: f"{path}?{urlencode({'lang': code})}" for code, _name in settings.LANGUAGES}


def _respond(request, template: str, context: dict, *, status: int = 200, path: str) -> HttpResponse:
    language = context["language"]
    context["language_urls"] = _language_urls(request, path)
    context["lang_query"] = f"?{urlencode({'lang': language})}" if request.GET.get("lang") else ""
    with translation.override(language):
        response = render(request, template, context, status=status)
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def _too_many(request, language: str) -> HttpResponse:
    with translation.override(language):
        response = render(request, "members/verify/too_many.html",
                          {"language": language, "language_urls": _language_urls(request, request.path)}, status=429)
    response["Retry-After"] = str(VERIFY_RATE_WINDOW)
    response["Content-Language"] = language
    return response


@require_GET
def verify_form(request):
    """A form by certificate number; a valid number goes to its page."""
    language = verification_language(request)
    if verification_rate_exceeded(request):
        return _too_many(request, language)
    form = VerifyForm(request.GET if "number" in request.GET else None)
    if form.is_bound and form.is_valid():
        parsed = certificate_number_parse(form.cleaned_data["number"])
        with translation.override(language):
            if parsed is None:
                form.add_error("number", _("This is not a certificate number. A number looks like RQIM-2026-00123-7."))
            elif not parsed[1]:
                form.add_error("number", _("The check digit does not match: check the number."))
            else:
                url = reverse("verify_certificate", args=[parsed[0]])
                if request.GET.get("lang"):
                    url += f"?{urlencode({'lang': language})}"
                return redirect(url)
    return _respond(request, "members/verify/form.html", {"form": form, "language": language},
                    status=400 if form.errors else 200, path=reverse("verify"))


@require_GET
def verify_certificate(request, number: str):
    """One certificate as a client sees it: holder, scheme, level, status with dates, validity, norms."""
    language = verification_language(request)
    if verification_rate_exceeded(request):
        return _too_many(request, language)
    parsed = certificate_number_parse(number)
    path = reverse("verify_certificate", args=[number])
    context = {"language": language, "number": number, "form": VerifyForm(initial={"number": number})}
    if parsed is None:
        context["problem"] = "format"
        return _respond(request, "members/verify/not_found.html", context, status=404, path=path)
    normalised, check_ok = parsed
    if not check_ok:
        context["problem"] = "check_digit"
        return _respond(request, "members/verify/not_found.html", context, status=404, path=path)
    if normalised != number:
        return redirect(reverse("verify_certificate", args=[normalised]) + (f"?{request.GET.urlencode()}" if request.GET else ""))
    certificate = selectors.certificate_for_verification(number=normalised)
    if certificate is None:
        context["problem"] = "unknown"
        return _respond(request, "members/verify/not_found.html", context, status=404, path=path)
    context.update({"certificate": certificate, "checked_at": timezone.localtime()})
    response = _respond(request, "members/verify/certificate.html", context, path=path)
    # The status must always be the true one: no shared cache keeps an old answer.
    response["Cache-Control"] = "no-cache, max-age=0"
    return response
