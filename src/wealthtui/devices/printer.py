"""The lobby's ticket printer: ESC/POS through python-escpos, to a network printer (raw TCP,
port 9100), a file or device node (`/dev/usb/lp0` for a USB printer), or a serial port.

python-escpos encodes text through single-byte code pages and has none for Chinese, so the text
goes through its raw API: each line is sent between FS & (0x1C 0x26, the printer's Chinese
character mode) and FS . (0x1C 0x2E), encoded as GB18030 (GBK is a subset; ASCII is one byte).
Layout (alignment, size, emphasis, the cut) uses python-escpos's own commands. Text from people
is stripped of control characters first, so it cannot carry printer commands.

`ticket_bytes()` builds the job without a device (a python-escpos Dummy); `print_ticket()` sends
it and raises PrinterError (one line) when the printer is off, refuses, or is not configured.
It blocks for up to `timeout_seconds`: call it off the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from wealthtui.config import PrinterCfg
from wealthtui.notices.templates import cells, plain, wrap_cells

FS_CHINESE_ON = b"\x1c\x26"
FS_CHINESE_OFF = b"\x1c\x2e"


class PrinterError(Exception):
    """The ticket could not be printed; str() says why, in one line."""


@dataclass(frozen=True)
class TicketSlip:
    """What a queue ticket shows (already in the kiosk's language)."""

    center: str
    number: str
    business: str
    ahead: str       # e.g. "前面还有 3 人等候"
    issued_at: str   # e.g. "2026-11-30 09:30"
    reminder: str


def _line(printer: object, text: str, encoding: str) -> None:
    printer._raw(FS_CHINESE_ON + plain(text).encode(encoding, "replace")  # type: ignore[attr-defined]
                 + FS_CHINESE_OFF + b"\n")


def ticket_bytes(slip: TicketSlip, cfg: PrinterCfg) -> bytes:
    """The ESC/POS job of one ticket."""
    from escpos.printer import Dummy

    p = Dummy()
    p.hw("INIT")
    p.set(align="center", bold=True)
    for line in wrap_cells(plain(slip.center), cfg.width):
        _line(p, line, cfg.encoding)
    p.set(align="center", bold=True, double_height=True, double_width=True)
    _line(p, slip.number, cfg.encoding)
    p.set(align="center", bold=False, normal_textsize=True)
    for text in (slip.business, slip.ahead, slip.issued_at):
        for line in wrap_cells(plain(text), cfg.width):
            _line(p, line, cfg.encoding)
    p.set(align="left", normal_textsize=True)
    _line(p, "-" * cfg.width, cfg.encoding)
    for line in wrap_cells(plain(slip.reminder), cfg.width):
        _line(p, line, cfg.encoding)
    p.cut()
    return p.output


def _device(cfg: PrinterCfg) -> object:
    from escpos import printer

    if cfg.kind == "network":
        return printer.Network(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
    if cfg.kind == "file":
        return printer.File(cfg.path)
    if cfg.kind == "serial":
        return printer.Serial(cfg.path, baudrate=cfg.baudrate, timeout=cfg.timeout_seconds)
    raise PrinterError("no printer configured ([printer] kind = \"none\")")


def send(cfg: PrinterCfg, job: bytes) -> None:
    """Open the configured printer, send `job`, close it."""
    from escpos.exceptions import Error as EscposError

    device = _device(cfg)
    try:
        device.open()  # type: ignore[attr-defined]
        device._raw(job)  # type: ignore[attr-defined]
    except (OSError, EscposError) as exc:
        where = f"{cfg.host}:{cfg.port}" if cfg.kind == "network" else cfg.path
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise PrinterError(f"{where}: {reason}"[:300]) from exc
    finally:
        try:
            device.close()  # type: ignore[attr-defined]
        except (OSError, EscposError):
            pass


def print_ticket(cfg: PrinterCfg, slip: TicketSlip) -> None:
    send(cfg, ticket_bytes(slip, cfg))


def decode_text(job: bytes, encoding: str = "gb18030") -> list[str]:
    """The text lines of an ESC/POS job, its commands left out (for tests and diagnostics):
    what stands between FS & and FS . in each line, decoded."""
    lines: list[str] = []
    start = 0
    while (i := job.find(FS_CHINESE_ON, start)) >= 0:
        j = job.find(FS_CHINESE_OFF, i)
        if j < 0:
            break
        lines.append(job[i + len(FS_CHINESE_ON):j].decode(encoding))
        start = j + len(FS_CHINESE_OFF)
    return lines


__all__ = ["PrinterError", "TicketSlip", "cells", "decode_text", "print_ticket", "send",
           "ticket_bytes"]
