"""Screenshot the admin's dashboard of a running portal (the manual's picture, docs/dashboard.png).

    .venv/bin/python scripts/dashboard_screenshot.py http://127.0.0.1:8000 USER PASSWORD \\
        docs/dashboard.png

Drives Debian's Chromium (apt-get install chromium) with Playwright, at 1366 px.
"""

import sys

from playwright.sync_api import sync_playwright


def main() -> None:
    base, user, password, out = sys.argv[1:5]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base.rstrip("/") + "/")
        page.fill("#id_username", user)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("input[type=submit]")
        page.wait_for_selector("#dashboard")
        page.locator("#dashboard").screenshot(path=out)
        browser.close()


if __name__ == "__main__":
    main()
