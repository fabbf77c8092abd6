"""Demo content for the certification: the RQIM scheme, norms, certified members and
one application at each stage.

`seed_certification(stdout)` is listed in `manage.py seed_demo` after the members.
Idempotent: the scheme is matched by code, and a demo person who already has an
application is left alone. Every state is reached through the real services.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import (
    CertificationApplication,
    CertificationLevel,
    CertificationScheme,
    CompetenceArea,
    Criterion,
    NormVersion,
    Payment,
)
from members.services import certification as cert
from members.services.dues import payment_record
from members.services.membership import membership_apply

AREAS = [
    ("A", "Resultaatgericht werken", "Delivering results", [
        ("A.1", "Vertaalt de opdracht naar meetbare doelen en stuurt daarop.", "Translates the assignment into measurable goals and steers towards them.", 6),
        ("A.2", "Borgt resultaten en draagt de organisatie zorgvuldig over.", "Secures results and hands the organisation over with care.", 6),
    ]),
    ("B", "Leiderschap in verandering", "Leading change", [
        ("B.1", "Geeft richting aan complexe verandering met meerdere belanghebbenden.", "Leads complex change with many stakeholders.", 7),
        ("B.2", "Handelt integer en onafhankelijk, ook onder druk.", "Acts with integrity and independence, also under pressure.", 6),
    ]),
]

# email local part, first name, last name, level, what happens to them
DEMO = [
    ("cert.anna", "Anna", "Vermeulen", "rqim", "certified"),
    ("cert.bram", "Bram", "Koster", "senior", "certified"),
    ("cert.carla", "Carla", "Peeters", "senior", "certified"),
    ("cert.dirk", "Dirk", "Willems", "rqim", "suspended"),
    ("cert.eva", "Eva", "Jacobs", "rqim", "withdrawn"),
    ("apply.draft", "Floor", "Hoekstra", "rqim", "draft"),
    ("apply.submitted", "Gijs", "Brouwer", "rqim", "submitted"),
    ("apply.assessment", "Hanna", "Kuipers", "senior", "assessment"),
    ("apply.decision", "Ivo", "Dekker", "rqim", "decision"),
    ("apply.refused", "Joost", "Maas", "rqim", "refused"),
    ("apply.reconsidered", "Lotte", "Smits", "rqim", "refused"),
]

# The second decider reconsiders objections and handles complaints: never the one who decided.
HANDLER = ("decider2", "Roos", "Mulder")
COMPLAINANT = "klant.klacht@example.org"


def seed_certification(stdout) -> None:
    from portal.demo import DEMO_DOMAIN, DEMO_PASSWORD

    scheme = _seed_scheme()
    User = get_user_model()
    assessor = User.objects.filter(email__iexact=f"assessor@{DEMO_DOMAIN}").first()
    decider = User.objects.filter(email__iexact=f"decider@{DEMO_DOMAIN}").first()
    secretary = User.objects.filter(email__iexact=f"secretariat@{DEMO_DOMAIN}").first()
    if not (assessor and decider and secretary):
        stdout.write("  Skipped: the demo assessor, decider and secretariat users are missing.")
        return
    for index, (local, first, last, level_code, stage) in enumerate(DEMO):
        user = _member(f"{local}@{DEMO_DOMAIN}", first, last, DEMO_PASSWORD, index)
        if CertificationApplication.objects.filter(applicant=user).exists():
            continue
        level = scheme.levels.get(code=level_code)
        _bring_to(stage, user=user, level=level, assessor=assessor, decider=decider, secretary=secretary)
    _seed_cases(stdout, decider=decider, secretary=secretary)
    stdout.write(f"  Certification scheme {scheme.code} with {scheme.levels.count()} levels; applications:")
    for application in CertificationApplication.objects.filter(applicant__email__endswith=f"@{DEMO_DOMAIN}").select_related("applicant", "level").order_by("pk"):
        stdout.write(f"    {application.applicant.email:<34} {application.level.name:<12} {application.status}")
    stdout.write("  Demo certificates (verify at /verify/<number>/):")
    from members.models import Certificate

    for certificate in Certificate.objects.select_related("holder", "level").order_by("number"):
        stdout.write(f"    {certificate.number}  {certificate.status:<9}  {certificate.level.name:<12} {certificate.holder.get_full_name()}")
    demo = Certificate.objects.filter(status=Certificate.Status.ACTIVE).order_by("number").first()
    if demo:
        from django.conf import settings

        stdout.write(f"  Signed credential of {demo.number}: {settings.BASE_URL}/api/v1/certificates/{demo.number}/credential")
        stdout.write("    (check it offline against /.well-known/jwks.json, or POST it to /api/v1/verify)")
    from members.tasks_certification import schedules_ensure

    created = schedules_ensure()
    stdout.write(f"  Daily certificate run scheduled: {'created' if created else 'already present'}.")


def _seed_scheme() -> CertificationScheme:
    scheme, _created = CertificationScheme.objects.get_or_create(
        code="rqim",
        defaults={
            "name_nl": "RQIM – Registered and Qualified Interim Manager",
            "name_en": "RQIM – Registered and Qualified Interim Manager",
            "description_nl": "Het keurmerk voor interim-managers, getoetst door een onafhankelijke certificatie-instelling.",
            "description_en": "The quality mark for interim managers, assessed by an independent certification body.",
            "application_fee": Decimal("495.00"),
            "renewal_fee": Decimal("295.00"),
        },
    )
    CertificationLevel.objects.get_or_create(scheme=scheme, code="rqim", defaults={"name_nl": "RQIM", "name_en": "RQIM", "eqf_level": 6, "sort_order": 1})
    CertificationLevel.objects.get_or_create(scheme=scheme, code="senior", defaults={"name_nl": "RQIM Senior", "name_en": "RQIM Senior", "eqf_level": 7, "sort_order": 2})
    norms, created = NormVersion.objects.get_or_create(
        scheme=scheme, version="2026.1",
        defaults={"title_nl": "RQIM-norm 2026", "title_en": "RQIM norm 2026", "effective_from": date(2026, 1, 1),
                  "summary_nl": "Eerste versie.", "summary_en": "First version."},
    )
    if created:
        for order, (code, name_nl, name_en, criteria) in enumerate(AREAS, start=1):
            area = CompetenceArea.objects.create(norm_version=norms, code=code, name_nl=name_nl, name_en=name_en, sort_order=order)
            for position, (ccode, text_nl, text_en, eqf) in enumerate(criteria, start=1):
                Criterion.objects.create(area=area, code=ccode, text_nl=text_nl, text_en=text_en, eqf_level=eqf, sort_order=position)
    return scheme


def _member(email, first, last, password, index):
    from allauth.account.models import EmailAddress

    from members.models import MembershipPlan

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, password, first_name=first, last_name=last)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if not hasattr(user, "membership"):
        plan = MembershipPlan.objects.filter(is_active=True).order_by("sort_order").first()
        membership = membership_apply(
            user=user, plan=plan, accepted_statutes=True, accepted_privacy=True, first_name=first, last_name=last,
            profile={"phone": f"06 2000 00{index:02d}", "street": f"Herengracht {index + 10}", "postal_code": f"{1015 + index} BX",
                     "city": ["Amsterdam", "Utrecht", "Rotterdam", "Den Haag", "Eindhoven"][index % 5], "country": "NL",
                     "kvk_number": f"{80000000 + index * 1313:08d}", "sectors": ["zorg", "overheid", "onderwijs", "industrie", "financiële sector"][index % 5],
                     "expertise": "Interim-management bij verandertrajecten.", "years_interim": 6 + index},
        )
        payment_record(membership=membership, method=Payment.Method.BANK_TRANSFER, paid_on=timezone.localdate(),
                       actor=None, reference=f"Contributie demo {first} {last}")
    return user


def _bring_to(stage, *, user, level, assessor, decider, secretary):
    application = cert.application_start(applicant=user, level=level)
    cert.application_update(application=application, actor=user, years_experience=8, assignment_count=10,
                            cv_summary="Ruim tien jaar interim-management in zorg en overheid.",
                            motivation="Opdrachtgevers laten zien dat mijn werk aan de norm voldoet.")
    cert.portfolio_assignment_add(application=application, actor=user, client="Gemeente Zeewolde", role="Interim-directeur",
                                  started_on=date(2024, 2, 1), ended_on=date(2025, 1, 31),
                                  description="Reorganisatie van het sociaal domein.", reference_name="M. de Vries",
                                  reference_email="m.devries@example.org")
    if stage == "draft":
        return
    cert.application_submit(application=application, actor=user, declaration_signed=True)
    if stage == "submitted":
        return
    cert.application_fee_mark_paid(application=application, actor=secretary, paid_on=timezone.localdate())
    assessment = cert.assessment_assign(application=application, assessor=assessor, actor=secretary)
    cert.assessment_declare(assessment=assessment, assessor=assessor, has_conflict=False)
    if stage == "assessment":
        return
    application.refresh_from_db()
    from members.certification_selectors import criteria_for

    criteria = criteria_for(norm_version=application.norm_version, eqf_level=level.eqf_level)
    refuse = stage == "refused"
    cert.assessment_score(assessment=assessment, assessor=assessor,
                          scores={c.pk: (1 if refuse else 2, "Gezien in portfolio en interview.") for c in criteria})
    cert.assessment_interview_record(assessment=assessment, assessor=assessor, held_on=timezone.localdate() - timedelta(days=7),
                                     notes="Interview over de opdrachten in het portfolio.")
    cert.assessment_recommend(assessment=assessment, assessor=assessor, recommendation="refuse" if refuse else "grant",
                              reasons="Zie de scores per criterium.")
    if stage == "decision":
        return
    application.refresh_from_db()
    cert.application_decide(application=application, decider=decider, outcome="refused" if refuse else "granted",
                            reasons="Onvoldoende aangetoond op criterium A.2." if refuse else "Alle criteria aangetoond.")
    if refuse:
        return
    certificate = application.certificate
    if stage == "suspended":
        cert.certificate_suspend(certificate=certificate, actor=decider, reason="Demo: een klacht wordt onderzocht.",
                                 until=timezone.localdate() + timedelta(days=60))
    elif stage == "withdrawn":
        cert.certificate_withdraw(certificate=certificate, actor=decider, reason="Demo: gedragscode geschonden.")


def _seed_cases(stdout, *, decider, secretary) -> None:
    """An open objection, a reconsidered one, and a complaint being handled; through the services, once."""
    from django.contrib.auth.models import Group

    from members.models import Certificate, Complaint, Objection
    from members.services import certification_cases as cases
    from portal.demo import DEMO_DOMAIN, DEMO_PASSWORD
    from portal.roles import DECIDERS

    local, first, last = HANDLER
    handler = _staff(f"{local}@{DEMO_DOMAIN}", first, last, DEMO_PASSWORD)
    group = Group.objects.filter(name=DECIDERS).first()
    if group and not handler.groups.filter(pk=group.pk).exists():
        handler.groups.add(group)
    if not handler.has_perm("members.decide_certificationapplication"):
        stdout.write("  Skipped objections and complaints: the Deciders group has no permissions yet.")
        return
    User = get_user_model()
    handler = User.objects.get(pk=handler.pk)  # a fresh permission cache
    for local, handled in (("apply.refused", False), ("apply.reconsidered", True)):
        application = CertificationApplication.objects.filter(
            applicant__email__iexact=f"{local}@{DEMO_DOMAIN}", status=CertificationApplication.Status.REFUSED
        ).first()
        if application is None or Objection.objects.filter(application=application).exists():
            continue
        objection = cases.objection_file(
            application=application, actor=application.applicant,
            reasons="Het interview liet zien dat ik criterium A.2 wel beheers; dat is niet meegewogen.",
        )
        if handled:
            cases.objection_assign(objection=objection, handler=handler, actor=secretary)
            cases.objection_decide(objection=objection, handler=handler, outcome=Objection.Outcome.UPHELD,
                                   reasons="Heroverwogen met het interviewverslag: A.2 is onvoldoende aangetoond.")
    certificate = Certificate.objects.filter(holder__email__iexact=f"cert.anna@{DEMO_DOMAIN}").first()
    if certificate and not Complaint.objects.filter(complainant_email=COMPLAINANT).exists():
        complaint = cases.complaint_file(
            certificate_number=certificate.number, description="De overdracht aan het eind van de opdracht bleef uit.",
            email=COMPLAINANT, name="Karin Klant",
        )
        cases.complaint_assign(complaint=complaint, handler=handler, actor=secretary)
    stdout.write(f"  Objections and complaints are handled by {handler.email} (a second decider; password as above):")
    for objection in Objection.objects.select_related("application__applicant").order_by("pk"):
        stdout.write(f"    objection  {objection.application.applicant.email:<34} {objection.status:<12} "
                     f"due {objection.due_on}")
    for complaint in Complaint.objects.order_by("pk"):
        stdout.write(f"    complaint  {complaint.certificate_number or complaint.manager_name:<34} {complaint.status:<12} "
                     f"due {complaint.due_on}")


def _staff(email, first, last, password):
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, password, first_name=first, last_name=last)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user
