"""A real SMTP server on loopback for tests: Django's SMTP backend talks to it over TCP.

Why not aiosmtpd: it depends on `atpublic`, whose top-level module is named `public`.
Installed into the virtualenv, that module shadows this project's `public` app for any
process whose working directory is not the project root (site-packages comes before the
editable install's finder), so `import public` silently loads the wrong package. The
subset of SMTP that Django's backend speaks (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA with
dot-unstuffing, RSET, NOOP, QUIT) is small enough to serve here with the standard
library's `socketserver`, one thread per connection, on a port the OS picks.

Use the `smtp_server` fixture (tests/conftest.py): it points Django's mail settings at
the server for the test, and `smtp_server.messages` holds every received message as an
`email.message.EmailMessage` (with `envelope_from` and `envelope_to` attributes).
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass
class ReceivedMail:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


@dataclass
class _Mailbox:
    messages: list[ReceivedMail] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    received: threading.Condition = field(init=False)

    def __post_init__(self):
        self.received = threading.Condition(self.lock)

    def add(self, mail: ReceivedMail) -> None:
        with self.received:
            self.messages.append(mail)
            self.received.notify_all()


def _address(argument: str) -> str:
    # "FROM:<a@b> SIZE=12" -> "a@b"
    _, _, rest = argument.partition(":")
    rest = rest.strip()
    if rest.startswith("<"):
        return rest[1 : rest.find(">")]
    return rest.split(" ", 1)[0]


class _SMTPHandler(socketserver.StreamRequestHandler):
    timeout = 10

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        mailbox: _Mailbox = self.server.mailbox  # type: ignore[attr-defined]
        sender: str | None = None
        recipients: list[str] = []
        with mailbox.received:
            mailbox.connections += 1
            mailbox.received.notify_all()
        # A stalled server (SMTPServer.stall) accepts the connection and says nothing.
        self.server.answering.wait()  # type: ignore[attr-defined]
        self.reply("220 localhost test SMTP server ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("ascii", "replace").rstrip("\r\n")
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.wfile.write(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                sender, recipients = _address(argument), []
                self.reply("250 OK")
            elif verb == "RCPT":
                if sender is None:
                    self.reply("503 MAIL first")
                    continue
                recipients.append(_address(argument))
                self.reply("250 OK")
            elif verb == "DATA":
                if not recipients:
                    self.reply("503 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                mailbox.add(ReceivedMail(sender or "", list(recipients), message))
                sender, recipients = None, []
                self.reply("250 OK: queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SMTPServer:
    """`with SMTPServer() as server:` listens on 127.0.0.1 at a free port until the end."""

    def __init__(self) -> None:
        self._mailbox = _Mailbox()
        self._server = _Server(("127.0.0.1", 0), _SMTPHandler)
        self._server.mailbox = self._mailbox  # type: ignore[attr-defined]
        self._server.answering = threading.Event()  # type: ignore[attr-defined]
        self._server.answering.set()  # type: ignore[attr-defined]
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SMTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.answering.set()  # type: ignore[attr-defined]
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def stop(self) -> None:
        """Stop listening: connections to the port are refused until `start`."""
        self.__exit__(None, None, None)

    def start(self) -> None:
        """Listen again on the same port, keeping the messages received so far."""
        server = _Server((self.host, self.port), _SMTPHandler)
        server.mailbox = self._mailbox  # type: ignore[attr-defined]
        server.answering = self._server.answering  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def stall(self) -> None:
        """A hung server: connections are accepted and never greeted until `answer`."""
        self._server.answering.clear()  # type: ignore[attr-defined]

    def answer(self) -> None:
        self._server.answering.set()  # type: ignore[attr-defined]

    @property
    def connections(self) -> int:
        with self._mailbox.lock:
            return self._mailbox.connections

    def wait_for(self, *, connections: int = 0, messages: int = 0, seconds: float = 30) -> bool:
        """Wait until at least so many connections were made and messages received."""
        with self._mailbox.received:
            return self._mailbox.received.wait_for(
                lambda: self._mailbox.connections >= connections
                and len(self._mailbox.messages) >= messages,
                timeout=seconds,
            )

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._mailbox.lock:
            return list(self._mailbox.messages)

    def to(self, address: str) -> list[ReceivedMail]:
        """Messages whose envelope names `address` as a recipient."""
        return [mail for mail in self.messages if address in mail.envelope_to]

    def clear(self) -> None:
        with self._mailbox.lock:
            self._mailbox.messages.clear()
