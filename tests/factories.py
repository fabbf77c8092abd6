"""factory_boy factories shared by all suites."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


def verified_email(user):
    """Mark the user's address as confirmed, as allauth requires before login."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def totp_authenticator(user):
    """Give a user TOTP two-factor authentication; returns the secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def staff_signed_in(client, *groups: str, **fields):
    """A staff person in `groups` (role names), with two-factor set up, signed in on `client`."""
    user = verified_email(UserFactory(groups=list(groups), **fields))
    totp_authenticator(user)
    client.force_login(user)
    return user


def totp_code(secret: str, *, margin: float = 5.0, windows_ago: int = 0) -> str:
    """The code an authenticator app shows now for `secret` (or showed `windows_ago`
    windows earlier).

    A code belongs to a 30-second window. When fewer than `margin` seconds of the
    window remain, wait for the next one, so that a slow request does not reach the
    portal after the code has expired (which real users meet as a rejected code)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < margin:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period - windows_ago))


def record_sign_in(session, user, *, second_factor=True):
    """Write into a session what allauth records when `user` signs in: the password
    and, when asked and the user has an authenticator, the code."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = session
    record_authentication(request, user, "password", email=user.email)
    if second_factor:
        for authenticator in Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
            record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    session.save()
