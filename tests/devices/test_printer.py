"""The ticket printer (issue 18): the ESC/POS job sent to a REAL local TCP server (as a network
printer on port 9100 would get it), decoded back — commands stripped, Chinese as GB18030 — and
a printer that is off (a closed port) gives a one-line error, not a traceback."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.config import PrinterCfg
from wealthtui.devices.printer import (
    PrinterError,
    TicketSlip,
    decode_text,
    print_ticket,
    send,
    ticket_bytes,
)
from wealthtui.notices.templates import cells

SLIP = TicketSlip(center="某某支行个人理财中心", number="A012", business="现金业务",
                  ahead="前面还有 3 人等候", issued_at="2026-11-30 09:30",
                  reminder="请留意叫号，过号请重新取号。")

#: the ESC/POS commands a ticket job uses (initialise, emphasis, alignment, print mode,
#: character size, Chinese mode on/off, cut), to strip them when decoding independently
COMMANDS = re.compile(rb"\x1b@|\x1b[EaM!]\x00|\x1b[EaM!].|\x1d!.|\x1c[&.]|\x1dV[AB]?.?")


class Capture:
    """A one-shot TCP server: accepts one connection and keeps what it received."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.data = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            while chunk := conn.recv(4096):
                self.data += chunk

    def received(self) -> bytes:
        self.thread.join(timeout=10)
        self.sock.close()
        return self.data


@pytest.fixture
def capture() -> Iterator[Capture]:
    server = Capture()
    yield server
    server.sock.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_ticket_reaches_a_network_printer_with_its_chinese_text(capture: Capture) -> None:
    cfg = PrinterCfg(kind="network", host="127.0.0.1", port=capture.port)
    print_ticket(cfg, SLIP)
    data = capture.received()
    assert data.startswith(b"\x1b@")  # initialised
    assert "现金业务".encode("gb18030") in data and b"A012" in data
    # decoded as a printer would: commands out, GB18030 in
    text = COMMANDS.sub(b"", data).decode("gb18030")
    for part in ("某某支行个人理财中心", "A012", "现金业务", "前面还有 3 人等候",
                 "2026-11-30 09:30", "请留意叫号，过号请重新取号。"):
        assert part in text
    assert decode_text(data) == ["某某支行个人理财中心", "A012", "现金业务", "前面还有 3 人等候",
                                 "2026-11-30 09:30", "-" * 32, "请留意叫号，过号请重新取号。"]
    assert b"\x1c&" in data and b"\x1c." in data  # Chinese mode on and off around each line
    assert data == ticket_bytes(SLIP, cfg)  # the whole job arrived, the cut last
    assert b"\x1dV" in data[-6:]


def test_a_printer_that_is_off_gives_one_line() -> None:
    cfg = PrinterCfg(kind="network", host="127.0.0.1", port=closed_port(), timeout_seconds=2)
    with pytest.raises(PrinterError) as exc:
        print_ticket(cfg, SLIP)
    message = str(exc.value)
    assert message.startswith(f"127.0.0.1:{cfg.port}:") and "\n" not in message


def test_a_file_printer_gets_the_same_job(tmp_path) -> None:
    out = tmp_path / "lp0"
    cfg = PrinterCfg(kind="file", path=str(out))
    print_ticket(cfg, SLIP)
    assert out.read_bytes() == ticket_bytes(SLIP, cfg)
    with pytest.raises(PrinterError):
        send(PrinterCfg(kind="file", path=str(tmp_path / "no" / "such" / "dir")), b"x")
    with pytest.raises(PrinterError):
        send(PrinterCfg(), b"x")  # kind = "none"


def test_the_printer_settings_need_their_address() -> None:
    with pytest.raises(ValueError):
        PrinterCfg(kind="network")
    with pytest.raises(ValueError):
        PrinterCfg(kind="serial")


@given(st.text(max_size=60))
def test_any_text_on_a_ticket_is_plain_and_fits_the_paper(text: str) -> None:
    """Whatever a name or reminder holds, it cannot smuggle printer commands (no control byte
    outside our own commands) and no printed line is wider than the paper."""
    cfg = PrinterCfg(width=32)
    job = ticket_bytes(TicketSlip(text, "A001", text, text, text, text), cfg)
    for line in decode_text(job):
        assert not any(ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0 for ch in line)
        assert cells(line) <= 32
