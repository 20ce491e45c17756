"""The site's share card: a 1200x630 PNG drawn with Pillow at render time (`assets/atlas/card.png`).

A link to a page without a figure of its own shows this card in a share preview (`og:image`). It
draws the site's name and description on the atlas's teal with the matrix motif of the favicon;
nothing in it is measured, so it holds no numbers.
"""

from __future__ import annotations

import io
import textwrap

CARD_PATH = "assets/atlas/card.png"
"""Where the card lies in the site (overrides/main.html names the same path)."""

CARD_SIZE = (1200, 630)
"""The size share previews expect (1.91:1)."""

_TEAL = (0, 121, 107)
_DEEP = (0, 77, 64)
_ORANGE = (255, 112, 67)
_WHITE = (255, 255, 255)


def site_card(name: str, description: str) -> bytes:
    """The PNG bytes of the card: `name` large, `description` wrapped under it, a 4x4 heat map."""
    from PIL import Image, ImageDraw, ImageFont  # Pillow: imported only when a site is rendered

    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, _TEAL)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - 90, width, height), fill=_DEEP)
    # the matrix motif: a 4x4 grid of cells in steps of white over teal, one accent cell
    cell, gap, left, top = 70, 14, width - 4 * 84 - 70, 110
    for row in range(4):
        for col in range(4):
            level = (row * 3 + col * 5) % 4
            shade = tuple(
                int(t + (w - t) * (0.25 + 0.22 * level)) for t, w in zip(_TEAL, _WHITE, strict=True)
            )
            colour = _ORANGE if (row, col) == (3, 3) else shade
            x, y = left + col * (cell + gap), top + row * (cell + gap)
            draw.rounded_rectangle((x, y, x + cell, y + cell), radius=10, fill=colour)
    title_font = ImageFont.load_default(size=84)
    text_font = ImageFont.load_default(size=36)
    small_font = ImageFont.load_default(size=28)
    draw.text((70, 110), name, font=title_font, fill=_WHITE)
    y = 240
    for line in textwrap.wrap(description, width=34)[:5]:
        draw.text((70, y), line, font=text_font, fill=_WHITE)
        y += 50
    draw.text(
        (70, height - 62),
        "For research and education only; not clinical advice.",
        font=small_font,
        fill=_WHITE,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
