"""Render the application icon from its one SVG: hicolor PNGs, and .ico/.icns for the bundles.

    python packaging/make_icons.py OUT              # OUT/hicolor/{16x16,…,512x512,scalable}/apps/
    python packaging/make_icons.py OUT --platform   # also OUT/seminar-archive.ico and .icns

The PNGs are drawn by Qt's SVG renderer (offscreen, no display needed); the .ico and .icns files
are written by Pillow (the `package` extra) from those renders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "resources" / "icons" / "seminar-archive.svg"
NAME = "seminar-archive"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(svg: Path, size: int, target: Path) -> Path:
    """Draw `svg` into a `size`×`size` PNG with a transparent background."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target)):  # PNG, from the suffix
        raise SystemExit(f"make_icons: cannot write {target}")
    return target


def hicolor(svg: Path, out: Path) -> list[Path]:
    """The freedesktop icon theme layout: one PNG per size, and the SVG itself as scalable."""
    written = [
        render(svg, size, out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png")
        for size in HICOLOR_SIZES
    ]
    scalable = out / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    return [*written, scalable]


def platform_icons(svg: Path, out: Path) -> list[Path]:
    """`seminar-archive.ico` (Windows) and `seminar-archive.icns` (macOS), each size rendered."""
    try:
        from PIL import Image
    except ImportError:
        raise SystemExit(
            "make_icons: .ico and .icns need Pillow: pip install -e '.[package]'"
        ) from None
    renders = out / "renders"
    images = {
        size: Image.open(render(svg, size, renders / f"{size}.png")).convert("RGBA")
        for size in sorted({*ICO_SIZES, *ICNS_SIZES})
    }
    ico = out / f"{NAME}.ico"
    largest_ico = images[max(ICO_SIZES)]
    largest_ico.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    icns = out / f"{NAME}.icns"
    images[max(ICNS_SIZES)].save(
        icns, format="ICNS", append_images=[images[s] for s in ICNS_SIZES[:-1]]
    )
    shutil.rmtree(renders)
    return [ico, icns]


def main(argv: list[str] | None = None) -> int:
    """Write the icons; print each file written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to write into")
    parser.add_argument("--svg", type=Path, default=SOURCE, help="the source SVG")
    parser.add_argument(
        "--platform", action="store_true", help="also write the .ico and .icns files (Pillow)"
    )
    options = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    written = hicolor(options.svg, options.out)
    if options.platform:
        written += platform_icons(options.svg, options.out)
    for path in written:
        print(path)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
