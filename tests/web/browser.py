"""Debian's chromium driven by Playwright (never a downloaded browser), and page screenshots kept as artifacts."""

from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from ..support import PROJECT_DIR, RunningService, allow_processes

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps calling Google's hosts, which this closed network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_DIR / "test-artifacts" / "screenshots"
ORGANIZER_PASSWORD = "a long organizer password"


def launch_chromium():
    allow_processes("browser")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    return playwright, browser


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window: 0 when nothing scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def add_organizer(service: RunningService, email: str, password: str = ORGANIZER_PASSWORD) -> None:
    service.command("organizer", "add", email, "--password-stdin", input=password + "\n")


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1000, "height": 900}


def sign_in(
    browser: Browser,
    service: RunningService,
    email: str,
    password: str = ORGANIZER_PASSWORD,
    viewport: dict = DESKTOP,
) -> Page:
    page = browser.new_page(viewport=viewport)
    page.goto(f"{service.url}/dashboard")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{service.url}/dashboard")
    return page
