from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import kvk_validator

postal_code_validator = RegexValidator(
    r"^\s*\d{4}\s?[A-Za-z]{2}\s*$", _("Enter a Dutch postal code such as 1234 AB.")
)


class MemberProfile(models.Model):
    """Contact details and the professional profile a member keeps.

    What of it is public (the register) is decided by consent fields added with the
    register; until then nothing here is shown to anyone but the member and staff.
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
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")

    def __str__(self):
        return str(self.user)
