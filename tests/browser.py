"""A headless Chromium driven over WebDriver (Debian's ``chromium`` and ``chromium-driver``),
for tests that look at pages as a person would.

Only the standard library speaks to ``chromedriver``: a session, a page opened, a
script run in it, a screenshot.  The browser is started with no network services
of its own (no sync, no component updates, no QUIC) and a throw-away profile.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
#: The flags every headless run uses (the user data folder is added per run).
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip


def chromedriver() -> str | None:
    """The ``chromedriver`` of Debian's ``chromium-driver``, or None when it is not installed."""
    return shutil.which("chromedriver") or next(
        (str(path) for path in (Path("/usr/bin/chromedriver"), Path("/usr/lib/chromium/chromedriver")) if path.exists()),
        None,
    )


def missing() -> str | None:
    """Why no browser test can run here, or None when Chromium and its driver are installed."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (Debian's chromium package; .ci/run installs it)"
    if chromedriver() is None:
        return "chromedriver not found (Debian's chromium-driver package; .ci/run installs it)"
    return None


class Browser:
    """One WebDriver session: :meth:`open` a page, :meth:`run` a script in it, :meth:`screenshot`."""

    def __init__(self, url: str, session: str) -> None:
        self._url = url
        self._session = session

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self._url}/session/{self._session}{path}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["value"]

    def open(self, page: Path) -> None:
        self._call("POST", "/url", {"url": page.resolve().as_uri()})

    def run(self, script: str) -> Any:
        """The value the script's ``return`` gives, run in the open page once it has loaded."""
        return self._call("POST", "/execute/sync", {"script": script, "args": []})

    def run_async(self, script: str) -> Any:
        """The value an asynchronous script passes to ``done`` (its last argument)."""
        wrapped = "const done = arguments[arguments.length - 1];\n" + script
        return self._call("POST", "/execute/async", {"script": wrapped, "args": []})

    def screenshot(self) -> bytes:
        return base64.b64decode(self._call("GET", "/screenshot"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(url: str, driver: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30  # generous: a busy machine starts it slowly; never a hang
    while time.monotonic() < deadline:
        if driver.poll() is not None:
            raise RuntimeError(f"chromedriver exited with {driver.returncode}")
        try:
            with urllib.request.urlopen(url + "/status", timeout=5) as response:
                if json.loads(response.read())["value"].get("ready"):
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("chromedriver did not become ready in 30 s")


@contextmanager
def browser(profile: Path, *, width: int = 1280, height: int = 900) -> Iterator[Browser]:
    """A headless Chromium of the given window size, closed (and its driver stopped) on exit."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    driver = subprocess.Popen(
        [str(chromedriver()), f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_ready(url, driver)
        options = {
            "binary": str(CHROMIUM),
            "args": [*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"],
        }
        request = urllib.request.Request(
            url + "/session",
            data=json.dumps({"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            session = json.loads(response.read())["value"]["sessionId"]
        opened = Browser(url, session)
        opened._call("POST", "/timeouts", {"script": 30000})
        try:
            yield opened
        finally:
            opened._call("DELETE", "")
    finally:
        driver.terminate()
        driver.wait(timeout=30)
