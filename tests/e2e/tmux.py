"""Drive a real terminal program in tmux: start it at a fixed size, send keys, read the screen.

Each `TmuxSession` runs its own tmux server (a private socket), so tests never touch the user's
tmux. Panes stay after the program exits (remain-on-exit) so the last screen can be read. The
exit status comes from a small shell wrapper that writes it to a file: tmux 3.3 sometimes marks
a pane dead before it has reaped the process, and then never reports the status.

    with TmuxSession([str(exe), "--db", str(db)], env=env) as tm:
        tm.wait_for("工号")
        tm.type("H001"); tm.press("Enter")
        ...
        assert tm.wait_for_exit() == 0
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

#: how long to wait for text to appear before giving up (a guard, not a measurement)
DEFAULT_TIMEOUT = 60.0


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


class TmuxTimeout(AssertionError):
    pass


class TmuxSession:
    def __init__(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        width: int = 120,
        height: int = 40,
        cwd: Path | None = None,
    ) -> None:
        self.command = list(command)
        self.env = env
        self.width, self.height = width, height
        self.cwd = cwd
        self.socket = f"wealthtui-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.target = "app"
        self._status_dir = Path(tempfile.mkdtemp(prefix="wealthtui-e2e-"))
        self.status_file = self._status_dir / "status"

    # --- tmux plumbing ---------------------------------------------------------------------
    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", self.socket, "-f", os.devnull, *args],
                              capture_output=True, text=True, check=check, timeout=30)

    def __enter__(self) -> TmuxSession:
        env_args: list[str] = []
        for key, value in (self.env or {}).items():
            env_args += ["-e", f"{key}={value}"]
        # start a holding shell first so remain-on-exit is set before the program runs
        self.tmux("new-session", "-d", "-s", self.target, "-x", str(self.width), "-y",
                  str(self.height), *env_args, *(["-c", str(self.cwd)] if self.cwd else []),
                  "sleep 600")
        self.tmux("set-option", "-t", self.target, "remain-on-exit", "on")
        self.tmux("set-option", "-t", self.target, "status", "off")
        # the shell records the status atomically (write, then rename) once the program ends
        status = shlex.quote(str(self.status_file))
        wrapper = (f'"$@"; s=$?; echo "$s" > {status}.part && mv {status}.part {status}')
        self.tmux("respawn-pane", "-k", "-t", self.target, *env_args,
                  " ".join(shlex.quote(part) for part in ["sh", "-c", wrapper, "sh",
                                                          *self.command]))
        return self

    def __exit__(self, *exc: object) -> None:
        self.tmux("kill-server", check=False)
        shutil.rmtree(self._status_dir, ignore_errors=True)

    # --- what a test uses --------------------------------------------------------------------
    def capture(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.target).stdout

    def press(self, *keys: str) -> None:
        """tmux key names: "Enter", "Escape", "C-q", "F1", "Tab"."""
        self.tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def wait_for(self, text: str, timeout: float = DEFAULT_TIMEOUT, *,
                 without: str | None = None) -> str:
        """Poll the screen until `text` is on it (and `without` is not: the screen before is
        gone, not only partly drawn over, as tmux can show a frame half written); returns the
        screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if text in screen and (without is None or without not in screen):
                return screen
            if self.exit_status() is not None:
                break
            time.sleep(0.1)
        gone = "" if without is None else f" with {without!r} gone"
        raise TmuxTimeout(f"{text!r} did not appear{gone}; the screen shows:\n{screen}")

    def cursor(self) -> tuple[int, int]:
        """Where the terminal cursor is (Textual puts it at the focused input's caret)."""
        out = self.tmux("display-message", "-p", "-t", self.target,
                        "#{cursor_x} #{cursor_y}").stdout.split()
        return int(out[0]), int(out[1])

    def wait_for_cursor_move(self, start: tuple[int, int], timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until the cursor left `start` (the focus moved to another field)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.cursor() != start:
                return
            time.sleep(0.05)
        raise TmuxTimeout(f"the cursor stayed at {start}; the screen shows:\n{self.capture()}")

    def wait_for_cursor_still(self, still: float = 0.3, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until the cursor has stayed in one place for `still` seconds: a form that opens
        may focus one widget and then the field it starts with, and keys typed in between would
        land in the first one."""
        deadline = time.monotonic() + timeout
        last, since = self.cursor(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.cursor()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= still:
                return
        raise TmuxTimeout(f"the cursor did not settle; the screen shows:\n{self.capture()}")

    def exit_status(self) -> int | None:
        """The program's exit status once it has ended, None while it runs."""
        try:
            status = int(self.status_file.read_text().strip())
        except FileNotFoundError:
            return None
        if status > 128:  # the shell's way of saying "killed by signal status - 128"
            raise AssertionError(f"the program was killed by signal {status - 128}; "
                                 f"the screen shows:\n{self.capture()}")
        return status

    def wait_for_exit(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.exit_status()
            if status is not None:
                return status
            time.sleep(0.1)
        raise TmuxTimeout(f"the program did not exit; the screen shows:\n{self.capture()}")
