"""A real SMTP server for the mail tests (aiosmtpd), writing what it accepts
into a maildir, with a few behaviours of real relays on purpose:

- a recipient whose local part starts with "refused" gets 550 at RCPT;
- one starting with "later" gets 451 at RCPT the first time, then is taken;
- a message to one starting with "full" gets 552 5.2.2 (mailbox full) after
  DATA, and to one starting with "spam" 554 5.7.1 (refused as spam);
- the first message to one starting with "hang" gets no answer at all after
  DATA (the server stalls), and the first to one starting with "drop" has
  its connection cut after DATA with no answer; neither is kept, and the
  next try is taken;
- with --cert and --key it offers STARTTLS (and requires it before AUTH);
- with --user and --password it requires AUTH (PLAIN or LOGIN).

Usage: python3 smtp_server.py PORT MAILDIR [--cert F --key F] [--user U --password P]
Prints "ready" when it listens; stops on SIGTERM or SIGKILL.
"""
import argparse
import asyncio
import mailbox
import signal
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir):
        self.box = mailbox.Maildir(maildir, create=True)
        self.deferred = set()
        self.stalled = set()
        self.cut = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("refused"):
            return "550 5.1.1 No such mailbox here"
        if local.startswith("later") and address not in self.deferred:
            self.deferred.add(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        locals_ = [a.split("@", 1)[0].lower() for a in envelope.rcpt_tos]
        if any(l.startswith("full") for l in locals_):
            return "552 5.2.2 Mailbox full"
        if any(l.startswith("spam") for l in locals_):
            return "554 5.7.1 Message refused as spam"
        to = ",".join(envelope.rcpt_tos)
        if any(l.startswith("hang") for l in locals_) and to not in self.stalled:
            self.stalled.add(to)
            await asyncio.sleep(3600)
        if any(l.startswith("drop") for l in locals_) and to not in self.cut:
            self.cut.add(to)
            server.transport.abort()
            return "421 4.4.2 Closing"
        # The envelope goes first, as a header a maildir reader can see.
        head = "X-Envelope-From: {}\r\nX-Envelope-To: {}\r\n".format(
            envelope.mail_from, ",".join(envelope.rcpt_tos)
        ).encode()
        self.box.add(head + envelope.original_content)
        return "250 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("maildir")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user")
    p.add_argument("--password")
    a = p.parse_args()

    kwargs = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kwargs["tls_context"] = ctx
        kwargs["require_starttls"] = True
    if a.user:
        def check(server, session, envelope, mechanism, data):
            ok = (
                isinstance(data, LoginPassword)
                and data.login.decode() == a.user
                and data.password.decode() == a.password
            )
            return AuthResult(success=ok)

        kwargs["authenticator"] = check
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = bool(a.cert)

    controller = Controller(
        Handler(a.maildir),
        hostname="127.0.0.1",
        port=a.port,
        server_hostname="localhost",
        **kwargs,
    )
    controller.start()
    print("ready", flush=True)
    loop = asyncio.new_event_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    loop.run_until_complete(stop)
    controller.stop()


if __name__ == "__main__":
    main()
