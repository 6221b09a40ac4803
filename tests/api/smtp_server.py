"""A real SMTP server for the tests of mail delivery (aiosmtpd from Debian's python3-aiosmtpd).

    srv = SmtpServer(workdir)            # STARTTLS (self-signed certificate) + AUTH required
    srv.start(); ...; srv.stop()         # start() again on the same port: "the server is back"
    srv.start(tls=False)                 # a server that offers no STARTTLS
    srv.messages                         # [email.message.EmailMessage] accepted, in order
    srv.raw                              # the same as bytes, as received (dots un-stuffed)
    srv.data_replies.append("451 ...")   # the next DATA is answered with this instead
    srv.mail_from_count                  # MAIL FROM commands seen (0: nothing was sent)

Recipients starting with "reject-" are refused with 550 at RCPT. The certificate is made with
openssl for 127.0.0.1; srv.cert is its PEM (the CA file of httpd's CarechainMailCAFile).
"""

import email.parser
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "carechain-relay"
PASSWORD = "relay-Secret-4711"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(directory):
    directory = Path(directory)
    key, cert = directory / "smtp-key.pem", directory / "smtp-cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return key, cert


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.server.lock:
            self.server.ehlo_count += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.server.lock:
            self.server.mail_from_count += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject-"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.server.lock:
            if self.server.data_replies:
                return self.server.data_replies.pop(0)
            raw = envelope.original_content or envelope.content
            self.server.raw.append(raw)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.server.auth_users.append(getattr(session, "cc_user", None))
        return "250 2.0.0 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    if ok:
        session.cc_user = auth_data.login
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    def __init__(self, workdir, port=None):
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.key, self.cert = make_cert(self.workdir)
        self.lock = threading.Lock()
        self.raw, self.envelopes, self.auth_users, self.data_replies = [], [], [], []
        self.mail_from_count = 0
        self.ehlo_count = 0  # two per connection with STARTTLS (before and after)
        self.controller = None

    @property
    def messages(self):
        parser = email.parser.BytesParser(policy=email.policy.default)
        with self.lock:
            return [parser.parsebytes(r) for r in self.raw]

    def start(self, tls=True):
        kwargs = {}
        if tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(self.cert), str(self.key))
            kwargs = dict(tls_context=ctx, require_starttls=True, auth_required=True,
                          auth_require_tls=True, authenticator=_authenticator)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                     ready_timeout=10, **kwargs)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def wait(self, count, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.raw) >= count:
                    return True
            time.sleep(0.05)
        return False


def chown_for_httpd(path):
    """Files httpd reads after it switched users: as root the stack runs it as carechain."""
    try:
        shutil.chown(path, "carechain", "carechain")
    except (LookupError, PermissionError):
        pass
