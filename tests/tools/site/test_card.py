"""The share card: a 1200x630 PNG with the site's name, written by render into the tree."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image

from tools.catalog.load import open_catalog
from tools.site.card import CARD_PATH, CARD_SIZE, site_card
from tools.site.render import render

REPO = Path(__file__).resolve().parents[3]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"


def test_card_is_a_png_of_the_share_size_in_the_atlas_colours() -> None:
    data = site_card("MedGen Atlas", "An open, curated atlas of generative AI in medicine.")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == CARD_SIZE
    rgb = image.convert("RGB")
    assert rgb.getpixel((10, 10)) == (0, 121, 107)  # the teal ground
    # the name is drawn: the band where it sits holds white pixels, an empty band does not
    band = rgb.crop((70, 110, 600, 190)).getcolors(1 << 16) or []
    assert any(colour == (255, 255, 255) for _, colour in band)
    empty = rgb.crop((70, 20, 600, 90)).getcolors(1 << 16) or []
    assert [colour for _, colour in empty] == [(0, 121, 107)]


def test_card_changes_with_the_text_and_is_stable() -> None:
    first = site_card("MedGen Atlas", "One description.")
    assert site_card("MedGen Atlas", "One description.") == first
    assert site_card("Another Atlas", "One description.") != first


def test_a_very_long_description_stays_on_the_card() -> None:
    image = Image.open(io.BytesIO(site_card("M", "word " * 400)))
    assert image.size == CARD_SIZE


def test_render_writes_the_card_and_the_technique_share_image(tmp_path: Path) -> None:
    root = Path(shutil.copytree(BASIC, tmp_path / "repo"))
    out = tmp_path / "docs"
    render(open_catalog(root), out, site_root=REPO)
    assert Image.open(out / CARD_PATH).size == CARD_SIZE
    page = (out / "techniques" / "x-ray-to-text.md").read_text(encoding="utf-8")
    front = page.split("---")[1]
    assert 'image: "assets/demo-figures/figures/toy-demo.png"' in front
    assert (out / "assets" / "demo-figures" / "figures" / "toy-demo.png").is_file()
    assert "image_alt:" in front
    other = (out / "techniques" / "audio-to-text.md").read_text(encoding="utf-8").split("---")[1]
    assert "image:" not in other  # no demo: the site card is used (overrides/main.html)
