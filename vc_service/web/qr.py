"""QR codes as SVG. Short URLs keep them sparse enough to scan from a phone screen."""

import segno


def qr_svg(url: str, scale: int = 6, *, fluid: bool = False) -> str:
    """A QR code as SVG; ``fluid`` (for pages) leaves out its size, so CSS sets it and the code
    scales without blank space, instead of keeping ``scale`` pixels a module (for files)."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff", omitsize=fluid)
