"""Render the demo journal's Monday page in Chromium for README: docs/monday-page.png.

.venv/bin/python tools/page_screenshot.py
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

PICTURE = Path(__file__).resolve().parent.parent / "docs" / "monday-page.png"
VIEWPORT = {"width": 1000, "height": 1400}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        environment = {**os.environ, "KUNDENPFLEGE_DB": str(Path(folder) / "demo.db"),
                       "KUNDENPFLEGE_NOW": "2026-11-23T07:00:00+01:00"}  # fmt: skip
        command = [sys.executable, "-m", "kundenpflege"]
        subprocess.run([*command, "demo"], env=environment, check=True, capture_output=True)
        page = subprocess.run([*command, "report", "html"], env=environment, check=True,
                              capture_output=True, text=True).stdout  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        tab = browser.new_page(viewport=VIEWPORT)
        tab.set_content(page)
        tab.screenshot(path=str(PICTURE))
        browser.close()
    print(PICTURE)


if __name__ == "__main__":
    main()
