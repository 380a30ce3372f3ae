"""Lighthouse's accessibility score on every public page type (issue 23: 100, beside axe's
zero violations in tests/test_browser.py): npm's `lighthouse` CLI, pinned and installed
into var/lighthouse on first use, drives Debian's Chromium against the live server.

Lighthouse reaches nothing but the live server: Chromium resolves no host name other
than the loopback's (--host-resolver-rules), and Lighthouse's error reporting is off."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from reviews import workflow
from tests import test_browser as public_browser
from tests.test_public_html import missing

# The Chromium check, the live server's database and its restore come from the public-site
# browser tests.
pytestmark = public_browser.pytestmark
restore_database_afterwards = public_browser.restore_database_afterwards
site_url = public_browser.site_url

# 12.8 is the last line that runs on Node 18 and 20 (13 needs Node 22.19).
LIGHTHOUSE_VERSION = "12.8.2"
LIGHTHOUSE_DIR = Path(settings.BASE_DIR) / "var" / "lighthouse"
LIGHTHOUSE_PACKAGE = LIGHTHOUSE_DIR / "node_modules" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    # No name resolves but the live server's: nothing leaves the machine, no DNS query.
    '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"'
)
WITHDRAWN = "leg-cramps"
# Each public page type, in English and in Arabic (right to left), on a phone
# (Lighthouse's default emulation) and some on a desktop's screen: status, path, screen.
PAGES = [
    (200, "/en/", "mobile"),
    (200, "/ar/", "mobile"),
    (200, "/ar/", "desktop"),
    (200, "/en/regions/chest/", "mobile"),
    (200, "/ar/regions/chest/", "mobile"),
    (200, "/en/topics/chest-spasms-intercostal-neuralgia/", "mobile"),
    (200, "/ar/topics/chest-spasms-intercostal-neuralgia/", "mobile"),
    (200, "/en/topics/chest-spasms-intercostal-neuralgia/", "desktop"),
    (200, "/en/search/?q=cramp", "mobile"),
    (200, "/ar/search/?q=%D8%AA%D8%B4%D9%86%D8%AC", "mobile"),  # تشنج
    (200, "/en/a-z/", "mobile"),
    (200, "/en/a-z/", "desktop"),
    (200, "/ar/emergency-numbers/", "mobile"),
    (410, f"/en/topics/{WITHDRAWN}/", "mobile"),
]
# Lighthouse's settings (--config-path): the public pages run no JavaScript (checked
# below), so their DOM is final at the load event and Lighthouse need not wait for the
# network and the CPU to go quiet (its 4 x 1 s pauses: a third of each run).
SETTINGS = {
    "onlyCategories": ["accessibility"],
    "pauseAfterFcpMs": 0,
    "pauseAfterLoadMs": 0,
    "networkQuietThresholdMs": 0,
    "cpuQuietThresholdMs": 0,
}
SCREENS = {
    "mobile": {},  # Lighthouse's default: a phone's screen, 412 x 823
    "desktop": {  # as Lighthouse's --preset=desktop (ignored beside --config-path)
        "formFactor": "desktop",
        "screenEmulation": {
            "mobile": False, "width": 1350, "height": 940, "deviceScaleFactor": 1,
            "disabled": False,
        },
    },
}  # fmt: skip
# Two Lighthouse runs at once (one Chromium each): about half the time on two cores.
WORKERS = 2


def lighthouse_cli() -> Path:
    """npm's lighthouse at LIGHTHOUSE_VERSION in var/lighthouse (git-ignored), installed on
    first use and again when the pin changes; no install scripts run."""
    installed = LIGHTHOUSE_PACKAGE / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != LIGHTHOUSE_VERSION:
        if not shutil.which("npm"):
            missing("npm, to install lighthouse (apt-get install nodejs npm)")
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(LIGHTHOUSE_DIR), "--ignore-scripts", "--no-audit",
             "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True, capture_output=True, timeout=600,
        )  # fmt: skip
    return LIGHTHOUSE_PACKAGE / "cli" / "index.js"


def accessibility_report(
    cli: Path, url: str, output: Path, *, error_status: bool, screen: str
) -> dict:
    """One Lighthouse run (its own Chromium), accessibility only: its JSON report, or a
    report of our own that carries Lighthouse's error."""
    config = output.with_suffix(".config.json")
    config.write_text(json.dumps(
        {"extends": "lighthouse:default", "settings": {**SETTINGS, **SCREENS[screen]}}
    ))  # fmt: skip
    command = [
        shutil.which("node"), str(cli), url, f"--config-path={config}",
        "--only-categories=accessibility", "--output=json", f"--output-path={output}",
        f"--chrome-flags={CHROME_FLAGS}", "--quiet", "--no-enable-error-reporting",
        "--disable-full-page-screenshot",
    ]  # fmt: skip
    if error_status:  # a 404 or 410 page is a page too (Lighthouse refuses it otherwise)
        command.append("--ignore-status-code")
    # Chromium's singleton socket folder goes in TMPDIR, and a Chromium that Lighthouse
    # stops leaves it there (14 /tmp/org.chromium.Chromium.* folders a run): a folder of
    # its own, removed after. (Short: a socket's path has at most 107 bytes, and pytest's
    # tmp_path is too long for Chromium to start.)
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
        result = subprocess.run(
            command,
            env={**os.environ, "CHROME_PATH": str(public_browser.CHROMIUM), "TMPDIR": scratch},
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
    if result.returncode != 0 or not output.exists():
        return {"runtimeError": result.stderr[:3000], "categories": {}}
    return json.loads(output.read_text())


def score_and_failures(report: dict) -> tuple[float | None, list[str]]:
    """The accessibility score (0 to 1, None if Lighthouse failed) and each audit that
    counts and did not pass, with the elements it names."""
    failures = []
    if report.get("runtimeError"):
        failures.append(f"runtime error: {report['runtimeError']}")
    category = report["categories"].get("accessibility") or {"score": None, "auditRefs": []}
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            items = (audit.get("details") or {}).get("items", [])
            nodes = [(item.get("node") or {}).get("snippet", item) for item in items[:5]]
            failures.append(f"{ref['id']} ({audit['title']}): {nodes}")
    return category["score"], failures


@contextmanager
def canary_server():
    """A page with known faults (no language, an image without alt text) on a loopback
    port of its own, for the whole of the `with`."""
    page = b'<!doctype html><title>Canary</title><img src="data:,">'

    class Canary(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/canary.html"
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the live server)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_lighthouse_scores_100_for_accessibility_on_every_public_page_type(site_url, tmp_path):
    if not shutil.which("node"):
        missing("node (apt-get install nodejs)")
    cli = lighthouse_cli()
    reviewer = get_user_model().objects.get(username="reviewer")  # seed_demo's
    workflow.withdraw("topic", WITHDRAWN, by=reviewer, reason="Lighthouse test")
    for status, path, _screen in PAGES:
        answer, html = fetch(site_url + path)
        assert answer == status, path
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert set(scripts) <= {'<script type="application/ld+json">'}, (path, scripts)  # SETTINGS

    # The canary's known faults prove that Lighthouse ran its accessibility audits and
    # reports what fails.
    with canary_server() as canary_url, ThreadPoolExecutor(max_workers=WORKERS) as pool:
        runs = [(200, canary_url, "mobile")] + [
            (status, site_url + path, screen) for status, path, screen in PAGES
        ]

        def run(index: int) -> dict:
            status, url, screen = runs[index]
            output = tmp_path / f"report{index}.json"
            return accessibility_report(cli, url, output, error_status=status != 200, screen=screen)

        reports = list(pool.map(run, range(len(runs))))
    for (_status, _url, screen), report in zip(runs, reports, strict=True):
        if "configSettings" in report:
            assert report["configSettings"]["formFactor"] == SCREENS[screen].get(
                "formFactor", "mobile"
            )
    results = [score_and_failures(report) for report in reports]
    canary_score, canary_failures = results.pop(0)
    assert canary_score is not None and canary_score < 1, canary_failures
    assert any(f.startswith("image-alt") for f in canary_failures), canary_failures
    assert any(f.startswith("html-has-lang") for f in canary_failures), canary_failures

    named = {
        f"{path} ({screen})": result
        for (_s, path, screen), result in zip(PAGES, results, strict=True)
    }
    print(
        "Lighthouse accessibility:",
        {name: score and round(score * 100) for name, (score, _f) in named.items()},
    )
    failing = {name: result for name, result in named.items() if result[0] != 1 or result[1]}
    assert not failing, "\n".join(
        f"{name}: {score}\n  " + "\n  ".join(failures)
        for name, (score, failures) in failing.items()
    )
