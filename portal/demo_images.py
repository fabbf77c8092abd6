"""Demo pictures for the site, drawn here with Pillow (nothing is downloaded).

`seed_images(stdout)` is listed in `manage.py seed_demo`. It adds a handful of
illustrations in the association's colours as Wagtail images, each with a focal
point on its subject so that every crop (the wide hero, the news cards, a phone)
keeps what matters; then gives the home pages and the news items without a picture
one. Idempotent: images are found by title, and pages that have a picture keep it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 1000
NAVY = (11, 61, 98)
BLUE = (11, 87, 163)
SKY = (196, 220, 240)
SOFT = (243, 246, 249)
GOLD = (242, 183, 5)
CORAL = (228, 120, 92)
GREEN = (46, 139, 87)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class DemoImage:
    key: str
    title: str
    focal: tuple[int, int, int, int]  # x, y (centre), width, height


def _canvas(top, bottom) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), top)
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        share = y / HEIGHT
        colour = tuple(int(top[i] + (bottom[i] - top[i]) * share) for i in range(3))
        draw.line([(0, y), (WIDTH, y)], fill=colour)
    return image


def _shadow(image: Image.Image, shapes, offset=(14, 18), blur=18) -> None:
    layer = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(layer)
    for kind, box in shapes:
        box = [box[0] + offset[0], box[1] + offset[1], box[2] + offset[0], box[3] + offset[1]]
        if kind == "ellipse":
            draw.ellipse(box, fill=90)
        else:
            draw.rounded_rectangle(box, radius=60, fill=90)
    layer = layer.filter(ImageFilter.GaussianBlur(blur))
    image.paste((0, 20, 40), mask=layer)


def _person(draw, x, y, colour, scale=1.0) -> None:
    r = 34 * scale
    draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    draw.ellipse([x - r * 0.45, y - r * 0.55, x + r * 0.45, y + r * 0.35], fill=tuple(min(255, c + 60) for c in colour))


def draw_meeting() -> Image.Image:
    """People around a table, seen from above."""
    image = _canvas(SOFT, SKY)
    table = (430, 300, 1230, 700)
    seats = []
    for i in range(5):
        x = table[0] + 100 + i * 150
        seats += [(x, table[1] - 70), (x, table[3] + 70)]
    seats += [(table[0] - 80, 500), (table[2] + 80, 500)]
    _shadow(image, [("rect", table)] + [("ellipse", (x - 40, y - 40, x + 40, y + 40)) for x, y in seats])
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(table, radius=60, fill=NAVY)
    draw.rounded_rectangle((table[0] + 24, table[1] + 24, table[2] - 24, table[3] - 24), radius=44, outline=BLUE, width=6)
    palette = [GOLD, CORAL, BLUE, GREEN, (120, 90, 170)]
    for n, (x, y) in enumerate(seats):
        _person(draw, x, y, palette[n % len(palette)])
    for n in range(6):  # papers and laptops on the table
        x = table[0] + 110 + n * 115
        draw.rectangle((x, 380 + (n % 2) * 140, x + 70, 450 + (n % 2) * 140), fill=WHITE)
    draw.ellipse((780, 440, 880, 540), fill=GOLD)
    return image


def draw_network() -> Image.Image:
    """A network of members: nodes joined by lines, one in gold at the centre."""
    image = _canvas(NAVY, BLUE)
    draw = ImageDraw.Draw(image)
    centre = (800, 500)
    nodes = []
    for ring, (radius, count) in enumerate(((230, 7), (420, 12), (620, 16))):
        for i in range(count):
            angle = 2 * math.pi * i / count + ring * 0.4
            nodes.append((centre[0] + radius * math.cos(angle) * 1.2, centre[1] + radius * math.sin(angle) * 0.8, ring))
    for x, y, ring in nodes:
        draw.line([centre, (x, y)], fill=(70, 130, 190), width=3 if ring == 0 else 2)
    for i, (x, y, ring) in enumerate(nodes):
        neighbour = nodes[(i + 1) % len(nodes)]
        if neighbour[2] == ring:
            draw.line([(x, y), neighbour[:2]], fill=(60, 110, 170), width=2)
    for x, y, ring in nodes:
        r = 26 - ring * 6
        draw.ellipse([x - r, y - r, x + r, y + r], fill=SKY if ring else WHITE)
    draw.ellipse([centre[0] - 70, centre[1] - 70, centre[0] + 70, centre[1] + 70], fill=GOLD)
    return image


def draw_growth() -> Image.Image:
    """Permanent education: bars that grow, and a rising line."""
    image = _canvas(SOFT, WHITE)
    draw = ImageDraw.Draw(image)
    base = 840
    heights = [180, 240, 300, 340, 420, 500, 590]
    for i, height in enumerate(heights):
        x = 260 + i * 160
        colour = GOLD if i == len(heights) - 1 else (BLUE if i % 2 else NAVY)
        draw.rounded_rectangle((x, base - height, x + 110, base), radius=14, fill=colour)
    points = [(315 + i * 160, base - h - 60) for i, h in enumerate(heights)]
    draw.line(points, fill=CORAL, width=10, joint="curve")
    for x, y in points:
        draw.ellipse((x - 16, y - 16, x + 16, y + 16), fill=CORAL)
    draw.line((200, base, 1400, base), fill=NAVY, width=6)
    return image


def draw_mark() -> Image.Image:
    """The quality mark: a seal with a ribbon."""
    image = _canvas(BLUE, NAVY)
    draw = ImageDraw.Draw(image)
    cx, cy = 800, 440
    draw.polygon([(cx - 150, cy + 120), (cx - 230, cy + 460), (cx - 120, cy + 400), (cx - 60, cy + 500), (cx - 20, cy + 160)], fill=CORAL)
    draw.polygon([(cx + 150, cy + 120), (cx + 230, cy + 460), (cx + 120, cy + 400), (cx + 60, cy + 500), (cx + 20, cy + 160)], fill=CORAL)
    points = []
    for i in range(48):
        angle = 2 * math.pi * i / 48
        radius = 300 if i % 2 == 0 else 270
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=GOLD)
    draw.ellipse((cx - 220, cy - 220, cx + 220, cy + 220), fill=WHITE)
    draw.ellipse((cx - 190, cy - 190, cx + 190, cy + 190), outline=NAVY, width=10)
    draw.line([(cx - 90, cy + 5), (cx - 20, cy + 80), (cx + 110, cy - 80)], fill=GREEN, width=36, joint="curve")
    return image


def draw_session() -> Image.Image:
    """A knowledge session: an audience facing a speaker and a screen."""
    image = _canvas(SOFT, SKY)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((470, 90, 1130, 430), radius=18, fill=NAVY)
    for i, height in enumerate((120, 180, 150, 230)):
        draw.rectangle((560 + i * 130, 380 - height, 640 + i * 130, 380), fill=GOLD if i == 3 else SKY)
    _person(draw, 360, 380, CORAL, 1.3)
    draw.rounded_rectangle((320, 420, 400, 560), radius=20, fill=CORAL)
    palette = [BLUE, NAVY, GREEN, (120, 90, 170), GOLD]
    for row in range(3):
        for seat in range(7 - row):
            x = 380 + row * 70 + seat * 140
            y = 610 + row * 130
            _person(draw, x, y, palette[(row + seat) % len(palette)], 1.0 + row * 0.15)
    return image


IMAGES = [
    (DemoImage("meeting", "Overleg aan tafel", (830, 500, 900, 560)), draw_meeting),
    (DemoImage("network", "Netwerk van leden", (800, 500, 700, 600)), draw_network),
    (DemoImage("growth", "Permanente educatie", (800, 560, 1100, 700)), draw_growth),
    (DemoImage("mark", "Het RQIM-keurmerk", (800, 520, 620, 760)), draw_mark),
    (DemoImage("session", "Kennissessie", (760, 460, 1000, 820)), draw_session),
]


def _image_file(draw, key: str) -> ImageFile:
    buffer = BytesIO()
    draw().save(buffer, "JPEG", quality=86, optimize=True)
    buffer.seek(0)
    return ImageFile(buffer, name=f"demo-{key}.jpg")


def demo_images() -> dict:
    """The demo images by key, made once."""
    from wagtail.images import get_image_model

    Image = get_image_model()
    found = {}
    for spec, draw in IMAGES:
        image = Image.objects.filter(title=spec.title).first()
        if image is None:
            x, y, w, h = spec.focal
            image = Image(title=spec.title, file=_image_file(draw, spec.key),
                          focal_point_x=x, focal_point_y=y, focal_point_width=w, focal_point_height=h)
            image.save()
        found[spec.key] = image
    return found


def seed_images(stdout) -> None:
    from portal.models import HomePage, NewsPage

    images = demo_images()
    placed = 0
    for home in HomePage.objects.filter(hero_image__isnull=True):
        home.hero_image = images["meeting"]
        home.save_revision().publish()
        placed += 1
    order = ["mark", "session", "network", "growth", "meeting"]
    for item in NewsPage.objects.filter(image__isnull=True).order_by("translation_key", "locale_id"):
        # A news item and its translation share a picture.
        item.image = images[order[item.translation_key.int % len(order)]]
        item.save_revision().publish()
        placed += 1
    stdout.write(f"  Demo images: {len(images)} in the library; {placed} pages given a picture.")
