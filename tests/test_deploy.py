"""The shipped deployment files (issue 26, item 4): systemd units that systemd itself
accepts, whose scheduled commands exist, and an nginx TLS front that nginx accepts.
scripts/observatory.py (CI) serves the site through that very nginx file and Varnish."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from django.core.management import get_commands

from .support.frontends import program
from .support.serving import ROOT

UNITS = sorted((ROOT / "deploy" / "systemd").glob("healthsite*"))


def test_there_are_units_for_the_site_and_each_scheduled_chore():
    names = {unit.name for unit in UNITS}
    assert "healthsite.service" in names
    for service in [name for name in names if name != "healthsite.service"]:
        if service.endswith(".service"):
            assert service.replace(".service", ".timer") in names, service


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs Debian's systemd")
def test_systemd_accepts_every_unit(tmp_path):
    env = tmp_path / "env"
    env.write_text("DJANGO_SETTINGS_MODULE=healthsite.settings.production\n")
    for unit in UNITS:
        text = unit.read_text().replace("/srv/healthsite", str(ROOT))
        (tmp_path / unit.name).write_text(text.replace("/etc/healthsite/env", str(env)))
    (ROOT / ".venv" / "bin").exists() or pytest.skip("needs the project's virtualenv")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(p.name for p in tmp_path.glob("h*"))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # no warning either (unknown keys, bad paths)


def test_every_scheduled_command_exists():
    commands = get_commands()
    for unit in UNITS:
        for command in re.findall(r"manage\.py (\w+)", unit.read_text()):
            assert command in commands, f"{unit.name} runs manage.py {command}"


@pytest.mark.skipif(
    not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"), reason="nginx"
)
def test_nginx_accepts_the_tls_front(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from observatory import certificate, tls_front_config
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    cert, key = certificate(tmp_path)
    site = tmp_path / "site.conf"
    site.write_text(tls_front_config("http://127.0.0.1:6081", cert, key, 8080, 8443))
    text = site.read_text()
    assert "location = /metrics" in text and "return 404" in text
    assert "X-Forwarded-Proto https" in text
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; include {site}; }}\n"
    )
    done = subprocess.run(
        [program("nginx"), "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
