"""Score the site on Mozilla's HTTP Observatory, locally, with production settings behind TLS.

`make observatory` runs this. It installs npm's @mdn/mdn-http-observatory into
var/observatory/ when missing (with --ignore-scripts: its postinstall downloads the HSTS
preload and TLD lists; the scoring gets empty ones instead, so no preload bonus), makes
a throwaway database with the corpus approved, a self-signed certificate for localhost,
and starts the production chain as deploy/ ships it: gunicorn with production settings,
the shipped Varnish (deploy/varnish/default.vcl) in front of it, and the shipped nginx TLS
front (deploy/nginx/healthsite.conf, its ports, certificate and Varnish address rewritten
for loopback) in front of that, whose port 80 redirects to HTTPS. Then it scores each page
and exits 1 when one scores below MINIMUM.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.frontends import program, running_varnish  # noqa: E402
from tests.support.serving import free_port  # noqa: E402

NGINX_SITE = ROOT / "deploy" / "nginx" / "healthsite.conf"

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


def tls_front_config(varnish: str, cert: Path, key: Path, http_port: int, https_port: int) -> str:
    """deploy/nginx/healthsite.conf on loopback ports, with this certificate and Varnish."""
    text = NGINX_SITE.read_text()
    replacements = [
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"listen \[::\]:\d+[^;]*;\n", ""),
        (r"https://\$host\$request_uri", f"https://$host:{https_port}$request_uri"),
        (r"ssl_certificate \S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};"),
        (r"server 127\.0\.0\.1:6081;", f"server {varnish.removeprefix('http://')};"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        assert count, f"deploy/nginx/healthsite.conf no longer has {pattern!r}"
    return text


@contextmanager
def running_tls_front(work: Path, varnish: str, cert, key, http_port: int, https_port: int):
    work.mkdir(parents=True, exist_ok=True)
    (work / "site.conf").write_text(tls_front_config(varnish, cert, key, http_port, https_port))
    user = "user root;" if os.geteuid() == 0 else ""
    conf = work / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/site.conf;
}}
"""
    )
    process = subprocess.Popen([program("nginx"), "-c", str(conf), "-p", str(work)])
    try:
        for port in (http_port, https_port):
            wait_for(port, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(port: int, process: subprocess.Popen) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{process.args[0]} did not start on port {port}")


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
            # localhost: the scanned site; 127.0.0.1: the start-up probe through Varnish.
            "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
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
        app_port = free_port()
        command = [str(GUNICORN), "healthsite.wsgi", "-c", "healthsite/gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{app_port}", "--workers", "1"]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=production,
            stdout=subprocess.DEVNULL,
            stderr=work.joinpath("gunicorn.log").open("w"),
        )
        stack.callback(process.wait, 20)
        stack.callback(process.terminate)
        wait_for(app_port, process)
        varnish = stack.enter_context(running_varnish(work / "varnish", [f"127.0.0.1:{app_port}"]))
        stack.enter_context(
            running_tls_front(work / "nginx", varnish, cert, key, http_port, https_port)
        )

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
