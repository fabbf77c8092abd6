"""manage.py check_internal_links: report links on published pages and in the menus that lead
to a page, document or image that no longer exists or is not published.

Reads Wagtail's reference index (kept up to date on every save: rich text links, page,
document and image choosers, menus), so it checks every kind of internal link at once.
Exits with status 1 when it found a broken link, so it can run in CI or a cron job.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page, ReferenceIndex


class Command(BaseCommand):
    help = "Report internal links (pages, documents, images) on published pages and in menus that lead nowhere."

    def handle(self, *args, **options):
        broken = internal_links_broken()
        for line in broken:
            self.stdout.write(line)
        if broken:
            raise CommandError(f"{len(broken)} broken internal link(s).")
        self.stdout.write(self.style.SUCCESS("No broken internal links."))


def internal_links_broken() -> list[str]:
    """One line per broken link: where it is, which field, and what it points to."""
    page_type = ContentType.objects.get_for_model(Page)
    references = ReferenceIndex.objects.select_related("content_type", "to_content_type", "base_content_type")
    by_target: dict[tuple[int, str], list] = {}
    for reference in references:
        by_target.setdefault((reference.to_content_type_id, reference.to_object_id), []).append(reference)

    live_pages = set(Page.objects.filter(live=True).values_list("pk", flat=True))
    existing: dict[int, set[str]] = {}
    lines = []
    for (to_type_id, to_id), refs in sorted(by_target.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        to_type = refs[0].to_content_type
        if to_type.pk == page_type.pk or issubclass(to_type.model_class() or object, Page):
            ok = to_id.isdigit() and int(to_id) in live_pages
        else:
            model = to_type.model_class()
            if model is None:
                continue
            if to_type.pk not in existing:
                existing[to_type.pk] = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
            ok = to_id in existing[to_type.pk]
        if ok:
            continue
        for reference in refs:
            source = _source(reference)
            if source is None:
                continue  # a draft, or gone itself: nobody follows that link
            lines.append(f"{source}: {reference.describe_source_field()} -> {to_type.name} #{to_id} (missing or unpublished)")
    return lines


def _source(reference) -> str | None:
    model = reference.base_content_type.model_class()
    if model is None:
        return None
    obj = model.objects.filter(pk=reference.object_id).first()
    if obj is None:
        return None
    if isinstance(obj, Page):
        if not obj.live:
            return None
        return f"{obj.title} ({obj.url_path})"
    return f"{model._meta.verbose_name} {obj}"
