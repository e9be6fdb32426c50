"""QR codes as inline SVG. Short URLs keep them sparse enough to scan from a phone screen."""

import segno


def qr_svg(url: str, scale: int = 6) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff")
