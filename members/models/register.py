"""The public register: the small choice lists a member's professional profile uses
(sectors and regions), kept as rows so the secretariat can add one without a release.

What a member publishes, and whether they are listed at all, lives on `MemberProfile`
(the `show_*` fields and `register_listed`); who is listed is decided in
`members.register_selectors.register_public_list`.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _english() -> bool:
    return (translation.get_language() or "nl").startswith("en")


class _Choice(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return (self.name_en if _english() and self.name_en else self.name_nl) or ""


class Sector(_Choice):
    class Meta(_Choice.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Region(_Choice):
    class Meta(_Choice.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class DayRateBand(models.TextChoices):
    UNDER_1000 = "lt1000", _("under € 1,000")
    FROM_1000 = "1000-1250", _("€ 1,000 – 1,250")
    FROM_1250 = "1250-1500", _("€ 1,250 – 1,500")
    FROM_1500 = "gte1500", _("€ 1,500 or more")


# The profile fields a member may publish, each with its consent field on MemberProfile.
PUBLIC_FIELDS = (
    "photo",
    "headline",
    "bio",
    "sectors",
    "expertise",
    "regions",
    "languages",
    "availability",
    "day_rate",
    "linkedin",
)
