import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from members.models.register import DayRateBand
from portal.models import kvk_validator

postal_code_validator = RegexValidator(
    r"^\s*\d{4}\s?[A-Za-z]{2}\s*$", _("Enter a Dutch postal code such as 1234 AB.")
)


def _photo_path(instance, filename):
    # A random name: the file is public once the member publishes it, so its address must not be guessable.
    return f"register/photos/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:5]}"


class MemberProfile(models.Model):
    """Contact details and the professional profile a member keeps.

    What of it is public (the register) the member decides field by field with the
    `show_*` fields, and whether they are listed at all with `register_listed`; only a
    listed holder of an active certificate appears (`members.register_selectors`).
    Contact details (phone, address, e-mail) are never public.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="member_profile"
    )
    phone = models.CharField(_("phone"), max_length=30)
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100, db_index=True)
    country = models.CharField(_("country"), max_length=2, default="NL")
    kvk_number = models.CharField(_("KvK number"), max_length=8, validators=[kvk_validator])
    sectors = models.CharField(_("sectors"), max_length=300, help_text=_("For example: healthcare, government, logistics."))
    expertise = models.TextField(_("expertise"), help_text=_("What you are hired for, in a few sentences."))
    years_interim = models.PositiveSmallIntegerField(
        _("years as interim manager"), validators=[MaxValueValidator(60)]
    )

    # The professional profile for the public register.
    photo = models.ImageField(_("photo"), upload_to=_photo_path, blank=True)
    headline = models.CharField(
        _("headline"), max_length=160, blank=True, help_text=_("One line, for example: Interim CFO in healthcare.")
    )
    bio_nl = models.TextField(_("about me (Dutch)"), blank=True)
    bio_en = models.TextField(_("about me (English)"), blank=True)
    register_sectors = models.ManyToManyField(
        "members.Sector", verbose_name=_("sectors"), blank=True, related_name="profiles"
    )
    regions = models.ManyToManyField("members.Region", verbose_name=_("regions"), blank=True, related_name="profiles")
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("For example: Dutch, English, German.")
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    day_rate_band = models.CharField(
        _("day rate"), max_length=20, blank=True, choices=DayRateBand.choices
    )
    linkedin_url = models.URLField(_("LinkedIn profile"), blank=True)

    # Consent: whether to be listed at all, and per field whether it is public.
    register_listed = models.BooleanField(_("list me in the public register"), default=False)
    show_photo = models.BooleanField(_("photo public"), default=False)
    show_headline = models.BooleanField(_("headline public"), default=False)
    show_bio = models.BooleanField(_("about me public"), default=False)
    show_sectors = models.BooleanField(_("sectors public"), default=False)
    show_expertise = models.BooleanField(_("expertise public"), default=False)
    show_regions = models.BooleanField(_("regions public"), default=False)
    show_languages = models.BooleanField(_("languages public"), default=False)
    show_availability = models.BooleanField(_("availability public"), default=False)
    show_day_rate = models.BooleanField(_("day rate public"), default=False)
    show_linkedin = models.BooleanField(_("LinkedIn profile public"), default=False)
    accepts_requests = models.BooleanField(
        _("send me assignment requests that match my profile"), default=False,
        help_text=_("Clients can send an assignment to the best-matching listed managers; you answer if you are interested."),
    )
    # The members' directory: signed-in members see each other, with what each shares with members.
    directory_listed = models.BooleanField(_("list me in the members' directory"), default=False)
    directory_fields = models.JSONField(_("shared with members"), default=list, blank=True)
    consent_changed_at = models.DateTimeField(_("consent last changed"), null=True, blank=True)

    # What free text may find: the published fields only, folded (members.register_text,
    # kept up to date by members.register_index). Never shown.
    search_primary = models.TextField(_("search text (name, headline, sectors)"), blank=True, editable=False)
    search_secondary = models.TextField(_("search text (expertise, about me)"), blank=True, editable=False)
    # On PostgreSQL the two, weighted, as a Dutch full-text vector (GIN-indexed); unused on SQLite.
    search_vector = SearchVectorField(_("search vector"), null=True, blank=True, editable=False)
    # What the register filters and sorts on, copied from the member's certificates by
    # members.register_index whenever one changes (and checked by the daily run): whether
    # they hold an active certificate, and their first certificate's date (withdrawn ones
    # aside). A search then reads one table instead of asking the certificates per profile.
    register_certified = models.BooleanField(_("holds an active certificate"), default=False, editable=False)
    register_certified_since = models.DateField(_("certified since"), null=True, blank=True, editable=False)

    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        indexes = [
            models.Index(fields=["register_listed"], name="profile_register_listed"),
            # The public register: listed holders of an active certificate, by certified since.
            models.Index(
                fields=["register_certified_since"],
                condition=models.Q(register_listed=True, register_certified=True),
                name="profile_register_public",
            ),
        ]

    def public_fields(self) -> list[str]:
        """The names (see `members.models.register.PUBLIC_FIELDS`) the member made public."""
        from members.models.register import PUBLIC_FIELDS

        return [name for name in PUBLIC_FIELDS if getattr(self, f"show_{name}")]

    def shares_with_members(self, name: str) -> bool:
        """Whether fellow members see this field in the directory (a public field they always see)."""
        if name in self.directory_fields:
            return True
        return bool(getattr(self, f"show_{name}", False))

    @property
    def bio(self) -> str:
        english = (translation.get_language() or "nl").startswith("en")
        return (self.bio_en if english and self.bio_en else self.bio_nl) or self.bio_en

    def __str__(self):
        return str(self.user)
