"""Start the services around the site on loopback, each in a temporary directory and
stopped on exit: Varnish with the shipped configuration (deploy/varnish/default.vcl),
Redis, and nginx (the benchmark's static-file baseline). Used by the server tests and by
scripts/bench.py; scripts/with-services does the same from the shell."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from .serving import ROOT, free_port, wait_until_up

VCL = ROOT / "deploy" / "varnish" / "default.vcl"
BACKENDS = re.compile(r"# BEGIN backends.*?# END backends", re.S)


def have(program: str) -> bool:
    return shutil.which(program) is not None or Path("/usr/sbin", program).exists()


def program(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


def request(url: str, method: str = "GET", **headers: str) -> tuple[int, dict, bytes]:
    """One HTTP request, the body as sent (no decompression); headers by lower-case name."""
    match = re.match(r"http://([^/:]+):(\d+)(/.*)?$", url)
    host, port, path = match[1], int(match[2]), match[3] or "/"
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def vcl_for(backends: list[str]) -> str:
    """The shipped VCL with its backend block naming `backends` ("host:port" each)."""
    lines = ["# BEGIN backends (written by tests/support/frontends.py)"]
    for number, address in enumerate(backends, 1):
        host, port = address.rsplit(":", 1)
        lines += [
            f"backend app{number} {{",
            f'    .host = "{host}";',
            f'    .port = "{port}";',
            "    .connect_timeout = 2s;",
            "    .first_byte_timeout = 30s;",
            "}",
        ]
    lines += ["sub vcl_init {", "    new app = directors.round_robin();"]
    lines += [f"    app.add_backend(app{number});" for number in range(1, len(backends) + 1)]
    lines += ["}", "# END backends"]
    text = VCL.read_text()
    assert BACKENDS.search(text), "deploy/varnish/default.vcl lost its backend markers"
    return BACKENDS.sub(lambda _match: "\n".join(lines), text)


@contextmanager
def running_varnish(
    work: Path,
    backends: list[str],
    *,
    port: int = 0,
    purge_port: int = 0,
    memory: str = "64m",
    own_session: bool = False,
):
    """varnishd with the shipped VCL in front of `backends`; yields its public base URL.
    It takes purges on its `purge` address, 127.0.0.1:`purge_port` (the URL the site's
    DJANGO_FRONTEND_CACHE_URLS names). `own_session`: in a session of its own, so Linux
    schedules it apart from the caller's processes, as a service of its own would be."""
    work.mkdir(parents=True, exist_ok=True)
    vcl = work / "default.vcl"
    vcl.write_text(vcl_for(backends))
    port = port or free_port()
    purge_port = purge_port or free_port()
    log = open(work / "varnishd.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            program("varnishd"),
            "-F",  # foreground: the process to stop is this one
            "-j",
            "none",  # as root, no privilege separation to an unknown user
            "-n",
            str(work / "state"),
            "-a",
            f"public=127.0.0.1:{port}",
            "-a",
            f"purge=127.0.0.1:{purge_port}",
            "-T",
            f"127.0.0.1:{free_port()}",
            "-f",
            str(vcl),
            "-s",
            f"malloc,{memory}",
            "-p",
            "default_grace=0",
        ],
        stdout=log,
        stderr=log,
        start_new_session=own_session,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz/", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextmanager
def hung_varnish(work: Path):
    """The varnishd that `running_varnish(work, ...)` started stops answering (SIGSTOP of
    its processes: the connection is taken, nothing comes back), as a hung cache would,
    and resumes on exit (SIGCONT), with what it held."""
    found = subprocess.run(
        ["pgrep", "-f", str(work / "state")], capture_output=True, text=True
    ).stdout.split()
    assert found, f"no varnishd runs in {work}"
    pids = [int(pid) for pid in found]
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


class RedisServer:
    """redis-server on loopback that can be hung, resumed, killed and restarted from the
    dump it saved (`save()`), as a server that comes back with old data would."""

    def __init__(self, work: Path):
        self.work = work
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        work.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                program("redis-server"),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.work),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.command("PING").startswith(b"+PONG"):
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)

    def command(self, *words: str) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall((" ".join(words) + "\r\n").encode())
            return sock.recv(256)

    def save(self) -> None:
        assert self.command("SAVE").startswith(b"+OK")

    def hang(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def running_redis_server(work: Path):
    """A started RedisServer, stopped on exit."""
    redis = RedisServer(work)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def running_redis(work: Path):
    """redis-server on loopback, nothing saved unless asked; yields its redis:// URL."""
    with running_redis_server(work) as redis:
        yield redis.url


@contextmanager
def running_nginx(work: Path, root: Path):
    """nginx serving the files in `root` (a static-file baseline); yields its base URL."""
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = work / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(
        f"""{user}
worker_processes 2;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ }}
    }}
}}
"""
    )
    process = subprocess.Popen(
        [program("nginx"), "-c", str(conf), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                request(base + "/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
