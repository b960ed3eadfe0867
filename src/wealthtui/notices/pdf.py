"""A notice as a printable A4 PDF (reportlab). Chinese is set in reportlab's built-in CID font
STSong-Light (Adobe-GB1, the PDF viewer supplies the glyphs): no font file is shipped or needed.
The text is drawn as text, never parsed as markup (no Paragraph mini-language)."""

from __future__ import annotations

import io

from wealthtui.notices.templates import Rendered

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _wrap(text: str, width: float, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and stringWidth(line + ch, FONT, size) > width:
                cut = line.rfind(" ") if ch != " " and ch.isascii() else -1
                if cut > 0 and line[cut + 1:].isascii():  # keep an English word whole
                    lines.append(line[:cut])
                    line = line[cut + 1:]
                else:
                    lines.append(line)
                    line = ""
            if not (ch == " " and not line):
                line += ch
        lines.append(line)
    return lines


def qr_modules(payload: str) -> list[tuple[int, int]]:
    """The dark modules (column, row) of the QR code of `payload` (segno, error level M, no
    quiet zone): what the PDF draws, one square each."""
    import segno

    code = segno.make_qr(payload, error="m")
    return [(x, y) for y, row in enumerate(code.matrix) for x, dark in enumerate(row) if dark]


def _draw_qr(canvas, payload: str, right: float, top: float, size: float) -> None:  # type: ignore[no-untyped-def]
    """The QR code of `payload`, `size` points square, its top right corner at (right, top),
    with the payload written under it."""
    modules = qr_modules(payload)
    count = max(max(x for x, _ in modules), max(y for _, y in modules)) + 1
    cell = size / count
    left = right - size
    for x, y in modules:
        canvas.rect(left + x * cell, top - (y + 1) * cell, cell, cell, stroke=0, fill=1)
    canvas.setFont(_font(), 9)
    canvas.drawCentredString(left + size / 2, top - size - 12, payload)


def to_pdf(rendered: Rendered, *, author: str = "", qr: str = "") -> bytes:
    """The notice on A4 pages: title, then the body wrapped to the margins; `qr`: a payload
    whose QR code is drawn at the top right of the first page (an appointment's reference,
    never personal data)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = _font()
    buf = io.BytesIO()
    page_w, page_h = A4
    margin = 25 * mm
    canvas = Canvas(buf, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle(rendered.title)
    canvas.setAuthor(author)
    canvas.setCreator("wealthtui")
    size, leading = 12.0, 20.0
    y = page_h - margin
    canvas.setFont(font, 18)
    canvas.drawCentredString(page_w / 2, y, rendered.title)
    y -= 36
    if qr:
        _draw_qr(canvas, qr, page_w - margin, y + 8, 30 * mm)
        y -= 30 * mm
    canvas.setFont(font, size)
    for line in _wrap(rendered.body.strip("\n"), page_w - 2 * margin, size):
        if y < margin:
            canvas.showPage()
            canvas.setFont(font, size)
            y = page_h - margin
        canvas.drawString(margin, y, line)
        y -= leading
    canvas.showPage()
    canvas.save()
    return buf.getvalue()
