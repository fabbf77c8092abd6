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
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members import register_selectors as selectors
from members.forms_register import RegisterContactForm, RegisterProfileForm
from members.models import MemberProfile
from members.services.register import register_contact_send, register_profile_update
from portal.exceptions import DomainError

PER_PAGE = 20


@require_GET
def register_index(request):
    from members.filters import register_filterset

    filterset = register_filterset(request.GET)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "members/register/index.html", {
        "form": filterset.form,
        "page_obj": page,
        "today": timezone.localdate(),
        "querystring": query.urlencode(),
        "searched": any(value for key, value in request.GET.items() if key not in ("page", "sort")),
        "trust": selectors.register_trust_facts(),
    })


CONTACT_RATE_LIMIT = 5  # messages per address per hour
CONTACT_RATE_WINDOW = 3600


def _contact_rate_exceeded(request) -> bool:
    from django.core.cache import cache

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
    from members.register_structured import json_ld, register_open_graph, register_person_data

    association = _association_name(request)
    norm_urls = selectors.register_norm_page_urls(certificates=profile.user.active_certificates)
    for certificate in profile.user.active_certificates:
        certificate.norm_url = norm_urls.get(certificate.norm_version_id, "")
    return render(request, "members/register/profile.html", {
        "profile": profile,
        "form": form,
        "open_graph": register_open_graph(profile=profile, request=request),
        "structured_data": json_ld(register_person_data(profile=profile, request=request, association=association)),
    }, status=status)


def _association_name(request) -> str:
    from portal.models import AssociationSettings

    try:
        return AssociationSettings.for_request(request).name or "RQIM"
    except Exception:  # no site for this host
        return "RQIM"


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
                directory_fields=form.cleaned_data["directory_fields"],
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


# --- Matching an assignment, and sending it as a request ---------------------------------

MATCH_LIMIT = 10


def _rate_exceeded(request, *, prefix: str, limit: int, window: int) -> bool:
    from django.core.cache import cache

    from members.views_verify import client_address

    slot = int(timezone.now().timestamp()) // window
    key = f"{prefix}:{client_address(request)}:{slot}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window + 5)
        count = 1
    return count > limit


MATCH_RATE_LIMIT = 30  # matches per address per minute


@require_GET
def register_match(request):
    """A client pastes an assignment and sees the best-fitting listed managers, each with why."""
    from members.forms_register import AssignmentMatchForm, AssignmentRequestForm
    from members.register_matching import register_assignment_match

    form = AssignmentMatchForm(request.GET or None)
    reading, matches, status = None, [], 200
    if form.is_bound and form.is_valid():
        if _rate_exceeded(request, prefix="register-match", limit=MATCH_RATE_LIMIT, window=60):
            form.add_error(None, _("Too many searches from your connection; please try again in a minute."))
            status = 429
        else:
            reading, matches = register_assignment_match(text=form.cleaned_data["text"], limit=MATCH_LIMIT)
    request_form = AssignmentRequestForm(initial={"description": form.data.get("text", "")} if form.is_bound else None)
    return render(request, "members/register/match.html", {
        "form": form,
        "reading": reading,
        "matches": matches,
        "request_form": request_form,
    }, status=status)


@require_http_methods(["POST"])
def register_request_create(request):
    """Store the client's assignment request and mail the confirmation link."""
    from members.forms_register import AssignmentMatchForm, AssignmentRequestForm
    from members.services.register_requests import assignment_request_create

    form = AssignmentRequestForm(request.POST)
    status = 200
    if form.is_valid():
        if _rate_exceeded(request, prefix="register-request", limit=CONTACT_RATE_LIMIT, window=CONTACT_RATE_WINDOW):
            form.add_error(None, _("Too many requests from your connection; please try again later."))
            status = 429
        else:
            try:
                assignment_request_create(
                    client_name=form.cleaned_data["client_name"], client_email=form.cleaned_data["client_email"],
                    organisation=form.cleaned_data["organisation"], description=form.cleaned_data["description"],
                    language=translation.get_language() or "nl",
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return render(request, "members/register/request_sent.html", {"email": form.cleaned_data["client_email"]})
    else:
        status = 400
    return render(request, "members/register/match.html", {
        "form": AssignmentMatchForm(), "reading": None, "matches": [], "request_form": form,
    }, status=status)


@require_http_methods(["GET", "POST"])
def register_request_confirm(request, token: str):
    """The link in the client's e-mail: one button confirms the address and sends the request.

    A GET changes nothing (mail scanners open links); the button POSTs.
    """
    from members.services import register_requests as requests_service

    assignment = requests_service.assignment_request_from_token(token, max_age=requests_service.CONFIRM_MAX_AGE)
    if assignment is None:
        return render(request, "members/register/request_invalid.html", status=404)
    if request.method == "POST":
        requests_service.assignment_request_confirm(request=assignment)
        return redirect("members:register_request_status", token=token)
    if assignment.status != assignment.Status.UNVERIFIED:
        return redirect("members:register_request_status", token=token)
    return render(request, "members/register/request_confirm.html", {"assignment": assignment})


@require_GET
def register_request_status(request, token: str):
    """The client's view of a request: its state and the managers' answers."""
    from members.services import register_requests as requests_service

    assignment = requests_service.assignment_request_from_token(token)
    if assignment is None:
        return render(request, "members/register/request_invalid.html", status=404)
    answers = list(
        assignment.recipients.filter(answered_at__isnull=False).select_related("profile__user").order_by("answered_at")
    )
    response = render(request, "members/register/request_status.html", {
        "assignment": assignment,
        "answers": answers,
        "sent_to": assignment.recipients.count(),
    })
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


# --- The manager's messages and requests ------------------------------------------------


@login_required
@require_GET
def register_inbox(request):
    """What reached the manager through the register: contact messages and assignment requests."""
    from members.forms_register import AssignmentAnswerForm

    data = selectors.register_inbox(user=request.user)
    for recipient in data["requests"]:
        recipient.answer_form = AssignmentAnswerForm(prefix=f"r{recipient.pk}")
    return render(request, "members/register/inbox.html", data)


@login_required
@require_http_methods(["POST"])
def register_request_answer(request, pk: int):
    from members.forms_register import AssignmentAnswerForm
    from members.models import AssignmentRecipient
    from members.services.register_requests import assignment_request_answer

    recipient = AssignmentRecipient.objects.filter(pk=pk, profile__user=request.user).first()
    if recipient is None:
        raise Http404
    form = AssignmentAnswerForm(request.POST, prefix=f"r{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose whether you are interested."))
        return redirect("members:register_inbox")
    try:
        assignment_request_answer(
            recipient=recipient, user=request.user, interested=form.cleaned_data["interested"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer has been sent to the client."))
    return redirect("members:register_inbox")


# --- The members' directory -------------------------------------------------------------


def _with_shared(profiles):
    """Give each profile `shared`: the names of the fields its member shares with members."""
    from members.services.register import DIRECTORY_FIELDS

    for profile in profiles:
        profile.shared = {name for name in DIRECTORY_FIELDS if profile.shares_with_members(name)}
    return profiles


def _directory_denied(request):
    from members.selectors import user_is_active_member

    if user_is_active_member(user=request.user):
        return None
    response = render(request, "members/register/directory_denied.html", status=403)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def member_directory(request):
    """Signed-in members find each other: all members who opted in, certified or not."""
    denied = _directory_denied(request)
    if denied:
        return denied
    q = (request.GET.get("q") or "")[:200]
    page = Paginator(selectors.member_directory_list(q=q), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _with_shared(list(page.object_list))
    own = MemberProfile.objects.filter(user=request.user).only("pk", "directory_listed").first()
    response = render(request, "members/register/directory.html", {
        "page_obj": page, "q": q, "own_profile": own,
        "querystring": urlencode({"q": q}) if q else "",
    })
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def member_directory_detail(request, pk: int):
    denied = _directory_denied(request)
    if denied:
        return denied
    profile = selectors.member_directory_profile(pk=pk)
    if profile is None:
        raise Http404
    _with_shared([profile])
    response = render(request, "members/register/directory_profile.html", {"profile": profile})
    response["Cache-Control"] = "private, no-store"
    return response
