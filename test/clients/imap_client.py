#!/usr/bin/env python3
"""A real IMAP client (python3 imaplib + ssl) driven by a JSON job on stdin; prints a JSON result.

Job keys: host, port, source (local address to connect from), cafile, certfile, keyfile, starttls (default true), mechanism (LOGIN for the LOGIN command,
PLAIN or XOAUTH2 through AUTHENTICATE: imaplib never sends an initial response, it answers the server's
continuation), user, password, token, steps: a list of [method, arg…] run in order on the IMAP4 object
(select, examine, fetch, uid, search, append, store, expunge, list, status, noop, …), each answer recorded
as [type, data] with bytes decoded as latin-1.
"""
import base64, imaplib, json, socket, ssl, sys

job = json.load(sys.stdin)
result = {"stage": "connect", "steps": []}


def text(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (list, tuple)):
        return [text(v) for v in value]
    return value


try:
    ctx = ssl.create_default_context(cafile=job.get("cafile"))
    if job.get("certfile"):
        ctx.load_cert_chain(job["certfile"], job.get("keyfile"))
    class Client(imaplib.IMAP4):
        def _create_socket(self, timeout):
            # imaplib has no source_address: connect from job["source"] when given (a client behind a load balancer).
            source = (job["source"], 0) if job.get("source") else None
            return socket.create_connection((self.host, self.port), timeout, source_address=source)

    imap = Client(job["host"], job["port"], timeout=20)
    result["greeting"] = text(imap.welcome)
    if job.get("starttls", True):
        result["stage"] = "starttls"
        imap.starttls(ssl_context=ctx)
        result["tls"] = imap.sock.version()
    result["capabilities"] = list(imap.capabilities)
    mechanism = job.get("mechanism")
    if mechanism:
        result["stage"] = "auth"
        if mechanism == "LOGIN":
            result["auth"] = text(imap.login(job["user"], job["password"]))
        else:
            if mechanism == "XOAUTH2":
                blob = ("user=%s\x01auth=Bearer %s\x01\x01" % (job["user"], job["token"])).encode()
            else:
                blob = ("\0%s\0%s" % (job["user"], job["password"])).encode()
            challenges = []

            def answer(challenge):
                # First continuation: the credentials. A refused XOAUTH2 sends an error challenge: answer empty.
                challenges.append(base64.b64encode(challenge).decode())
                return blob if len(challenges) == 1 else b""

            try:
                result["auth"] = text(imap.authenticate(mechanism, answer))
            finally:
                result["challenges"] = challenges
    result["stage"] = "steps"
    for step in job.get("steps", []):
        method, *args = step
        args = [a.encode("latin-1") if method == "append" and i == 3 else a for i, a in enumerate(args)]
        result["steps"].append(text(getattr(imap, method)(*args)))
    imap.logout()
    result["ok"] = True
except ssl.SSLError as e:
    result.update(ok=False, error="ssl", reason=getattr(e, "reason", None), message=str(e))
except imaplib.IMAP4.error as e:
    result.update(ok=False, error="imap", message=str(e))
except Exception as e:  # noqa: BLE001 - report anything as data
    result.update(ok=False, error=type(e).__name__, message=str(e))
print(json.dumps(result))
