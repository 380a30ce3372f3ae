"""Score the site on Mozilla's HTTP Observatory, locally, with production settings behind TLS.

`make observatory` runs this. It installs npm's @mdn/mdn-http-observatory into
var/observatory/ when missing (with --ignore-scripts: its postinstall downloads the HSTS
preload and TLD lists; the scoring gets empty ones instead, so no preload bonus), makes
a throwaway database with the corpus approved, a self-signed certificate for localhost,
and starts two gunicorns with production settings: one speaking TLS (the site) and one
plain HTTP (which redirects to it, as a load balancer's port 80 would). Then it scores
each page and exits 1 when one scores below MINIMUM.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import free_port  # noqa: E402

PACKAGE = "@mdn/mdn-http-observatory@1.4"
INSTALL_DIR = ROOT / "var" / "observatory"
PACKAGE_DIR = INSTALL_DIR / "node_modules" / "@mdn" / "mdn-http-observatory"
PAGES = ["/en/", "/en/topics/leg-cramps/", "/admin/login/"]
MINIMUM = 110
GUNICORN = Path(sys.executable).with_name("gunicorn")


def install() -> None:
    if not (PACKAGE_DIR / "package.json").exists():
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", PACKAGE],
            cwd=INSTALL_DIR,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    conf = PACKAGE_DIR / "conf"
    for name, empty in (("hsts-preload.json", "{}"), ("tld-list.json", "[]")):
        if not (conf / name).exists():
            (conf / name).write_text(empty)


def certificate(work: Path) -> tuple[Path, Path]:
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def wait_for(port: int, process: subprocess.Popen) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def main() -> int:
    install()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="observatory-")))
        cert, key = certificate(work)
        https_port, http_port = free_port(), free_port()
        base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        production = {
            **base,
            "DJANGO_SETTINGS_MODULE": "healthsite.settings.production",
            "DJANGO_SECRET_KEY": "observatory-only-" + os.urandom(24).hex(),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "DJANGO_SECURE_SSL_HOST": f"localhost:{https_port}",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        manage(production, "migrate", "--noinput", "-v0")
        manage(production, "compilemessages", "-v0")
        manage(production, "collectstatic", "--noinput", "-v0")
        # Demo content only so the pages exist: production refuses seed_demo and wants
        # load_content to name a real author (--by), so both run with dev settings on the
        # same database.
        demo = {**production, "DJANGO_SETTINGS_MODULE": "healthsite.settings.dev"}
        manage(demo, "load_content")
        manage(demo, "seed_demo")
        servers = []
        for port, tls in ((https_port, True), (http_port, False)):
            command = [str(GUNICORN), "healthsite.wsgi", "-c", "healthsite/gunicorn.conf.py"]
            command += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
            if tls:
                command += ["--certfile", str(cert), "--keyfile", str(key)]
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=production,
                stdout=subprocess.DEVNULL,
                stderr=work.joinpath(f"gunicorn-{port}.log").open("w"),
            )
            stack.callback(process.wait, 20)
            stack.callback(process.terminate)
            servers.append((port, process))
        for port, process in servers:
            wait_for(port, process)

        # The certificate is trusted the normal way, so TLS is verified as for a real site.
        node_env = {**base, "NODE_EXTRA_CA_CERTS": str(cert)}
        failed = False
        for page in PAGES:
            result = subprocess.run(
                ["node", str(ROOT / "scripts" / "observatory.mjs"), str(PACKAGE_DIR)]
                + ["localhost", str(http_port), str(https_port), page],
                env=node_env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            try:
                report = json.loads(result.stdout.strip().splitlines()[-1])
            except (IndexError, json.JSONDecodeError):
                print(f"{page}: no result\n{result.stdout}\n{result.stderr}")
                failed = True
                continue
            score = report.get("score")
            ok = score is not None and score >= MINIMUM
            failed |= not ok
            print(
                f"{page}: {score} ({report.get('grade')}) {'ok' if ok else 'BELOW ' + str(MINIMUM)}"
            )
            for name, (outcome, modifier) in sorted(report.get("tests", {}).items()):
                print(f"    {name:32} {modifier:+4d}  {outcome}")
            if "error" in report:
                print(f"    error: {report['error']}")
    return 1 if failed else 0


if __name__ == "__main__":
    if not shutil.which("node") or not shutil.which("npm"):
        sys.exit("observatory: needs node and npm (apt-get install -y nodejs npm)")
    sys.exit(main())
