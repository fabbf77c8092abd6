"""Demo content for the CMS core, called by `manage.py seed_demo`.

`seed_site` builds the site tree in Dutch with an English translation of every
page, the association's details and the menus; `seed_users` adds one demo user
for each role. Both are idempotent: they add what is missing and leave alone
what is already there, including anything an editor has changed since, so a
second run creates no page, revision, user or menu.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale, Page, Site

from portal.models import AssociationSettings, HomePage, NavigationMenu, NewsIndexPage, NewsPage, StandardPage

DEMO_PASSWORD = "rqim-demo-2025"
DEMO_DOMAIN = "rqim.example"


# --- Content --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A link to another demo page, resolved to that page in the same language."""

    key: str


@dataclass
class Content:
    title: str
    slug: str | None  # None for the English home page: "home-en", a sibling of the Dutch one
    fields: dict = field(default_factory=dict)
    tags: list[str] | None = None


@dataclass
class PageSpec:
    key: str
    model: type[Page] | str  # a page class, or "app_label.ModelName" for another app's page type
    parent: str | None  # None: the site's existing home page
    nl: Content
    en: Content

    @property
    def page_class(self) -> type[Page]:
        return apps.get_model(self.model) if isinstance(self.model, str) else self.model


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(*paragraphs):
    return {"type": "paragraph", "value": "".join(f"<p>{text}</p>" for text in paragraphs)}


def bullets(*items):
    return {"type": "paragraph", "value": "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"}


def call_to_action(title, text, page_key, label):
    link = {"page": Ref(page_key), "url": "", "label": label}
    return {"type": "call_to_action", "value": {"title": title, "text": text, "link": link}}


def quote(text, attribution):
    return {"type": "quote", "value": {"quote": text, "attribution": attribution}}


HOME = PageSpec(
    key="home",
    model=HomePage,
    parent=None,
    nl=Content(
        title="Vereniging RQIM",
        slug="home",
        fields={
            "intro": (
                "De beroepsvereniging van interim managers. Wij staan voor kwaliteit die opdrachtgevers "
                "kunnen controleren: met het RQIM-keurmerk, permanente educatie en kennissessies."
            ),
            "body": [
                heading("Kwaliteit die je kunt controleren"),
                paragraph(
                    "Vereniging RQIM verenigt interim managers die hun vak serieus nemen. Onze leden werken "
                    "volgens gepubliceerde normen, houden hun kennis bij met permanente educatie en delen hun "
                    "ervaring in kennissessies.",
                    "Wie het keurmerk RQIM – Registered and Qualified Interim Manager – voert, is beoordeeld "
                    "door een onafhankelijke certificatie-instelling. Opdrachtgevers controleren een "
                    "certificaat zelf in het openbare register.",
                ),
                call_to_action(
                    "Het RQIM-keurmerk",
                    "Lees hoe de certificering werkt, aan welke normen wordt getoetst en hoe je een certificaat "
                    "controleert.",
                    "keurmerk",
                    "Meer over het keurmerk",
                ),
                quote(
                    "Met het keurmerk weet ik vooraf dat een interim manager is getoetst aan normen die ik "
                    "zelf kan nalezen.",
                    "Een opdrachtgever in de zorg",
                ),
            ],
        },
    ),
    en=Content(
        title="RQIM Association",
        slug=None,
        fields={
            "intro": (
                "The professional association of interim managers. We stand for quality that clients can "
                "verify: with the RQIM quality mark, permanent education and knowledge sessions."
            ),
            "body": [
                heading("Quality you can verify"),
                paragraph(
                    "The RQIM Association brings together interim managers who take their profession "
                    "seriously. Our members work to published norms, keep their knowledge up to date through "
                    "permanent education and share their experience in knowledge sessions.",
                    "Anyone who holds the RQIM quality mark – Registered and Qualified Interim Manager – has "
                    "been assessed by an independent certification body. Clients can check a certificate "
                    "themselves in the public register.",
                ),
                call_to_action(
                    "The RQIM quality mark",
                    "Read how certification works, which norms apply and how to verify a certificate.",
                    "keurmerk",
                    "More about the quality mark",
                ),
                quote(
                    "With the quality mark I know in advance that an interim manager has been assessed "
                    "against norms I can read for myself.",
                    "A client in healthcare",
                ),
            ],
        },
    ),
)

ABOUT = PageSpec(
    key="about",
    model=StandardPage,
    parent="home",
    nl=Content(
        title="Over de vereniging",
        slug="over-de-vereniging",
        fields={
            "intro": (
                "Vereniging RQIM is de beroepsvereniging van interim managers. Wij zetten ons in voor een vak "
                "dat deskundig, transparant en onafhankelijk is."
            ),
            "body": [
                heading("Wie wij zijn"),
                paragraph(
                    "De vereniging is opgericht door interim managers die vonden dat hun vak een eigen, "
                    "controleerbare kwaliteitsstandaard verdient. Onze leden werken in de publieke sector, de "
                    "zorg, het onderwijs en het bedrijfsleven."
                ),
                heading("Wat wij doen"),
                bullets(
                    "Wij beheren samen met het College van Belanghebbenden de normen voor het RQIM-keurmerk.",
                    "Wij organiseren kennissessies en bijeenkomsten waarin leden ervaringen en nieuwe inzichten "
                    "delen.",
                    "Wij ondersteunen leden bij hun permanente educatie en houden hun PE-punten bij.",
                    "Wij behartigen de belangen van het vak bij opdrachtgevers, overheid en andere "
                    "beroepsorganisaties.",
                ),
                heading("Bestuur en organisatie"),
                paragraph(
                    "Het bestuur wordt gekozen door de algemene ledenvergadering. Het secretariaat is het "
                    "aanspreekpunt voor leden en opdrachtgevers. De certificering is belegd bij een "
                    "onafhankelijke certificatie-instelling: de vereniging heeft geen invloed op beslissingen "
                    "over individuele certificaten."
                ),
                call_to_action(
                    "Lid worden?",
                    "Bekijk wat het lidmaatschap inhoudt en wat de contributie is.",
                    "fees",
                    "Lidmaatschap en contributie",
                ),
            ],
        },
    ),
    en=Content(
        title="About the association",
        slug="about",
        fields={
            "intro": (
                "The RQIM Association is the professional association of interim managers. We work for a "
                "profession that is competent, transparent and independent."
            ),
            "body": [
                heading("Who we are"),
                paragraph(
                    "The association was founded by interim managers who felt that their profession deserves "
                    "a quality standard of its own that others can verify. Our members work in the public "
                    "sector, healthcare, education and business."
                ),
                heading("What we do"),
                bullets(
                    "Together with the stakeholder committee we maintain the norms of the RQIM quality mark.",
                    "We organise knowledge sessions and meetings where members share experience and new "
                    "insights.",
                    "We support members in their permanent education and keep track of their PE points.",
                    "We represent the profession towards clients, government and other professional bodies.",
                ),
                heading("Board and organisation"),
                paragraph(
                    "The board is elected by the general meeting of members. The secretariat is the point of "
                    "contact for members and clients. Certification is the task of an independent "
                    "certification body: the association has no say in decisions on individual certificates."
                ),
                call_to_action(
                    "Becoming a member?",
                    "See what membership involves and what the dues are.",
                    "fees",
                    "Membership and dues",
                ),
            ],
        },
    ),
)

QUALITY_MARK = PageSpec(
    key="keurmerk",
    model=StandardPage,
    parent="home",
    nl=Content(
        title="Het RQIM-keurmerk",
        slug="keurmerk",
        fields={
            "intro": (
                "RQIM staat voor Registered and Qualified Interim Manager. Het keurmerk laat zien dat een "
                "interim manager onafhankelijk is getoetst aan openbare normen."
            ),
            "body": [
                heading("Getoetst aan openbare normen"),
                paragraph(
                    "De normen beschrijven wat een opdrachtgever van een gekwalificeerde interim manager mag "
                    "verwachten: aantoonbare ervaring, vakkennis, integriteit en een zorgvuldige werkwijze in "
                    "elke opdracht. Nieuwe versies worden vastgesteld door het College van Belanghebbenden, "
                    "waarin opdrachtgevers, interim managers, opleiders en de certificatie-instelling samen "
                    "zitting hebben."
                ),
                heading("Onafhankelijke beoordeling"),
                paragraph(
                    "Een aanvraag wordt beoordeeld door een onafhankelijke certificatie-instelling. De "
                    "assessor die het dossier beoordeelt, neemt nooit zelf het besluit: dat doet een andere "
                    "beslisser. Zo blijven beoordeling en besluit gescheiden, zoals ISO/IEC 17024 vraagt."
                ),
                heading("Geldigheid, schorsing en intrekking"),
                paragraph(
                    "Een certificaat is drie jaar geldig. Wie het keurmerk wil houden, laat zich op tijd "
                    "hercertificeren en toont daarbij permanente educatie aan.",
                    "Voldoet een gecertificeerde niet langer aan de normen, dan kan het certificaat worden "
                    "geschorst of ingetrokken. Tegen elk besluit kun je bezwaar maken bij een onafhankelijke "
                    "bezwaarcommissie.",
                ),
                heading("Het openbare register"),
                paragraph(
                    "Alle geldige certificaten staan in het openbare register. Opdrachtgevers controleren daar "
                    "met het certificaatnummer of de QR-code op het certificaat of een interim manager het "
                    "keurmerk terecht voert."
                ),
                call_to_action(
                    "Vragen over certificering?",
                    "Het secretariaat helpt je verder met vragen over de aanvraag, de normen of het register.",
                    "contact",
                    "Neem contact op",
                ),
            ],
        },
    ),
    en=Content(
        title="The RQIM quality mark",
        slug="quality-mark",
        fields={
            "intro": (
                "RQIM stands for Registered and Qualified Interim Manager. The quality mark shows that an "
                "interim manager has been independently assessed against published norms."
            ),
            "body": [
                heading("Assessed against published norms"),
                paragraph(
                    "The norms describe what a client may expect of a qualified interim manager: proven "
                    "experience, expertise, integrity and a careful way of working in every assignment. New "
                    "versions are adopted by the stakeholder committee, in which clients, interim managers, "
                    "trainers and the certification body sit together."
                ),
                heading("Independent assessment"),
                paragraph(
                    "An application is assessed by an independent certification body. The assessor who "
                    "reviews the file never takes the decision: another person, the decider, does. Assessment "
                    "and decision stay separate, as ISO/IEC 17024 requires."
                ),
                heading("Validity, suspension and withdrawal"),
                paragraph(
                    "A certificate is valid for three years. Those who wish to keep the quality mark apply "
                    "for recertification in time and show their permanent education.",
                    "If a certified manager no longer meets the norms, the certificate can be suspended or "
                    "withdrawn. Every decision can be appealed to an independent appeals committee.",
                ),
                heading("The public register"),
                paragraph(
                    "Every valid certificate is listed in the public register. Clients use the certificate "
                    "number or the QR code on the certificate to check that an interim manager holds the "
                    "quality mark."
                ),
                call_to_action(
                    "Questions about certification?",
                    "The secretariat is happy to help with questions about applying, the norms or the register.",
                    "contact",
                    "Contact us",
                ),
            ],
        },
    ),
)

NEWS = PageSpec(
    key="news",
    model=NewsIndexPage,
    parent="home",
    nl=Content(
        title="Nieuws",
        slug="nieuws",
        fields={"intro": "Nieuws over de vereniging, het keurmerk, de normen en onze kennissessies."},
    ),
    en=Content(
        title="News",
        slug="news",
        fields={"intro": "News about the association, the quality mark, the norms and our knowledge sessions."},
    ),
)


def _news_item(key, days_ago, nl, en):
    """A news item dated `days_ago` days before the first seeding."""
    date = timezone.localdate() - timedelta(days=days_ago)
    nl.fields["date"] = en.fields["date"] = date
    return PageSpec(key=key, model=NewsPage, parent="news", nl=nl, en=en)


def news_items():
    return [
        _news_item(
            "news-session",
            12,
            Content(
                title="Kennissessie: de eerste honderd dagen van een interim-opdracht",
                slug="kennissessie-eerste-honderd-dagen",
                tags=["kennissessie", "permanente educatie"],
                fields={
                    "lead": (
                        "Op de volgende kennissessie vertellen drie ervaren interim managers hoe zij de eerste "
                        "honderd dagen van een opdracht aanpakken."
                    ),
                    "body": [
                        paragraph(
                            "Hoe krijg je in korte tijd grip op een organisatie die je nog niet kent? En hoe win "
                            "je het vertrouwen van medewerkers die al drie managers hebben zien komen en gaan? "
                            "Drie leden bespreken hun aanpak aan de hand van echte opdrachten.",
                            "De sessie telt mee voor permanente educatie: deelnemers ontvangen twee PE-punten. "
                            "Leden melden zich aan via het ledenportaal.",
                        ),
                        quote(
                            "De eerste weken luister ik vooral. Wie te snel met oplossingen komt, lost het "
                            "verkeerde probleem op.",
                            "Een van de sprekers",
                        ),
                    ],
                },
            ),
            Content(
                title="Knowledge session: the first hundred days of an interim assignment",
                slug="knowledge-session-first-hundred-days",
                tags=["knowledge session", "permanent education"],
                fields={
                    "lead": (
                        "At the next knowledge session three experienced interim managers explain how they "
                        "approach the first hundred days of an assignment."
                    ),
                    "body": [
                        paragraph(
                            "How do you get a grip on an organisation you do not know yet, in little time? And "
                            "how do you win the trust of staff who have seen three managers come and go? Three "
                            "members discuss their approach using real assignments.",
                            "The session counts towards permanent education: participants receive two PE "
                            "points. Members register through the member portal.",
                        ),
                        quote(
                            "In the first weeks I mostly listen. Whoever brings solutions too soon solves the "
                            "wrong problem.",
                            "One of the speakers",
                        ),
                    ],
                },
            ),
        ),
        _news_item(
            "news-norms",
            45,
            Content(
                title="Normen RQIM 2025 vastgesteld",
                slug="normen-rqim-2025-vastgesteld",
                tags=["normen", "keurmerk"],
                fields={
                    "lead": (
                        "Het College van Belanghebbenden heeft een nieuwe versie van de normen voor het "
                        "RQIM-keurmerk vastgesteld."
                    ),
                    "body": [
                        paragraph(
                            "De nieuwe versie legt meer nadruk op integriteit en op een zorgvuldige overdracht "
                            "aan het einde van een opdracht. Opdrachtgevers, interim managers, opleiders en de "
                            "certificatie-instelling werkten er een jaar aan en verwerkten de reacties uit de "
                            "openbare consultatie."
                        ),
                        heading("Wat verandert er voor gecertificeerden?"),
                        paragraph(
                            "Bestaande certificaten blijven geldig. Bij de eerstvolgende hercertificering wordt "
                            "getoetst aan de nieuwe normen. De normen zijn openbaar en staan bij het keurmerk "
                            "op deze site."
                        ),
                    ],
                },
            ),
            Content(
                title="RQIM norms 2025 adopted",
                slug="rqim-norms-2025-adopted",
                tags=["norms", "quality mark"],
                fields={
                    "lead": (
                        "The stakeholder committee has adopted a new version of the norms for the RQIM "
                        "quality mark."
                    ),
                    "body": [
                        paragraph(
                            "The new version puts more weight on integrity and on a careful handover at the "
                            "end of an assignment. Clients, interim managers, trainers and the certification "
                            "body worked on it for a year and took in the responses to the public consultation."
                        ),
                        heading("What changes for certified managers?"),
                        paragraph(
                            "Existing certificates remain valid. The next recertification assesses against the "
                            "new norms. The norms are public and can be found with the quality mark on this site."
                        ),
                    ],
                },
            ),
        ),
        _news_item(
            "news-register",
            80,
            Content(
                title="Openbaar register vernieuwd: certificaat direct controleren",
                slug="openbaar-register-vernieuwd",
                tags=["register", "keurmerk"],
                fields={
                    "lead": (
                        "Opdrachtgevers controleren voortaan met het certificaatnummer of de QR-code op het "
                        "certificaat direct of een keurmerk geldig is."
                    ),
                    "body": [
                        paragraph(
                            "Het vernieuwde register toont per gecertificeerde interim manager de geldigheid van "
                            "het certificaat. Een geschorst of ingetrokken certificaat is meteen als zodanig "
                            "herkenbaar.",
                            "Leden bepalen zelf in hun profiel welke gegevens in het register verschijnen.",
                        ),
                    ],
                },
            ),
            Content(
                title="Public register renewed: verify a certificate at once",
                slug="public-register-renewed",
                tags=["register", "quality mark"],
                fields={
                    "lead": (
                        "Clients can now use the certificate number or the QR code on the certificate to check "
                        "at once whether a quality mark is valid."
                    ),
                    "body": [
                        paragraph(
                            "The renewed register shows, for each certified interim manager, whether the "
                            "certificate is valid. A suspended or withdrawn certificate is recognisable as such "
                            "straight away.",
                            "Members decide in their profile which of their details appear in the register.",
                        ),
                    ],
                },
            ),
        ),
        _news_item(
            "news-pe",
            115,
            Content(
                title="Permanente educatie: zo leg je je PE-punten vast",
                slug="permanente-educatie-pe-punten",
                tags=["permanente educatie"],
                fields={
                    "lead": (
                        "Gecertificeerde leden houden hun kennis bij met permanente educatie. In het "
                        "ledenportaal leg je je activiteiten en bewijsstukken voortaan zelf vast."
                    ),
                    "body": [
                        paragraph(
                            "Voor hercertificering vraagt de norm een minimum aantal PE-punten per cyclus. "
                            "Kennissessies van de vereniging, opleidingen, intervisie en het geven van trainingen "
                            "tellen mee.",
                            "Voeg bij elke activiteit een bewijsstuk toe, zoals een deelnamecertificaat. Het "
                            "secretariaat beoordeelt de activiteiten, en in het portaal zie je hoeveel punten je "
                            "al hebt behaald.",
                        ),
                    ],
                },
            ),
            Content(
                title="Permanent education: how to log your PE points",
                slug="permanent-education-pe-points",
                tags=["permanent education"],
                fields={
                    "lead": (
                        "Certified members keep their knowledge up to date through permanent education. You "
                        "can now record your activities and evidence yourself in the member portal."
                    ),
                    "body": [
                        paragraph(
                            "For recertification the norm requires a minimum number of PE points per cycle. "
                            "The association's knowledge sessions, courses, peer review and teaching all count.",
                            "Add evidence to every activity, such as a certificate of attendance. The "
                            "secretariat reviews the activities, and the portal shows how many points you have "
                            "earned so far.",
                        ),
                    ],
                },
            ),
        ),
        _news_item(
            "news-board",
            150,
            Content(
                title="Algemene ledenvergadering kiest nieuw bestuur",
                slug="algemene-ledenvergadering-nieuw-bestuur",
                tags=["vereniging"],
                fields={
                    "lead": (
                        "Op de algemene ledenvergadering in Utrecht hebben de leden een nieuw bestuur gekozen "
                        "en het jaarplan goedgekeurd."
                    ),
                    "body": [
                        paragraph(
                            "Ruim honderd leden kwamen naar de vergadering. Zij stemden in met het jaarplan, "
                            "waarin de vernieuwing van het register en een breder aanbod aan kennissessies "
                            "centraal staan."
                        ),
                        quote(
                            "Het keurmerk is van ons allemaal. Het bestuur wil de komende jaren vooral "
                            "investeren in de kwaliteit en de bekendheid ervan.",
                            "De nieuwe voorzitter",
                        ),
                    ],
                },
            ),
            Content(
                title="General meeting elects a new board",
                slug="general-meeting-elects-new-board",
                tags=["association"],
                fields={
                    "lead": (
                        "At the general meeting in Utrecht the members elected a new board and approved the "
                        "annual plan."
                    ),
                    "body": [
                        paragraph(
                            "Over a hundred members attended. They approved the annual plan, which centres on "
                            "the renewal of the register and a wider range of knowledge sessions."
                        ),
                        quote(
                            "The quality mark belongs to all of us. In the coming years the board wants to "
                            "invest above all in its quality and its recognition.",
                            "The new chair",
                        ),
                    ],
                },
            ),
        ),
    ]


CONTACT = PageSpec(
    key="contact",
    model=StandardPage,
    parent="home",
    nl=Content(
        title="Contact",
        slug="contact",
        fields={
            "intro": (
                "Heb je een vraag over het lidmaatschap, het keurmerk of een van onze bijeenkomsten? Het "
                "secretariaat helpt je graag."
            ),
            "body": [
                heading("Secretariaat"),
                paragraph(
                    "Vereniging RQIM<br/>Kwaliteitsplein 1<br/>3511 ZZ Utrecht",
                    'E-mail: <a href="mailto:info@rqim.example">info@rqim.example</a><br/>Telefoon: 030 123 45 67',
                    "Het secretariaat is op werkdagen bereikbaar van 9.00 tot 17.00 uur.",
                ),
                heading("Klachten en bezwaar"),
                paragraph(
                    "Heb je een klacht over een gecertificeerde interim manager, of wil je bezwaar maken tegen "
                    "een besluit over certificering? Stuur je klacht of bezwaar schriftelijk naar het "
                    "secretariaat. Wij sturen het door naar de certificatie-instelling of de bezwaarcommissie en "
                    "bevestigen de ontvangst binnen vijf werkdagen."
                ),
            ],
        },
    ),
    en=Content(
        title="Contact",
        slug="contact",
        fields={
            "intro": (
                "Do you have a question about membership, the quality mark or one of our events? The "
                "secretariat is happy to help."
            ),
            "body": [
                heading("Secretariat"),
                paragraph(
                    "Vereniging RQIM<br/>Kwaliteitsplein 1<br/>3511 ZZ Utrecht<br/>The Netherlands",
                    'E-mail: <a href="mailto:info@rqim.example">info@rqim.example</a><br/>Phone: +31 30 123 45 67',
                    "The secretariat can be reached on working days from 9:00 to 17:00.",
                ),
                heading("Complaints and appeals"),
                paragraph(
                    "Do you have a complaint about a certified interim manager, or do you wish to appeal a "
                    "certification decision? Send your complaint or appeal in writing to the secretariat. We "
                    "pass it on to the certification body or the appeals committee and confirm receipt within "
                    "five working days."
                ),
            ],
        },
    ),
)


FEES = PageSpec(
    key="fees",
    model="members.MembershipFeesPage",
    parent="home",
    nl=Content(
        title="Lidmaatschap en contributie",
        slug="contributie",
        fields={
            "intro": (
                "Lid worden kan in drie stappen: je maakt een account aan, je meldt je aan als lid en je betaalt "
                "de contributie. Hieronder staan de lidmaatschapsvormen en wat ze per jaar kosten."
            ),
            "body": [
                heading("Betalen"),
                paragraph(
                    "Je betaalt de contributie per jaar vooruit, online of per bankoverschrijving. Je lidmaatschap "
                    "loopt door tot je opzegt; opzeggen kan op elk moment, tegen het einde van de betaalde periode.",
                    "Twijfel je welke vorm bij je past? Het secretariaat denkt graag met je mee.",
                ),
            ],
        },
    ),
    en=Content(
        title="Membership and dues",
        slug="membership-fees",
        fields={
            "intro": (
                "Joining takes three steps: you create an account, you apply for membership and you pay the "
                "dues. Below are the membership plans and what they cost per year."
            ),
            "body": [
                heading("Paying"),
                paragraph(
                    "You pay the dues a year in advance, online or by bank transfer. Your membership continues until "
                    "you resign; you can resign at any time, as of the end of the paid period.",
                    "Not sure which plan suits you? The secretariat is happy to help.",
                ),
            ],
        },
    ),
)

STATUTES = PageSpec(
    key="statutes",
    model=StandardPage,
    parent="home",
    nl=Content(
        title="Statuten",
        slug="statuten",
        fields={
            "intro": "De statuten van Vereniging RQIM, versie 2026-01, vastgesteld door de algemene ledenvergadering.",
            "body": [
                heading("Artikel 1. Naam en zetel"),
                paragraph("De vereniging heet Vereniging RQIM en is gevestigd in Utrecht."),
                heading("Artikel 2. Doel"),
                paragraph(
                    "De vereniging bevordert de kwaliteit van het vak interim management, onder meer door normen "
                    "vast te stellen, permanente educatie te stimuleren en kennis te delen."
                ),
                heading("Artikel 3. Leden"),
                paragraph(
                    "Lid kan worden iedere natuurlijke persoon die als interim manager werkt of heeft gewerkt. Het "
                    "lidmaatschap begint zodra de aanmelding is aanvaard en de contributie is betaald."
                ),
                heading("Artikel 4. Contributie"),
                paragraph(
                    "Leden betalen een jaarlijkse contributie. De algemene ledenvergadering stelt de hoogte vast, "
                    "per lidmaatschapsvorm."
                ),
                heading("Artikel 5. Einde van het lidmaatschap"),
                paragraph(
                    "Het lidmaatschap eindigt door opzegging door het lid, tegen het einde van de betaalde periode, "
                    "door het niet betalen van de contributie, of door opzegging door de vereniging."
                ),
            ],
        },
    ),
    en=Content(
        title="Statutes",
        slug="statutes",
        fields={
            "intro": "The statutes of the RQIM Association, version 2026-01, adopted by the general meeting.",
            "body": [
                heading("Article 1. Name and seat"),
                paragraph("The association is called Vereniging RQIM and has its seat in Utrecht, the Netherlands."),
                heading("Article 2. Purpose"),
                paragraph(
                    "The association promotes the quality of interim management, among other things by setting "
                    "norms, encouraging permanent education and sharing knowledge."
                ),
                heading("Article 3. Members"),
                paragraph(
                    "Any natural person who works or has worked as an interim manager may become a member. "
                    "Membership begins once the application is accepted and the dues are paid."
                ),
                heading("Article 4. Dues"),
                paragraph("Members pay yearly dues. The general meeting sets the amount for each membership plan."),
                heading("Article 5. End of membership"),
                paragraph(
                    "Membership ends when the member resigns, as of the end of the paid period, when the dues are "
                    "not paid, or when the association ends it."
                ),
                paragraph("This translation is for information; the Dutch text is binding."),
            ],
        },
    ),
)

PRIVACY = PageSpec(
    key="privacy",
    model=StandardPage,
    parent="home",
    nl=Content(
        title="Privacyverklaring",
        slug="privacyverklaring",
        fields={
            "intro": "Hoe Vereniging RQIM met je persoonsgegevens omgaat. Versie 2026-01.",
            "body": [
                heading("Welke gegevens"),
                paragraph(
                    "Voor je lidmaatschap bewaren we je naam, e-mailadres, adres, telefoonnummer, KvK-nummer, je "
                    "professionele profiel en je betalingen."
                ),
                heading("Waarvoor"),
                bullets(
                    "Om je lidmaatschap en de contributie te beheren.",
                    "Om je te informeren over bijeenkomsten, kennissessies en de vereniging.",
                    "Om je permanente educatie en een eventuele certificering bij te houden.",
                ),
                heading("Het openbare register"),
                paragraph("In het openbare register verschijnt alleen wat je daar zelf voor vrijgeeft."),
                heading("Bewaren en inzien"),
                paragraph(
                    "We bewaren je gegevens zolang je lid bent en daarna zolang de wet dat vraagt. Je kunt je "
                    "gegevens altijd inzien, laten verbeteren of laten verwijderen via het secretariaat."
                ),
            ],
        },
    ),
    en=Content(
        title="Privacy statement",
        slug="privacy-statement",
        fields={
            "intro": "How the RQIM Association handles your personal data. Version 2026-01.",
            "body": [
                heading("What data"),
                paragraph(
                    "For your membership we keep your name, e-mail address, address, phone number, KvK number, your "
                    "professional profile and your payments."
                ),
                heading("What for"),
                bullets(
                    "To manage your membership and dues.",
                    "To keep you informed about meetings, knowledge sessions and the association.",
                    "To keep track of your permanent education and any certification.",
                ),
                heading("The public register"),
                paragraph("The public register shows only what you choose to publish there."),
                heading("Keeping and viewing"),
                paragraph(
                    "We keep your data while you are a member and afterwards for as long as the law requires. You "
                    "can always view, correct or have your data removed through the secretariat."
                ),
            ],
        },
    ),
)


def page_specs() -> list[PageSpec]:
    """Every demo page, parents before children, in the order of the page tree."""
    return [HOME, ABOUT, QUALITY_MARK, NEWS, *news_items(), CONTACT, FEES, STATUTES, PRIVACY]


MENUS = {
    NavigationMenu.Placement.MAIN: ["about", "keurmerk", "news", "contact"],
    NavigationMenu.Placement.FOOTER: ["contact", "news", "fees", "statutes", "privacy"],
}

ASSOCIATION = {
    "name": "Vereniging RQIM",
    "address": "Kwaliteitsplein 1\n3511 ZZ Utrecht",
    "kvk_number": "87654321",
    "contact_email": f"info@{DEMO_DOMAIN}",
    "phone": "030 123 45 67",
    "linkedin_url": "https://www.linkedin.com/company/vereniging-rqim",
}


# --- The site's address ------------------------------------------------------------------


def seed_site_address(stdout) -> None:
    """The default site's host and port follow BASE_URL (which `make run` sets from HOST and
    PORT), so the sitemap, feeds and page links point at the portal that is running.

    Wagtail's Site knows no scheme: port 443 means https, any other port http.
    """
    address = urlsplit(settings.BASE_URL)
    hostname = address.hostname or "localhost"
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.get(is_default_site=True)
    if (site.hostname, site.port) == (hostname, port):
        return
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    stdout.write(f"  Site address: {site.root_url}")


# --- The site -------------------------------------------------------------------------


def seed_site(stdout) -> None:
    """The page tree in Dutch and English, the association's details and the menus."""
    dutch = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    english, _ = Locale.objects.get_or_create(language_code="en")
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        stdout.write(f"  The default site's root page is a {type(home).__name__}, not a home page: no pages added.")
        return

    specs = page_specs()
    pages: dict[str, dict[str, Page]] = {"nl": {"home": home}, "en": {}}

    # Every page exists (as a draft) before any is filled in, so links between them resolve.
    # Dutch first; each English page is a translation (same translation_key) under its
    # parent's translation, the English home page a sibling of the Dutch one.
    created_nl = [spec for spec in specs[1:] if _ensure_dutch_page(spec, pages["nl"], stdout)]
    if not home.body:  # the home page from the migration has no content yet
        created_nl.insert(0, HOME)
    created_en = [spec for spec in specs if _ensure_translation(spec, english, pages)]
    for language, created in (("nl", created_nl), ("en", created_en)):
        for spec in created:
            _fill_and_publish(pages[language][spec.key], getattr(spec, language), pages[language])

    # The English home page is a new site root path for /en/.
    Site.clear_site_root_paths_cache()
    stdout.write(
        f"  Pages: {len(created_nl)} Dutch and {len(created_en)} English filled in and published"
        f" ({len(specs) * 2 - len(created_nl) - len(created_en)} already there)."
    )

    _seed_association(site, stdout)
    _seed_documents(site, pages["nl"], stdout)
    _seed_menus(dutch, english, pages, stdout)


def _ensure_dutch_page(spec: PageSpec, pages: dict, stdout) -> bool:
    """Find the page by its slug under its parent, or add it as a draft; True when added."""
    parent = pages.get(spec.parent)
    if parent is None:
        return False
    existing = Page.objects.child_of(parent).filter(slug=spec.nl.slug).first()
    if existing is not None:
        existing = existing.specific
        if isinstance(existing, spec.page_class):
            pages[spec.key] = existing
        else:
            stdout.write(f"  Skipped {parent.url_path}{spec.nl.slug}/: it is a {type(existing).__name__}.")
        return False
    shell_fields = {name: value for name, value in spec.nl.fields.items() if name != "body"}
    page = spec.page_class(title=spec.nl.title, slug=spec.nl.slug, locale=parent.locale, live=False, **shell_fields)
    parent.add_child(instance=page)
    pages[spec.key] = page
    return True


def _ensure_translation(spec: PageSpec, english: Locale, pages: dict) -> bool:
    """Find the English translation of the Dutch page, or add it as a draft; True when added."""
    source = pages["nl"].get(spec.key)
    if source is None:
        return False
    translation = source.get_translation_or_none(english)
    if translation is not None:
        pages["en"][spec.key] = translation.specific
        return False
    parent = pages["en"].get(spec.parent) if spec.parent else source.get_parent()
    if parent is None:
        return False
    slug = find_available_slug(parent, spec.en.slug or f"{source.slug}-{english.language_code}")
    shell_fields = {name: value for name, value in spec.en.fields.items() if name != "body"}
    page = spec.page_class(
        title=spec.en.title,
        slug=slug,
        locale=english,
        translation_key=source.translation_key,
        live=False,
        **shell_fields,
    )
    parent.add_child(instance=page)
    pages["en"][spec.key] = page
    return True


def _fill_and_publish(page: Page, content: Content, pages: dict) -> None:
    page.title = content.title
    for name, value in content.fields.items():
        setattr(page, name, _resolve(value, pages))
    if content.tags is not None:
        page.tags.clear()
        page.tags.add(*content.tags)
    page.save_revision().publish()


def _resolve(value, pages):
    """Replace each Ref with the id of that page in the same language."""
    if isinstance(value, Ref):
        page = pages.get(value.key)
        return page.pk if page is not None else None
    if isinstance(value, dict):
        return {key: _resolve(item, pages) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, pages) for item in value]
    return value


def _seed_association(site: Site, stdout) -> None:
    """Fill in the association's details where they are still blank."""
    details = AssociationSettings.for_site(site)
    changed = [name for name, value in ASSOCIATION.items() if not getattr(details, name)]
    for name in changed:
        setattr(details, name, ASSOCIATION[name])
    if changed:
        details.full_clean()
        details.save(update_fields=changed)
    stdout.write(f"  Association details: {len(changed)} fields filled in.")


def _seed_documents(site: Site, pages: dict, stdout) -> None:
    """Point the association's statutes and privacy statement at the demo pages, where still blank."""
    details = AssociationSettings.for_site(site)
    changed = []
    for name, key in (("statutes_page", "statutes"), ("privacy_page", "privacy")):
        if getattr(details, f"{name}_id") is None and key in pages:
            setattr(details, name, pages[key])
            changed.append(name)
    if changed:
        details.save(update_fields=changed)
    stdout.write(f"  Statutes and privacy statement: {len(changed)} linked.")


def _seed_menus(dutch: Locale, english: Locale, pages: dict, stdout) -> None:
    """The main and footer menus in both languages; page links without labels follow the page titles."""
    created = 0
    for placement, keys in MENUS.items():
        source = NavigationMenu.objects.filter(placement=placement, locale=dutch).first()
        for language, locale in (("nl", dutch), ("en", english)):
            if NavigationMenu.objects.filter(placement=placement, locale=locale).exists():
                continue
            items = [
                {"type": "link", "value": {"page": pages[language][key].pk, "url": "", "label": ""}}
                for key in keys
                if key in pages[language]
            ]
            menu = NavigationMenu(placement=placement, locale=locale, items=items)
            if source is not None:  # the English menu is a translation of the Dutch one
                menu.translation_key = source.translation_key
            menu.save()
            created += 1
            if locale == dutch:
                source = menu
    stdout.write(f"  Menus: {created} created.")
    _ensure_register_link(stdout)


def _ensure_register_link(stdout) -> None:
    """The public register in each main menu (once; also added to menus seeded before it existed)."""
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext

    added = 0
    for menu in NavigationMenu.objects.filter(placement=NavigationMenu.Placement.MAIN).select_related("locale"):
        language = menu.locale.language_code
        with translation.override(language):
            url = f"{settings.BASE_URL}{reverse('members:register')}"
            label = gettext("Register")
        if any(block.block_type == "link" and block.value.get("url") == url for block in menu.items):
            continue
        menu.items.append(("link", {"page": None, "url": url, "label": label}))
        menu.save()
        added += 1
    stdout.write(f"  Register linked from {added} main menus.")


# --- Users ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role: str
    group: str | None = None
    superuser: bool = False


DEMO_USERS = [
    DemoUser(f"admin@{DEMO_DOMAIN}", "Anna", "de Vries", "administrator (superuser)", superuser=True),
    DemoUser(f"editor@{DEMO_DOMAIN}", "Eva", "Jansen", "editor", group="Editors"),
    DemoUser(f"secretariat@{DEMO_DOMAIN}", "Sanne", "Bakker", "secretariat", group="Secretariat"),
    DemoUser(f"assessor@{DEMO_DOMAIN}", "Arjen", "Visser", "assessor (certification body)", group="Assessors"),
    DemoUser(f"decider@{DEMO_DOMAIN}", "Daan", "Smit", "decider (certification body)", group="Deciders"),
    DemoUser(f"normcommittee@{DEMO_DOMAIN}", "Noor", "Meijer", "norm committee", group="Norm committee"),
    DemoUser(f"member@{DEMO_DOMAIN}", "Milan", "de Boer", "member"),
]


def seed_users(stdout) -> None:
    """One user per role, with a verified address and the demo password; existing users are left alone."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    rows = []
    for demo in DEMO_USERS:
        user = User.objects.filter(email__iexact=demo.email).first()
        status = "exists"
        if user is None:
            create = User.objects.create_superuser if demo.superuser else User.objects.create_user
            user = create(demo.email, DEMO_PASSWORD, first_name=demo.first_name, last_name=demo.last_name)
            status = "created"
        if demo.group:
            # The roles migration creates the groups with their permissions; never fail without it.
            group, _ = Group.objects.get_or_create(name=demo.group)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        rows.append((demo, status))

    stdout.write(f"  Demo logins (password for new users: {DEMO_PASSWORD}):")
    width = max(len(demo.email) for demo, _ in rows)
    for demo, status in rows:
        stdout.write(f"    {demo.email.ljust(width)}  {demo.role} [{status}]")
    stdout.write(
        "  Staff are asked to set up two-factor authentication (an authenticator app, TOTP)"
        " on their first visit to /admin/."
    )


DEMO_FAILED_EMAIL_KEY = "demo:outbox-failed"


def seed_outbox(stdout) -> None:
    """One e-mail that failed at every attempt, so the secretariat sees in Reports › Outbox
    what a failure looks like and can send it again (the demo's mail goes to the console)."""
    from django.core.mail import EmailMessage

    from portal.mail import email_queue
    from portal.models import OutboundEmail

    if OutboundEmail.objects.filter(key=DEMO_FAILED_EMAIL_KEY).exists():
        stdout.write("  Outbox: the failed demo message exists")
        return
    message = EmailMessage(
        subject="Herinnering contributie 2027",
        body="Beste Sanne,\n\nDe contributie voor 2027 staat nog open.\n\nMet vriendelijke groet,\nHet secretariaat",
        to=["sanne.voorbeeld@example.org"],
    )
    email = email_queue(message=message, kind="dues_reminder", key=DEMO_FAILED_EMAIL_KEY)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.FAILED,
        attempts=len(settings.EMAIL_RETRY_MINUTES) + 1,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed (demo)",
        queued_at=timezone.now() - timedelta(hours=6),
    )
    stdout.write("  Outbox: one failed message to send again (Reports › Outbox, filter on Failed)")
