"""Bad input never gives a 500 and never a partial write (hypothesis): sign-up, the
register profile, the register's contact form, certificate verification and the API's
query parameters, with whatever text, lengths, encodings and shapes a client may send."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.forms_register import RegisterContactForm
from members.models import MemberProfile
from members.services.register import CONSENT_FIELDS, CONTENT_FIELDS

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as forms receive it: any printable or control character except NUL and surrogates
# (which no HTTP client can send), short and long.
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=400)
long_text = st.one_of(text, st.text(min_size=3000, max_size=5000, alphabet="ab é"))
values = st.one_of(text, long_text, st.sampled_from(["", " ", "0", "-1", "9" * 30, "2026-02-30", "on", "true", "null"]))


def client_without_raising() -> Client:
    return Client(raise_request_exception=False, REMOTE_ADDR="203.0.113.9")


def assert_no_fault(response):
    assert response.status_code < 500, response.content[:500]


@EXAMPLES
@given(email=values, password1=values, password2=values)
def test_signup_takes_any_input_without_a_fault_or_a_half_account(db, email, password1, password2):
    cache.clear()  # the sign-up rate limit is not what is tested here
    User = get_user_model()
    from allauth.account.models import EmailAddress

    before = User.objects.count()
    response = client_without_raising().post(
        reverse("account_signup"), {"email": email, "password1": password1, "password2": password2}
    )

    assert_no_fault(response)
    created = User.objects.count() - before
    assert created in (0, 1)
    # An account exists only with its address (allauth writes both or neither).
    assert User.objects.filter(emailaddress__isnull=True).count() == 0 or EmailAddress.objects.count() >= User.objects.count()


@pytest.fixture
def profile_client(db):
    from tests.members.factories import MemberProfileFactory

    profile = MemberProfileFactory(headline="Interim-CFO", bio_nl="Oorspronkelijk.")
    from tests.factories import verified_email

    verified_email(profile.user)
    client = Client(raise_request_exception=False)
    client.force_login(profile.user)
    return client, profile


FIELD_NAMES = st.sampled_from([*CONTENT_FIELDS, *CONSENT_FIELDS, "register_sectors", "regions", "unknown"])


@EXAMPLES
@given(data=st.dictionaries(FIELD_NAMES, st.one_of(values, st.lists(values, max_size=3)), max_size=8))
def test_the_register_profile_takes_any_input_without_a_fault_or_a_partial_save(profile_client, data):
    client, profile = profile_client
    before = MemberProfile.objects.filter(pk=profile.pk).values().get()

    response = client.post(reverse("members:register_profile_edit"), data)

    assert_no_fault(response)
    after = MemberProfile.objects.filter(pk=profile.pk).values().get()
    if response.status_code != 302:  # refused: nothing of it saved
        assert {key: value for key, value in after.items() if key != "updated_at"} == {
            key: value for key, value in before.items() if key != "updated_at"
        }


@EXAMPLES
@given(name=values, email=values, message=values, website=values, started=values)
def test_the_contact_form_takes_any_input_without_a_fault(name, email, message, website, started):
    form = RegisterContactForm({"name": name, "email": email, "message": message, "website": website, "started": started})

    form.is_valid()  # never raises

    if form.is_valid():
        assert "\n" not in form.cleaned_data["email"] and len(form.cleaned_data["message"]) <= 3000


@EXAMPLES
@given(number=values, lang=values)
def test_verification_takes_any_number_without_a_fault(db, number, lang):
    cache.clear()
    client = client_without_raising()

    assert_no_fault(client.get(reverse("verify"), {"number": number, "lang": lang}))
    path_number = number.replace("/", "").replace("?", "").replace("#", "").strip() or "x"
    assert_no_fault(client.get(f"/verify/{path_number[:60]}/"))
    assert_no_fault(client.get(f"/api/v1/certificates/{path_number[:60]}"))


@EXAMPLES
@given(body=st.one_of(values, st.dictionaries(text, st.one_of(values, st.integers(), st.none(), st.lists(values, max_size=2)), max_size=3).map(json.dumps)),
       content_type=st.sampled_from(["application/json", "application/vc+jwt", "text/plain", "application/x-www-form-urlencoded"]))
def test_credential_verification_takes_any_body_without_a_fault(db, body, content_type):
    cache.clear()

    response = client_without_raising().post("/api/v1/verify", data=body, content_type=content_type)

    assert_no_fault(response)


@EXAMPLES
@given(params=st.dictionaries(st.sampled_from(["q", "sector", "region", "level", "available_before", "sort", "page", "limit", "offset", "status", "x"]), values, max_size=6))
def test_search_and_api_query_parameters_never_give_a_fault(db, params):
    cache.clear()
    client = client_without_raising()

    assert_no_fault(client.get(reverse("members:register"), params))
    assert_no_fault(client.get("/api/v1/norms/", params))
    assert_no_fault(client.get(reverse("search"), params))
