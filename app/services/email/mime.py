"""An outbox email as the bytes sent to the mail server, built when the worker sends it.

The message is the one Flask-Mail builds and the standard library writes (multipart/mixed around a
multipart/alternative of the text and the HTML, each UTF-8 and 7bit or 8bit, headers folded as compat32 folds
them): tests/unit/test_mime.py checks them byte for byte. Written directly, it takes a few tens of
microseconds instead of the milliseconds the email package's generator takes, most of them spent re-folding
headers that never need folding.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import socket
import sys
from email import policy
from email.utils import formatdate

from flask_mail import sanitize_address, sanitize_subject

# The message as SMTP wants it: lines ending in CRLF, headers folded as the compat32 policy folds them.
SMTP_POLICY = policy.compat32.clone(linesep="\r\n")
NL = "\r\n"
_LINES = re.compile(r"\r\n|\r|\n")  # how the generator splits a body into lines
# A header that compat32 writes unchanged: printable ASCII words separated by single spaces.
_PLAIN = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
# An address that Flask-Mail's sanitize_address gives back unchanged (no name, ASCII).
_BARE_ADDRESS = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+")
_WIDTH = len(repr(sys.maxsize - 1))


@functools.cache
def _domain() -> str:
    """The host's name for Message-IDs, as email.utils.make_msgid uses, looked up once per process."""
    return socket.getfqdn()


def message_id(email_id: int, idempotency_key: str, created: float) -> str:
    """The same for every attempt to send one outbox row, unique across rows and installations."""
    digest = hashlib.sha256(f"{idempotency_key}:{created!r}".encode()).hexdigest()[:16]
    return f"<{int(created * 100)}.{email_id}.{digest}@{_domain()}>"


def boundary() -> str:
    """A boundary as the generator makes one; the parts are UTF-8 text in MIME headers that never contain a
    line of fifteen '=' signs followed by digits, so none can clash with it."""
    return "=" * 15 + f"{secrets.randbelow(sys.maxsize):0{_WIDTH}d}" + "=="


def header(name: str, value: str) -> bytes:
    line = f"{name}: {value}"
    if len(line) <= 78 and _PLAIN.fullmatch(value):
        return (line + NL).encode("ascii")
    return _folded(name, value)


@functools.lru_cache(maxsize=256)  # a batch of reminders shares its subject
def _folded(name: str, value: str) -> bytes:
    return SMTP_POLICY.fold_binary(name, value)


@functools.lru_cache(maxsize=16)
def _address(address: str) -> str:
    return sanitize_address(address, "utf-8")


def address(address: str) -> str:
    return address if _BARE_ADDRESS.fullmatch(address) else _address(address)


def _text_part(content_type: str, body: str) -> bytes:
    try:
        body.encode("ascii")
        encoding = "7bit"
    except UnicodeEncodeError:
        encoding = "8bit"
    lines = _LINES.split(body)
    written = NL.join(lines[:-1]) + NL if len(lines) > 1 else ""
    head = (
        f'Content-Type: {content_type}; charset="utf-8"{NL}MIME-Version: 1.0{NL}'
        f"Content-Transfer-Encoding: {encoding}{NL}{NL}"
    )
    return (head + written + lines[-1]).encode("utf-8")


def build(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    headers: dict[str, str],
    msgid: str,
    date: float | None = None,
) -> bytes:
    """The message: its own headers in Flask-Mail's order, then `headers` (extra ones, in order)."""
    outer, inner = boundary(), boundary()
    top = [
        header("Content-Type", f'multipart/mixed; boundary="{outer}"'),
        f"MIME-Version: 1.0{NL}".encode(),
        header("Subject", sanitize_subject(subject, "utf-8")) if subject else b"",
        header("From", address(sender)),
        header("To", address(recipient)),
        header("Date", formatdate(date, localtime=True)),
        header("Message-ID", msgid),
        *(header(name, value) for name, value in headers.items()),
        f"{NL}--{outer}{NL}".encode(),
        # Always folded so: the boundary has a fixed length.
        f'Content-Type: multipart/alternative;{NL} boundary="{inner}"{NL}'.encode(),
        f"MIME-Version: 1.0{NL}{NL}--{inner}{NL}".encode(),
    ]
    return b"".join(
        (
            *top,
            _text_part("text/plain", text),
            f"{NL}--{inner}{NL}".encode(),
            _text_part("text/html", html),
            f"{NL}--{inner}--{NL}{NL}--{outer}--{NL}".encode(),
        )
    )
