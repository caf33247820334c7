"""The production-like stack for tests/stack: nginx with deploy/nginx/collaboration.conf (on loopback ports,
with a certificate made for the run), gunicorn with deploy/gunicorn.conf.py and four workers, the worker,
Redis and a fresh PostgreSQL database, all as the README's Production section sets them up."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SITE = ROOT / "deploy" / "nginx" / "collaboration.conf"
REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, emptied at the start of each run
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


def site_for_test(site: str, *, http_port: int, https_port: int, web_port: int, tmp: Path) -> str:
    """The shipped site with only what a loopback run must change: ports, paths and the certificate."""
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;\n", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;\n", ""),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{web_port};"),
        ("/etc/letsencrypt/live/collaboration.example.gov.uk/fullchain.pem", str(tmp / "cert.pem")),
        ("/etc/letsencrypt/live/collaboration.example.gov.uk/privkey.pem", str(tmp / "key.pem")),
        ("/srv/collaboration/", f"{ROOT}/"),
        ("/var/log/nginx/", f"{tmp}/"),
        ("/var/www/letsencrypt", str(tmp)),
    ]
    for old, new in replacements:
        assert old in site, f"{SITE.name} no longer has {old!r}: update the stack test"
        site = site.replace(old, new)
    return site


@dataclass
class Stack:
    database_url: str
    tmp: Path
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "APP_ENV": "production",
            "FLASK_APP": "wsgi",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "BASE_URL": f"https://127.0.0.1:{self.https_port}",
            "TRUSTED_PROXIES": "1",
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "SIGN_IN_LIMIT_PER_ADDRESS": "8 per 15 minutes",  # LIMIT in the tests
            "MAIL_SERVER": "",
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
            "GUNICORN_WORKERS": "4",
            "PYTHONPATH": str(ROOT),
        }

    def __post_init__(self) -> None:
        self.secret_key = secrets.token_urlsafe(48)

    def flask(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "flask"), *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self) -> None:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        self.flask("db", "upgrade")
        self._certificate()
        self._spawn("gunicorn", [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "wsgi:app"])
        self._spawn("worker", [str(BIN / "flask"), "worker"])
        self._nginx()
        wait_for(lambda: self.get("/health", address="127.0.0.1")[0] == 200, "gunicorn behind nginx")

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _certificate(self) -> None:
        subprocess.run(
            [
                shutil.which("openssl") or "openssl",
                *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
                *("-addext", "subjectAltName=IP:127.0.0.1"),
                *("-keyout", str(self.tmp / "key.pem"), "-out", str(self.tmp / "cert.pem")),
            ],
            check=True,
            capture_output=True,
        )

    def _nginx(self) -> None:
        site = site_for_test(
            SITE.read_text(),
            http_port=self.http_port,
            https_port=self.https_port,
            web_port=self.web_port,
            tmp=self.tmp,
        )
        (self.tmp / "site.conf").write_text(site)
        user = "user root root;\n" if os.geteuid() == 0 else ""
        temp_paths = "".join(
            f"    {kind}_temp_path {self.tmp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.tmp / "nginx.conf").write_text(
            f"{user}worker_processes 2;\npid {self.tmp}/nginx.pid;\nerror_log {self.tmp}/nginx-error.log;\n"
            "daemon off;\nevents { worker_connections 256; }\n"
            "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"{temp_paths}    include {self.tmp}/site.conf;\n}}\n"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        command = [nginx, "-e", str(self.tmp / "nginx-error.log"), "-p", str(self.tmp), "-c"]
        test = subprocess.run([*command, str(self.tmp / "nginx.conf"), "-t"], capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        self._spawn("nginx", [*command, str(self.tmp / "nginx.conf")])
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.https_port), 1), "nginx")

    def stop(self) -> None:
        """nginx first (it holds connections to gunicorn open), then the worker and gunicorn."""
        for process in reversed(self.processes.values()):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text()

    # A client

    def connection(self, address: str, *, https: bool = True) -> http.client.HTTPConnection:
        """A connection from `address`, one of loopback's many (127.0.0.0/8): a client of its own."""
        if not https:
            return http.client.HTTPConnection(
                "127.0.0.1", self.http_port, timeout=30, source_address=(address, 0)
            )
        context = ssl.create_default_context(cafile=str(self.tmp / "cert.pem"))
        return http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, timeout=30, source_address=(address, 0), context=context
        )

    def get(self, path: str, *, address: str, headers: dict | None = None):
        connection = self.connection(address)
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, response.headers, body


class Browser:
    """Cookies and CSRF tokens, the way a browser at one address keeps them."""

    def __init__(self, stack: Stack, address: str) -> None:
        self.stack, self.address, self.cookies = stack, address, {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        connection = self.stack.connection(self.address)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"https://127.0.0.1:{self.stack.https_port}{path}"  # as browsers send it
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, text

    def sign_in(self, email: str, password: str, headers: dict | None = None):
        status, _, page = self.request("GET", "/sign-in")
        assert status == 200, page
        token = CSRF.search(page).group(1)
        return self.request(
            "POST", "/sign-in", {"csrf_token": token, "email": email, "password": password}, headers
        )
