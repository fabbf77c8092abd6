"""Who may open what: the access matrix of the portal, as data.

Every address in the URL configuration, every route under a routable Wagtail page
and every item of the Wagtail admin menu has a rule here. The test
(tests/portal/test_access_matrix.py) walks all of them with one user per role and
fails on any view without a rule, so a new view is looked at the day it appears.
docs/access.md is rendered from this module:

    .venv/bin/python -m tests.access_rules > docs/access.md

Adding a view: add one line to the dict its address belongs in, keyed by the URL
name ("namespace:name"), e.g. ``"members:data_export": signed_in()``; choose the
helper that says what each role gets (see "Rules" below), or write the dict out.
The failure message of the test prints the line to add.

Outcomes (what a GET answers):
    OPEN    the view (2xx, or a redirect elsewhere than the login: e.g. "join first")
    LOGIN   a redirect to the login page
    DENIED  403, or Wagtail's redirect to the admin home ("no permission")
    GONE    404 (or 400): the object does not exist for this person, or the view is off
    POST    405 on GET: the view only takes a form's POST
    FAULT   500: only Wagtail's deliberate error page
"""

from __future__ import annotations

ROLES = ("anonymous", "member", "certified", "editor", "secretariat", "assessor", "decider", "committee")
ROLE_TITLES = {
    "anonymous": "anonymous visitor",
    "member": "member",
    "certified": "certified member (RQIM)",
    "editor": "editor (Editors group)",
    "secretariat": "secretariat (Secretariat group)",
    "assessor": "assessor (Assessors group)",
    "decider": "decider (Deciders group)",
    "committee": "norm committee member (Norm committee group)",
}
PEOPLE = ("member", "certified")  # signed in, no admin access
STAFF = ("editor", "secretariat", "assessor", "decider", "committee")

OPEN, LOGIN, DENIED, GONE, POST = "open", "login", "denied", "gone", "post"
FAULT = "HTTP 500"  # only Wagtail's deliberate error page (/admin/failwhale/)
SYMBOLS = {OPEN: "✓", LOGIN: "login", DENIED: "✗", GONE: "404", POST: "POST", FAULT: "500"}


# --- Rules ------------------------------------------------------------------------------------


def rule(default: str, **roles: str) -> dict[str, str]:
    """Every role gets `default`, except the roles named."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}: choose from {ROLES}"
    return {role: roles.get(role, default) for role in ROLES}


def everyone() -> dict[str, str]:
    """Public: anyone opens it."""
    return rule(OPEN)


def signed_in(then: str = OPEN) -> dict[str, str]:
    """Anyone signed in; a visitor is sent to the login page."""
    return rule(then, anonymous=LOGIN)


class OwnObjectRule(dict):
    """A rule for a view of one person's object; test_access_objects.py samples each."""


def own_object() -> dict[str, str]:
    """One person's own object (a receipt, an evidence file, a PE entry): a visitor is sent to
    the login page, anyone else gets 404. The matrix asks with an id nobody owns;
    test_access_objects.py asks for another person's real object (add a sample there)."""
    return OwnObjectRule(rule(GONE, anonymous=LOGIN))


def post_only() -> dict[str, str]:
    """A form's POST target, for someone signed in: GET answers 405."""
    return rule(POST, anonymous=LOGIN)


def gone() -> dict[str, str]:
    """Switched off, or no object with the sample id for anyone: 404 for all."""
    return rule(GONE)


def admin(*roles: str, staff: str = DENIED) -> dict[str, str]:
    """A Wagtail admin view: the roles named open it, other staff get `staff` (DENIED by
    default), signed-in people without admin access and visitors go to the login page."""
    assert set(roles) <= set(STAFF), f"{roles}: admin roles are {STAFF}"
    return rule(staff, anonymous=LOGIN, member=LOGIN, certified=LOGIN) | {role: OPEN for role in roles}


ALL_STAFF = STAFF

# --- The public site and the member area (URL name -> rule) ------------------------------------
# Keys are URL names as `reverse()` takes them; unnamed patterns by their address.

SITE_RULES: dict[str, dict[str, str]] = {
    # stable addresses outside the language prefix
    "healthz": everyone(),
    "stripe_webhook": rule(POST),  # Stripe's signed POST; checked by its signature, not by a session
    "robots_txt": everyone(),
    "credentials:jwks": everyone(),
    "credentials:did": everyone(),
    "sitemap": everyone(),
    "wagtaildocs_serve": gone(),  # documents: Wagtail's collection privacy decides (none for the sample id)
    "wagtaildocs_authenticate_with_password": gone(),
    "set_language": everyone(),  # redirects back
    "verify": everyone(),
    "verify_certificate": gone(),  # an unknown number: a page that says so, with 404
    "api-v1:openapi-json": everyone(),
    "api-v1:api-root": gone(),
    "api-v1:certificate_detail": gone(),  # JSON 404 for an unknown number
    "api-v1:certificate_credential": gone(),
    "api-v1:status_list": gone(),
    "api-v1:credential_verify": rule(POST),
    "api-v1:norm_list": everyone(),
    "api-v1:norm_detail": gone(),
    "events_feeds:public": everyone(),
    "events_feeds:personal": gone(),  # a secret token in the address is the key
    # accounts (allauth): anyone may sign in or up; a signed-in person is sent on
    "account_login": rule(OPEN),
    "account_logout": rule(OPEN),
    "account_inactive": everyone(),
    "account_signup": rule(OPEN),
    "account_reauthenticate": signed_in(),
    "account_email": signed_in(),
    "account_email_verification_sent": everyone(),
    "account_change_password": signed_in(),
    "account_set_password": signed_in(),
    "account_reset_password": everyone(),
    "account_confirm_login_code": signed_in(),  # login by code is off: sent on
    "account_confirm_email": everyone(),  # an unknown key shows "expired or invalid"
    "account_reset_password_from_key_done": everyone(),
    "account_reset_password_from_key": everyone(),  # an invalid key shows "bad token"
    "account_reset_password_done": everyone(),
    "mfa_index": signed_in(),
    "mfa_authenticate": signed_in(),  # only during a sign-in; otherwise sent on
    "mfa_reauthenticate": signed_in(),
    "mfa_activate_totp": signed_in(),
    # 404 without an authenticator; staff have one (the admin requires it)
    "mfa_deactivate_totp": rule(OPEN, anonymous=LOGIN, member=GONE, certified=GONE),
    "mfa_view_recovery_codes": rule(GONE, anonymous=LOGIN),
    "mfa_generate_recovery_codes": signed_in(),
    "mfa_download_recovery_codes": rule(GONE, anonymous=LOGIN),
    # Wagtail's front-end login and page passwords (tests/portal/test_login_paths.py)
    "/_util/login/": rule(LOGIN),
    "wagtailcore_authenticate_with_password": gone(),
    "wagtail_serve": gone(),  # pages: see PAGE_RULES and members-only pages (members/page_access.py)
    # the site
    "search": everyone(),
    "news_feed_rss": everyone(),
    "news_feed_atom": everyone(),
    # membership (members/urls_member.py)
    "members:dashboard": signed_in(),
    "members:join": everyone(),  # explains, then applies; a member is sent to the dashboard
    "members:pay": signed_in(),
    "members:resign": signed_in(),
    "members:resign_withdraw": post_only(),
    "members:resign_link": rule(GONE),  # a signed link in the address is the key (400 when it is wrong)
    "members:receipt": own_object(),
    "members:checkout_start": post_only(),
    "members:checkout_return": signed_in(),
    "members:billing_portal": post_only(),
    "members:privacy": signed_in(),
    "members:data_export": signed_in(),  # a POST; a GET (back from the password prompt) leads to the page
    "members:data_erase": signed_in(),
    # certification (members/urls_certification.py)
    "members:certification": signed_in(),
    "members:certification_application": own_object(),
    "members:certification_assignment_add": post_only(),
    "members:certification_assignment_remove": post_only(),
    "members:certification_evidence_upload": post_only(),
    "members:certification_submit": post_only(),
    "members:certificate_pdf": own_object(),
    "members:certification_evidence": own_object(),
    "members:certification_evidence_remove": post_only(),
    # the public register (members/urls_register.py)
    "members:register": everyone(),
    "members:register_profile": gone(),  # only listed profiles exist
    "members:register_profile_edit": signed_in(),
    # permanent education (knowledge/pe_urls.py)
    "pe:ledger": signed_in(),
    "pe:entry_add": signed_in(),
    "pe:entry_edit": own_object(),
    "pe:entry_withdraw": post_only(),
    "pe:evidence": own_object(),
    # the portal's own pages
    "api-v1:register_list": everyone(),  # the public register as JSON: listed profiles only
    "member_home": signed_in(),  # the member's start page ("Mijn omgeving")
    "news_feed_atom_category": gone(),  # one news category's feed; an unknown category is 404
    # certification: paying the fee, objections, recertification (members), complaints (anyone)
    "members:certification_fee_pay": post_only(),
    "members:certification_objection": post_only(),
    "members:certification_objection_evidence": own_object(),
    "members:complaint": everyone(),  # anyone may complain about a certified manager (rate-limited)
    "members:certification_recertify": post_only(),
    # the register: a client describes an assignment, members answer in their inbox
    "members:register_match": everyone(),
    "members:register_request_create": rule(POST),  # the client's form: anyone, POST only
    "members:register_request_confirm": gone(),  # a signed token in the address is the key
    "members:register_request_status": gone(),  # a signed token in the address is the key
    "members:register_inbox": signed_in(),
    "members:register_request_answer": post_only(),  # only the recipient's own request (404 otherwise)
    # the member directory: active members only; signed-in people who are no member get 403
    "members:member_directory": rule(DENIED, anonymous=LOGIN, member=OPEN, certified=OPEN),
    "members:member_directory_profile": rule(DENIED, anonymous=LOGIN, member=GONE, certified=GONE),
    # permanent education: evidence, import, export and the overview of one's own ledger
    "pe:evidence_add": own_object(),
    "pe:import": signed_in(),
    "pe:export_csv": signed_in(),
    "pe:overview_pdf": signed_in(),
    # the news digest: anyone subscribes; confirm and unsubscribe by a signed token (a page says when it is invalid)
    "digest:subscribe": everyone(),
    "digest:confirm": everyone(),
    "digest:unsubscribe": everyone(),
    # consultations on a draft norm: public while open, the report once closed; 404 otherwise
    "consultation:detail": gone(),
    "consultation:respondent": gone(),  # a respondent's token in the address is the key
    "consultation:report": gone(),
}

# --- Routes under routable Wagtail pages ("app.Model:route name"; "" is the page itself) -------

PAGE_RULES: dict[str, dict[str, str]] = {
    "events.EventIndexPage:index_route": everyone(),
    "events.EventIndexPage:calendar": signed_in(),
    "events.EventPage:event_route": everyone(),
    "events.EventPage:index_route": everyone(),
    "events.EventPage:register": rule(POST),
    "events.EventPage:waitlist_join": rule(POST),
    "events.EventPage:waitlist_action": rule(POST),
    "events.EventPage:ticket": own_object(),
    "events.EventPage:ticket_pdf": own_object(),
    "events.EventPage:certificate": own_object(),
    "events.EventPage:cancel": rule(POST),
    "events.EventPage:ics": everyone(),
    "events.EventPage:pay": rule(POST),  # paying for one's own ticket: the ticket's code is the key
    "knowledge.NormPage:index_route": everyone(),  # published norms are public
    "knowledge.NormPage:page_route": everyone(),
    "knowledge.NormPage:pdf": everyone(),
    "events.EventPage:check_in": admin("secretariat", staff=DENIED) | {"member": DENIED, "certified": DENIED},
}

# --- The Wagtail admin (/admin/) --------------------------------------------------------------
# Keyed by the URL namespace of a viewset or area ("memberships"), or by a URL name where one
# view of an area differs ("wagtailadmin_pages:search"). The matrix opens the area's views
# without an object in the address with each role; views of one object (an id in the address)
# are asked as visitor and member only (login), and the object checks are Wagtail's per model.

ADMIN_RULES: dict[str, dict[str, str]] = {
    # the admin's frame: for anyone with admin access
    "wagtailadmin_home": admin(*ALL_STAFF),
    "wagtailadmin_account": admin(*ALL_STAFF),
    "wagtailadmin_logout": admin(staff=POST),
    "wagtailadmin_dismissibles": admin(*ALL_STAFF),
    "wagtailadmin_editing_sessions": admin(staff=POST),
    "wagtailadmin_block_preview": admin(staff=GONE),
    "wagtailadmin_tag_autocomplete": admin(*ALL_STAFF),
    "wagtailadmin_tag_model_autocomplete": admin(staff=GONE),
    "wagtailadmin_error_test": admin(staff=FAULT),  # Wagtail's test of the error page: raises on purpose
    "wagtailadmin_api": admin(*ALL_STAFF),
    "wagtailadmin_api:pages:find": admin(staff=GONE),
    "wagtailadmin_api:documents:find": admin(staff=GONE),
    "wagtailadmin_api:images:find": admin(staff=GONE),
    "/admin/test404/": admin(*ALL_STAFF),  # Wagtail's own "page not found" inside the admin
    "/admin/x/": admin(staff=GONE),
    "/admin/login/": rule(LOGIN),
    "/admin/password_reset/": everyone(),  # a redirect to allauth's reset
    "wagtailadmin_password_reset_done": gone(),
    "wagtailadmin_password_reset_confirm": gone(),
    "wagtailadmin_password_reset_complete": gone(),
    "wagtailadmin_sprite": everyone(),  # the admin's icons
    "wagtailadmin_javascript_catalog": everyone(),  # the admin's translations for scripts
    # choosers open in the editors' forms; what they list follows each model's permissions
    "wagtailadmin_choose_page": admin(*ALL_STAFF),
    "wagtailadmin_choose_page_child": admin(*ALL_STAFF),
    "wagtailadmin_choose_page_search": admin(*ALL_STAFF),
    "wagtailadmin_choose_page_chosen_multiple": admin(*ALL_STAFF),
    "wagtailadmin_choose_page_external_link": admin(*ALL_STAFF),
    "wagtailadmin_choose_page_email_link": admin(*ALL_STAFF),
    "wagtailadmin_choose_page_phone_link": admin(*ALL_STAFF),
    "wagtailadmin_choose_page_anchor_link": admin(*ALL_STAFF),
    "wagtaildocs_chooser": admin(*ALL_STAFF),
    "wagtaildocs_chooser:create": admin("editor"),
    "wagtailimages_chooser": admin(*ALL_STAFF),
    "wagtailimages_chooser:create": admin("editor"),
    "wagtailembeds": admin(*ALL_STAFF),
    "wagtailadmin_workflows:task_chooser": admin(*ALL_STAFF),
    "wagtailadmin_workflows:task_chooser_results": admin(*ALL_STAFF),
    "wagtailadmin_workflows:task_chooser_create": admin(*ALL_STAFF),
    "wagtailadmin_workflows:task_chosen": admin(*ALL_STAFF),
    "wagtailsnippetchoosers_portal_navigationmenu": admin(*ALL_STAFF),
    "wagtailsnippetchoosers_portal_navigationmenu:create": admin("editor"),
    # pages, documents, images, forms: editors
    "wagtailadmin_explore_root": admin("editor"),
    "wagtailadmin_explore": admin("editor"),
    "wagtailadmin_explore_results": admin("editor"),
    "wagtailadmin_pages": admin("editor"),
    "wagtail_bulk_action": admin("editor"),
    "simple_translation": admin("editor"),
    "wagtaildocs": admin("editor"),
    "wagtailimages": admin("editor"),
    "wagtailforms": admin("editor"),
    "wagtailsnippets_portal_navigationmenu": admin("editor"),
    "wagtailsnippets": admin(),  # the snippet index: only the navigation menu is a snippet
    "wagtailadmin_reports:locked_pages": admin("editor"),
    "wagtailadmin_reports:locked_pages_results": admin("editor"),
    "wagtailadmin_reports:workflow": admin("editor"),
    "wagtailadmin_reports:workflow_results": admin("editor"),
    "wagtailadmin_reports:workflow_tasks": admin("editor"),
    "wagtailadmin_reports:workflow_tasks_results": admin("editor"),
    "wagtailadmin_reports:aging_pages": admin("editor"),
    "wagtailadmin_reports:aging_pages_results": admin("editor"),
    "wagtailadmin_reports:page_types_usage": admin("editor"),
    "wagtailadmin_reports:page_types_usage_results": admin("editor"),
    # the audit log: each reader sees the entries of what they may see (Wagtail filters per model)
    "wagtailadmin_reports:site_history": admin(*ALL_STAFF),
    "wagtailadmin_reports:site_history_results": admin(*ALL_STAFF),
    # the secretariat
    "memberships": admin("secretariat"),
    "membership_plans": admin("secretariat"),
    "outbox": admin("secretariat"),
    "event_registrations": admin("secretariat"),
    "event_waitlist": admin("secretariat"),
    "pe_entries": admin("secretariat"),
    "pe_requirements": admin("secretariat"),
    "pe_categories": admin("secretariat"),
    "wagtailusers_users": admin("secretariat"),
    "wagtailsettings": admin("secretariat"),
    # the certification body
    "certification_applications": admin("secretariat", "assessor", "decider"),
    "certificates": admin("decider"),
    "certification_schemes": admin("assessor", "decider"),
    "certification_schemes:add": admin("decider"),
    "norm_versions": admin("assessor", "decider"),
    "norm_versions:add": admin("decider"),
    "certification_criteria": admin("decider"),
    # the staff dashboard: each section for whoever may see its records (members.view_membership,
    # view_certificationapplication, view_peentry, events.view_registration); the board report: secretariat
    "portal_board_report": admin("secretariat"),
    "portal_dashboard_csv": admin("secretariat", "assessor", "decider"),
    # news categories, the library's topics and authors (snippets): editors; choosers in any editor form
    "wagtailsnippets_portal_newscategory": admin("editor"),
    "wagtailsnippetchoosers_portal_newscategory": admin(*ALL_STAFF),
    "wagtailsnippetchoosers_portal_newscategory:create": admin("editor"),
    "wagtailsnippets_knowledge_topic": admin("editor"),
    "wagtailsnippetchoosers_knowledge_topic": admin(*ALL_STAFF),
    "wagtailsnippetchoosers_knowledge_topic:create": admin("editor"),
    "wagtailsnippets_knowledge_author": admin("editor"),
    "wagtailsnippetchoosers_knowledge_author": admin(*ALL_STAFF),
    "wagtailsnippetchoosers_knowledge_author:create": admin("editor"),
    # objections and complaints: the secretariat and deciders read and assign; deciders handle
    "certification_objections": admin("secretariat", "decider"),
    "certification_complaints": admin("secretariat", "decider"),
    # one-off payments (charges), PE follow-up and audits: the secretariat
    "charges": admin("secretariat"),
    # what clients asked through the register, read-only
    "assignment_requests": admin("secretariat"),
    "pe_members": admin("secretariat"),
    "pe_audits": admin("secretariat"),
    # the news digest: editors
    "digests": admin("editor"),
    "digest_subscriptions": admin("editor"),
    # consultations: editors open them, the norm committee handles the comments
    "consultations": admin("editor", "committee"),
    "consultations:add": admin("editor"),
    # superusers only
    "wagtailadmin_collections": admin(),
    "wagtailadmin_workflows": admin(),
    "wagtailredirects": admin(),
    "wagtailsites": admin(),
    "wagtailusers_groups": admin(),
    "wagtaillocales": admin(),
}


def rule_for(key: str, table: dict[str, dict[str, str]]) -> dict[str, str] | None:
    """The rule of a URL name, else of its namespace ("a:b:c" -> "a:b" -> "a")."""
    while key:
        if key in table:
            return table[key]
        if ":" not in key:
            return None
        key = key.rsplit(":", 1)[0]
    return None


def markdown() -> str:
    """docs/access.md: the matrix as tables, one row per rule."""
    head = "| view | " + " | ".join(ROLES) + " |\n|" + " --- |" * (len(ROLES) + 1) + "\n"

    def rows(table):
        return "".join(
            f"| `{key}` | " + " | ".join(SYMBOLS[outcome[role]] for role in ROLES) + " |\n"
            for key, outcome in table.items()
        )

    roles = "\n".join(f"- **{role}**: {title}" for role, title in ROLE_TITLES.items())
    legend = ", ".join(f"{symbol} {name}" for name, symbol in SYMBOLS.items())
    return (
        "# Access matrix\n\n"
        "Generated from `tests/access_rules.py` (`.venv/bin/python -m tests.access_rules > docs/access.md`);\n"
        "`tests/portal/test_access_matrix.py` asks every address with one user per role and fails\n"
        "on a view without a rule or on any answer other than the one below. Objects of another\n"
        "person answer 404 (`tests/portal/test_access_objects.py`).\n\n"
        f"Roles:\n\n{roles}\n\n"
        f"What a GET answers: {legend}. `login` is a redirect to the login page; ✗ is 403 or\n"
        "Wagtail's \"no permission\" redirect to the admin home; POST means the view only takes a form.\n"
        "In the admin, a key without `:` is a whole area (a viewset's URL namespace); its views of one\n"
        "object follow Wagtail's per-model permissions. Superusers (not a role) open everything.\n\n"
        "## Public site and member area\n\n" + head + rows(SITE_RULES)
        + "\n## Routes under Wagtail pages\n\n" + head + rows(PAGE_RULES)
        + "\n## Wagtail admin\n\n" + head + rows(ADMIN_RULES)
    )


if __name__ == "__main__":
    print(markdown(), end="")
