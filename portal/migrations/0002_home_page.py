"""Replace Wagtail's welcome page with the association's home page, in Dutch."""

from django.conf import settings
from django.db import migrations


def create_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("portal.HomePage")

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    dutch = Locale.objects.get(language_code=settings.LANGUAGE_CODE)

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    if HomePage.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="portal")
    home = HomePage.objects.create(
        title="Vereniging RQIM",
        draft_title="Vereniging RQIM",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=dutch,
        live=True,
        intro="De beroepsvereniging van Registered and Qualified Interim Managers.",
    )
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.id, is_default_site=True, site_name="RQIM")
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home, migrations.RunPython.noop)]
