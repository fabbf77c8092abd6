"""Every address the portal serves, found by walking the URL configuration.

Tests that must cover every view (sign-in paths, member pages) use `every_route()`
rather than a hand-written list, so a new view is covered the day it appears.
"""

import re
import uuid

from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation

# Sample addresses for patterns written as regular expressions.
REGEX_SAMPLES = {
    r"^(\d+)/(.*)$": "1/x",
    r"^confirm-email/(?P<key>[-:\w]+)/$": "confirm-email/x/",
    r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "password/reset/key/1-x/",
    r"^((?:[\w\-]+/)*)$": "x/",
    r"^(?!_util/)((?:[\w\-]+/)*)$": "x/",
    r"^.*/$": "x/",
    r"^(?P<pk>\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\d+)\.\.\.(?P<revision_id_b>live|latest|\d+)/$": "1/revisions/compare/earliest...latest/",
}


def _sample(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RoutePattern):

        def value(match):
            converter = pattern.converters[match.group(2)]
            for candidate in ("1", "x", str(uuid.UUID(int=1))):
                if re.fullmatch(converter.regex, candidate):
                    return candidate
            raise AssertionError(f"no sample value for converter {converter!r}")

        return re.sub(r"<(?:(\w+):)?(\w+)>", value, str(pattern._route))
    assert isinstance(pattern, RegexPattern)
    regex = pattern._regex
    plain = regex.removeprefix("^").removesuffix("$")
    if re.fullmatch(r"[\w/\-]*", plain):
        return plain
    assert regex in REGEX_SAMPLES, f"add a sample address for the pattern {regex!r} to REGEX_SAMPLES"
    return REGEX_SAMPLES[regex]


def every_route(*, app_name: str | None = None):
    """(address, URL pattern) for every URL pattern, in every language, with parameters
    filled in (a pattern shadowed by an earlier one shares its address); only those
    inside the URL configuration of `app_name` when given."""

    def walk(patterns, prefix, inside):
        for entry in patterns:
            path = prefix + _sample(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, path, inside or entry.app_name == app_name)
            elif app_name is None or inside:
                yield path, entry

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            yield from walk(get_resolver().url_patterns, "/", False)
