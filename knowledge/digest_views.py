"""Subscribing to the news digest, confirming by the e-mailed link, and unsubscribing.

Confirming and unsubscribing change something, so they happen on POST: a link
scanner that opens the e-mailed address changes nothing. A mail client's one-click
unsubscribe (RFC 8058) POSTs `List-Unsubscribe=One-Click` to the same address.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from knowledge import digest
from portal.exceptions import DomainError


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        subscription = digest.digest_subscribe(
            email=form.cleaned_data["email"], language=translation.get_language(), user=request.user
        )
        own = request.user.is_authenticated and subscription.user_id == request.user.pk
        if own and subscription.status == subscription.Status.CONFIRMED:
            messages.success(request, _("You receive the digest from now on, at your account's address."))
        else:
            messages.success(
                request,
                _("Almost done: we sent you an e-mail. Follow its link to confirm that you want the digest."),
            )
        return redirect("digest:subscribe")
    return render(request, "knowledge/digest_subscribe.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    if request.method == "POST":
        try:
            digest.digest_confirm(token=token)
        except DomainError as error:
            return render(request, "knowledge/digest_link.html", {"error": error.message, "action": "confirm"}, status=400)
        return render(request, "knowledge/digest_link.html", {"done": True, "action": "confirm"})
    return render(request, "knowledge/digest_link.html", {"action": "confirm"})


@csrf_exempt  # a mail client's one-click POST carries no CSRF token; the secret token is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    if request.method == "POST":
        try:
            digest.digest_unsubscribe(token=token)
        except DomainError as error:
            if one_click:
                return HttpResponse(status=400)
            return render(request, "knowledge/digest_link.html", {"error": error.message, "action": "unsubscribe"}, status=400)
        if one_click:
            return HttpResponse(status=200)
        return render(request, "knowledge/digest_link.html", {"done": True, "action": "unsubscribe"})
    return render(request, "knowledge/digest_link.html", {"action": "unsubscribe"})
