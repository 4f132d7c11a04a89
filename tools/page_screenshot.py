"""Pictures of the demo journal in Chromium for the docs: the Monday page
(docs/monday-page.png, README) and `browse`'s due page (docs/browse-due.png).

.venv/bin/python tools/page_screenshot.py
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"
COMMAND = [sys.executable, "-m", "kundenpflege"]


def monday_page(browser: Any, environment: dict[str, str]) -> Path:
    page = subprocess.run([*COMMAND, "report", "html"], env=environment, check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    tab = browser.new_page(viewport={"width": 1000, "height": 1400})
    tab.set_content(page)
    tab.screenshot(path=str(DOCS / "monday-page.png"))
    return DOCS / "monday-page.png"


def browse_due(browser: Any, environment: dict[str, str]) -> Path:
    server = subprocess.Popen([*COMMAND, "browse", "--port", "0"], env=environment,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert server.stderr is not None
        address = server.stderr.readline().split(" at ")[1].split(" ")[0]
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.goto(f"{address}/due")
        tab.screenshot(path=str(DOCS / "browse-due.png"))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
    return DOCS / "browse-due.png"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        environment = {**os.environ, "KUNDENPFLEGE_DB": str(Path(folder) / "demo.db"),
                       "KUNDENPFLEGE_NOW": "2026-11-23T07:00:00+01:00"}  # fmt: skip
        subprocess.run([*COMMAND, "demo"], env=environment, check=True, capture_output=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
            for picture in (monday_page(browser, environment), browse_due(browser, environment)):
                print(picture)
            browser.close()


if __name__ == "__main__":
    main()
