"""The public register's pages: the search, a listed manager's profile, and the
member's own profile page with its consents and a preview.

Thin views: parse, call one selector or service, render. A profile that is not
listed (no consent, or no active certificate) answers 404, so that its existence
is not revealed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members import register_selectors as selectors
from members.forms_register import RegisterContactForm, RegisterProfileForm, RegisterSearchForm
from members.models import MemberProfile
from members.services.register import register_contact_send, register_profile_update
from portal.exceptions import DomainError

PER_PAGE = 20


@require_GET
def register_index(request):
    choices = selectors.register_filter_choices()
    form = RegisterSearchForm(request.GET or None, **choices)
    kwargs = form.search_kwargs() if form.is_valid() else {}
    profiles = selectors.register_search(**kwargs)
    page = Paginator(profiles, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "members/register/index.html", {
        "form": form,
        "page_obj": page,
        "querystring": query.urlencode(),
        "searched": bool(request.GET),
    })


CONTACT_RATE_LIMIT = 5  # messages per address per hour
CONTACT_RATE_WINDOW = 3600


def _contact_rate_exceeded(request) -> bool:
    from django.core.cache import cache
    from django.utils import timezone

    from members.views_verify import client_address

    window = int(timezone.now().timestamp()) // CONTACT_RATE_WINDOW
    key = f"register-contact:{client_address(request)}:{window}"
    cache.add(key, 0, CONTACT_RATE_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, CONTACT_RATE_WINDOW + 5)
        count = 1
    return count > CONTACT_RATE_LIMIT


@require_http_methods(["GET", "POST"])
def register_detail(request, pk: int):
    profile = selectors.register_profile(pk=pk)
    if profile is None:
        raise Http404
    form = RegisterContactForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _contact_rate_exceeded(request):
            form.add_error(None, _("Too many messages from your connection; please try again later."))
            status = 429
        else:
            try:
                register_contact_send(
                    profile_pk=profile.pk, name=form.cleaned_data["name"], email=form.cleaned_data["email"],
                    message=form.cleaned_data["message"], language=translation.get_language() or "nl",
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your message has been sent. The manager will answer you by e-mail."))
                return redirect("members:register_profile", pk=profile.pk)
    return render(request, "members/register/profile.html", {"profile": profile, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def register_profile_edit(request):
    """The member's professional profile, what of it is public, and a preview."""
    profile = MemberProfile.objects.filter(user=request.user).prefetch_related("register_sectors", "regions").first()
    if profile is None:
        messages.info(request, _("Join the association first; then you can fill in your professional profile."))
        return redirect("members:join")
    form = RegisterProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            register_profile_update(
                user=request.user,
                content=form.content(),
                consents=form.consents(),
                sectors=form.cleaned_data["register_sectors"],
                regions=form.cleaned_data["regions"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("members:register_profile_edit")
    preview = selectors.register_public_list().filter(pk=profile.pk).first()
    if preview is None:  # not listed: preview what would be shown once listed
        profile.user.active_certificates = []
        preview = profile
    return render(request, "members/register/edit.html", {
        "form": form,
        "preview": preview,
        "is_listed": selectors.register_profile(pk=profile.pk) is not None,
        "has_active_certificate": request.user.certificates.filter(status="active").exists(),
    })
