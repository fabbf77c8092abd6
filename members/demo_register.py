"""Demo content for the public register: the certified demo members get filled
professional profiles with different consents, so the demo register has someone to
find and fields it must not show (and the suspended and withdrawn holders, who
consented, show that they drop out).

`seed_register(stdout)` runs in `manage.py seed_demo` after the certification.
Idempotent: a profile whose consent was ever set is left alone. Consents go through
the real service, so each leaves its audit entry.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import MemberProfile, Region, Sector
from members.services.register import register_profile_update

ALL = ("photo", "headline", "bio", "sectors", "expertise", "regions", "languages", "availability", "day_rate", "linkedin")

# email local part: profile, sectors, regions, fields kept private
PROFILES = {
    "cert.anna": (
        {
            "headline": "Interim-CFO in de zorg en bij fusies",
            "bio_nl": "Vijftien jaar financieel eindverantwoordelijk bij ziekenhuizen en zorggroepen, vaak tijdens een fusie of herstructurering.",
            "bio_en": "Fifteen years as finance director of hospitals and care groups, often during a merger or restructuring.",
            "expertise": "Fusies, financiële turnaround, planning & control, toezicht op bouwprojecten.",
            "languages": "Nederlands, Engels",
            "available_in_days": 45,
            "day_rate_band": "1250-1500",
            "linkedin_url": "https://www.linkedin.com/in/anna-vermeulen-demo",
        },
        ("healthcare", "finance"), ("utrecht", "gelderland"), ("day_rate",),
    ),
    "cert.bram": (
        {
            "headline": "Interim-directeur logistiek en supply chain",
            "bio_nl": "Leidt verandering in distributie en productie: van reorganisatie tot de invoering van een nieuw WMS.",
            "bio_en": "Leads change in distribution and manufacturing: from reorganisation to introducing a new WMS.",
            "expertise": "Supply chain, reorganisatie, lean, ERP- en WMS-implementaties.",
            "languages": "Nederlands, Engels, Duits",
            "available_in_days": 0,
            "day_rate_band": "gte1500",
            "linkedin_url": "https://www.linkedin.com/in/bram-koster-demo",
        },
        ("logistics", "industry"), ("noord-brabant", "limburg"), ("linkedin",),
    ),
    "cert.carla": (
        {
            "headline": "Interim-bestuurder onderwijs en overheid",
            "bio_nl": "Bestuurlijke ervaring bij gemeenten en onderwijsinstellingen; brengt rust na een crisis.",
            "bio_en": "Board experience at municipalities and schools; brings calm after a crisis.",
            "expertise": "Governance, crisismanagement, bestuurlijke verhoudingen.",
            "languages": "Nederlands, Engels, Frans",
            "available_in_days": 120,
            "day_rate_band": "1000-1250",
            "linkedin_url": "https://www.linkedin.com/in/carla-peeters-demo",
        },
        ("education", "government"), ("zuid-holland", "noord-holland"), ("availability", "day_rate", "bio"),
    ),
    "cert.dirk": (
        {"headline": "Interim-manager ICT", "bio_nl": "Geschorst certificaat: hoort niet in het register.", "bio_en": "",
         "expertise": "ICT-transities.", "languages": "Nederlands", "available_in_days": 0, "day_rate_band": "",
         "linkedin_url": ""},
        ("ict",), ("utrecht",), (),
    ),
    "cert.eva": (
        {"headline": "Interim-manager energie", "bio_nl": "Ingetrokken certificaat: hoort niet in het register.", "bio_en": "",
         "expertise": "Energietransitie.", "languages": "Nederlands", "available_in_days": 0, "day_rate_band": "",
         "linkedin_url": ""},
        ("energy",), ("groningen",), (),
    ),
}


def seed_register(stdout) -> None:
    from portal.demo import DEMO_DOMAIN

    User = get_user_model()
    filled = 0
    for local, (content, sectors, regions, private) in PROFILES.items():
        user = User.objects.filter(email__iexact=f"{local}@{DEMO_DOMAIN}").first()
        profile = MemberProfile.objects.filter(user=user).first() if user else None
        if profile is None or profile.consent_changed_at is not None:
            continue
        content = dict(content)
        days = content.pop("available_in_days")
        content["available_from"] = timezone.localdate() + timedelta(days=days) if days else None
        consents = {"register_listed": True, **{f"show_{name}": name not in private for name in ALL}}
        consents["show_photo"] = False  # the demo has no photos
        register_profile_update(
            user=user, content=content, consents=consents,
            sectors=list(Sector.objects.filter(code__in=sectors)), regions=list(Region.objects.filter(code__in=regions)),
        )
        filled += 1
    from members.register_selectors import register_public_list

    from members.tasks_register import schedules_ensure

    schedules_ensure()  # the hourly expiry of assignment requests
    shared = _seed_sharing()
    request_state = _seed_request()
    stdout.write(
        f"  Register profiles filled: {filled}; listed now: {register_public_list().count()} (see /register/, "
        f"/register/opdracht/). Directory and requests set for {shared} members; demo assignment request: "
        f"{request_state} (answer it as cert.anna in /lidmaatschap/registerberichten/)."
    )


# email local part: (accepts requests, in the members' directory, fields shared with members)
SHARING = {
    "cert.anna": (True, True, ["email", "phone", "city"]),
    "cert.bram": (True, True, ["email"]),
    "cert.carla": (False, True, []),
    "member": (False, True, ["email", "city", "expertise"]),  # a member without a certificate
}


def _seed_sharing() -> int:
    """Requests and the directory for the demo members, once (a member who set them is left alone)."""
    from portal.demo import DEMO_DOMAIN

    User = get_user_model()
    done = 0
    for local, (accepts, listed, fields) in SHARING.items():
        user = User.objects.filter(email__iexact=f"{local}@{DEMO_DOMAIN}").first()
        profile = MemberProfile.objects.filter(user=user).first() if user else None
        if profile is None or profile.directory_listed or profile.accepts_requests or profile.directory_fields:
            continue
        register_profile_update(
            user=user, content={}, consents={"accepts_requests": accepts, "directory_listed": listed},
            directory_fields=fields,
        )
        done += 1
    return done


DEMO_REQUEST_EMAIL = "inkoop@zorggroep-demo.example"
DEMO_REQUEST = (
    "Wij zoeken een interim-CFO voor de fusie van twee ziekenhuizen in Utrecht en Amersfoort, "
    "voor zes maanden, per direct. Ervaring met planning & control en toezicht is belangrijk."
)


def _seed_request() -> str:
    """One open assignment request from a demo client, sent to the managers who match it (once)."""
    from members.models import AssignmentRequest
    from members.services.register_requests import assignment_request_confirm, assignment_request_create

    if AssignmentRequest.objects.filter(client_email=DEMO_REQUEST_EMAIL).exists():
        return "already present"
    request = assignment_request_create(
        client_name="Petra Inkoop", client_email=DEMO_REQUEST_EMAIL, organisation="Zorggroep Midden (demo)",
        description=DEMO_REQUEST, language="nl",
    )
    request = assignment_request_confirm(request=request)
    return f"sent to {request.recipients.count()}"
