"""The demo's disclosure page (公示) in a real browser, Debian's headless Chromium: it reads on a
phone 375 px wide without sideways scrolling, and prints on one A4 page.

Marked ``browser``; skipped, loudly, where ``chromium`` is not installed (``make test``
installs it where it can, and says so when it cannot).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import commons
from commons.demo import run_demo
from commons.demo.audit import DISCLOSURE_PAGE

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
PHONE = (375, 800)
# Chromium's headless window is never narrower than 500 px, whatever --window-size says (the
# screenshot alone is cut to it), so the overflow probe lays the page out in a root box of the
# phone's width; under 600 px the page's phone layout applies either way, and the probe checks
# that it did.
PROBE = ("<style>html{width:%dpx}</style><script>"
         "var r=0;document.querySelectorAll('body *').forEach(function(e){"
         "r=Math.max(r,e.getBoundingClientRect().right)});"
         "document.title='probe '+Math.ceil(r)+' '+document.body.scrollWidth+' '"
         "+matchMedia('(max-width:600px)').matches;</script></body>")


def _chromium(profile: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=timeout, check=False,
        env={**os.environ, "LANG": "C.UTF-8"})


def pdf_pages(data: bytes) -> int:
    """How many pages a PDF has: its ``/Type /Page`` objects (not ``/Pages``, the tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo's disclosure page, as the demo writes it beside its database."""
    if CHROMIUM is None:
        pytest.skip("BROWSER CHECKS SKIPPED: chromium is not installed (apt-get install -y "
                    "--no-install-recommends chromium); the disclosure page was not checked "
                    "in a browser")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True,
                           check=False).stdout if shutil.which("fc-list") else ""
    if not fonts.strip():
        pytest.skip("BROWSER CHECKS SKIPPED: no Chinese font is installed (apt-get install -y "
                    "fonts-wqy-microhei), so the page would not be laid out as residents see "
                    "it")
    folder = tmp_path_factory.mktemp("browser")
    with commons.connect(folder / "demo.db") as api:
        run_demo(api)
    yield folder / "demo-files" / DISCLOSURE_PAGE


def _widest(page_html: str, folder: Path) -> tuple[int, int, str]:
    """The page laid out at the phone's width: the rightmost edge of any element, the body's
    scroll width (both in px), and whether the phone layout applied ("true")."""
    probe = folder / "probe.html"
    probe.write_text(page_html.replace("</body>", PROBE % PHONE[0]), encoding="utf-8")
    done = _chromium(folder / "profile", f"--window-size={PHONE[0]},{PHONE[1]}",
                     "--dump-dom", probe.as_uri())
    found = re.search(r"<title>probe (\d+) (\d+) (\w+)</title>", done.stdout)
    assert found is not None, done.stderr[-2000:]
    return int(found.group(1)), int(found.group(2)), found.group(3)


def test_the_page_reads_on_a_phone_without_sideways_scrolling(page: Path,
                                                              tmp_path: Path) -> None:
    html = page.read_text("utf-8")
    assert "<script" not in html and "http" not in html.split("<body>")[0]  # self-contained
    right, scroll, phone_layout = _widest(html, tmp_path)
    assert phone_layout == "true"
    assert right <= PHONE[0] and scroll <= PHONE[0], (right, scroll)
    shot = tmp_path / "phone.png"
    _chromium(tmp_path / "profile", f"--window-size={PHONE[0]},{PHONE[1]}",
              "--hide-scrollbars", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == PHONE


def test_the_probe_sees_a_page_wider_than_a_phone(page: Path, tmp_path: Path) -> None:
    """The probe itself: one unbreakable line wider than the phone is caught."""
    wide = page.read_text("utf-8").replace("</body>", f"<pre>{'8' * 80}</pre></body>")
    right, scroll, _ = _widest(wide, tmp_path)
    assert max(right, scroll) > PHONE[0]


def test_the_page_prints_on_one_a4_sheet(page: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "page.pdf"
    done = _chromium(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                     page.as_uri())
    assert pdf.is_file(), done.stderr[-2000:]
    data = pdf.read_bytes()
    assert pdf_pages(data) == 1
    # A4 portrait is 595 x 842 points; Chromium writes the MediaBox of each page.
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box is not None and (round(float(box.group(1))), round(float(box.group(2)))) == (
        595, 842)


def test_the_page_counter_counts_pages(page: Path, tmp_path: Path) -> None:
    """The counter itself, on a page made three sheets long: it must not just say 1."""
    long = tmp_path / "long.html"
    long.write_text(page.read_text("utf-8").replace(
        "</body>", "<div style=\"height:2000mm\"></div></body>"), encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    _chromium(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
              long.as_uri())
    assert pdf_pages(pdf.read_bytes()) >= 3
