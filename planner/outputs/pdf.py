"""HTML to PDF with headless Chromium (``--print-to-pdf``), offline.

The page's print CSS decides the paper (``@page { size: A4 }``), breaks and
margins; Chromium's own header and footer are left out. Network access is cut
(dead proxy, no DNS), so a page that tried to fetch anything would print
without it rather than wait. Without a Chromium binary :class:`PdfError`
says what to install."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--mute-audio",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)


class PdfError(RuntimeError):
    """No browser to print with, or the browser failed."""


def chromium() -> str | None:
    """The first Chromium or Chrome binary on PATH."""
    return next((p for p in map(shutil.which, BINARIES) if p), None)


def print_pdf(html: Path, pdf: Path, *, timeout_s: float = 180.0) -> Path:
    """Print the page ``html`` to ``pdf`` and return ``pdf``."""
    binary = chromium()
    if binary is None:
        msg = (f"no Chromium found to print {pdf.name} (looked for {', '.join(BINARIES)}); "
               "install Debian's chromium package")
        raise PdfError(msg)
    with tempfile.TemporaryDirectory(prefix="planner-pdf-") as profile:
        try:
            done = subprocess.run(  # noqa: S603
                [binary, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                 html.resolve().as_uri()],
                capture_output=True, timeout=timeout_s, check=False,
            )
        except subprocess.TimeoutExpired:
            msg = f"Chromium did not print {pdf.name} within {timeout_s:.0f} s"
            raise PdfError(msg) from None
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        msg = f"Chromium could not print {pdf.name}: {' / '.join(tail) or done.returncode}"
        raise PdfError(msg)
    return pdf
