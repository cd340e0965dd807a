#!/usr/bin/python3
"""A real SMTP server for tests and benchmarks: Debian's aiosmtpd, writing a Maildir.

Prints its port on the first line once it listens. Options let a test inject the faults a
dispatcher must handle: temporary and permanent refusals, slowness, STARTTLS and AUTH.
Run with /usr/bin/python3 (python3-aiosmtpd is a Debian package).
"""
import argparse, asyncio, mailbox, ssl, sys, time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--maildir", required=True)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--log", help="append 'connect PEER' and 'message PEER MESSAGE-ID' lines here")
parser.add_argument("--tls-cert")
parser.add_argument("--tls-key")
parser.add_argument("--auth", help="USER:PASSWORD required before MAIL")
parser.add_argument("--tempfail-rcpt", type=int, default=0, help="answer 451 to this many RCPT commands first")
parser.add_argument("--reject", action="append", default=[], help="answer 550 to RCPT for this address")
parser.add_argument("--pipelining", action="store_true", help="advertise PIPELINING (RFC 2920; commands are read in order anyway)")
parser.add_argument("--crash-data", type=int, default=0,
                    help="fail this many messages first with an error in the handler (aiosmtpd answers 500 and keeps the envelope)")
parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before accepting each message")
args = parser.parse_args()

box = mailbox.Maildir(args.maildir, create=True)
state = {"tempfail": args.tempfail_rcpt, "crash": args.crash_data}


def log(line):
    if args.log:
        with open(args.log, "a") as f:
            f.write(line + "\n")


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if args.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, options):
        if state["tempfail"] > 0:
            state["tempfail"] -= 1
            return "451 4.3.0 try again later"
        if address in args.reject:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if args.delay:
            await asyncio.sleep(args.delay)
        if state["crash"] > 0:
            state["crash"] -= 1
            raise RuntimeError("the mailbox is not there")
        message = mailbox.MaildirMessage(envelope.original_content)
        box.add(message)
        log("message %s:%s %s" % (session.peer[0], session.peer[1], message.get("Message-ID")))
        return "250 2.0.0 queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    if not args.auth or not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    user, password = args.auth.split(":", 1)
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False)


class LoggingSMTP(SMTP):
    def connection_made(self, transport):
        peer = transport.get_extra_info("peername")
        log("connect %s:%s" % (peer[0], peer[1]))
        super().connection_made(transport)


def make():
    options = {}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options.update(tls_context=context, require_starttls=False)
    if args.auth:
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls_cert))
    return LoggingSMTP(Handler(), hostname="mgov-test", decode_data=False, **options)


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(make, "127.0.0.1", args.port)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
