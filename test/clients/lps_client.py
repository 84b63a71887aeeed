#!/usr/bin/env python3
"""An LPS played by python3 alone (imaplib, smtplib, ssl with an explicit SSLContext, http.client, email, zipfile),
for the verdict matrix (test/verdict-matrix/): a JSON job on stdin, a JSON report on stdout.

Job keys:
  protocol      "imap" or "smtp"; host, port; source: local address to leave from (one per case).
  server_name   name checked against the server certificate (default: host).
  tls           {starttls (default true), verify (default true), cafile, crlfile (CRL check of the leaf),
                 ciphers (OpenSSL TLS 1.2 list), min, max ("TLSv1_1", "TLSv1_2", "TLSv1_3"), certfile, keyfile}
  clear         raw lines sent before STARTTLS (each gets its reply read): a client that talks in clear.
  auth          {mechanism: XOAUTH2 | OAUTHBEARER | PLAIN | LOGIN | LOGIN-COMMAND (IMAP LOGIN), user, password,
                 token, token_url (GET → a fresh access token, as an LPS's back end gives one)}
  steps         IMAP: ["select", folder] ["examine", folder] ["noop"] ["wait_bye", seconds]
                SMTP: ["send", from, [to...], message] ["noop"] ["wait_close", seconds]
  reconnect     after the server closed the session (wait_bye / wait_close): a new session with the same
                settings, a fresh token from auth.token_url, and these steps.
  hold          seconds to wait before logging out (default 0).
Messages ("message" in a send step) are {subject, headers: {...}, text, xdm: {code, display, ins} | null};
`python3 lps_client.py --message` reads one on stdin and prints it as RFC 5322 (for curl and msmtp).
"""
import base64, http.client, imaplib, io, json, smtplib, socket, ssl, sys, time, urllib.request, zipfile
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

VERSIONS = {"TLSv1_1": ssl.TLSVersion.TLSv1_1, "TLSv1_2": ssl.TLSVersion.TLSv1_2, "TLSv1_3": ssl.TLSVersion.TLSv1_3}


def cda(doc):
    patient = (
        '<id root="1.2.250.1.213.1.4.10" extension="%s"/>' % doc["ins"]
        if doc.get("ins")
        else '<id root="1.2.250.1.999.1.1.1" extension="IPP-1"/>'
    )
    return """<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <realmCode code="FR"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.250.1.999.9.1"/>
  <code code="%s" codeSystem="2.16.840.1.113883.6.1" displayName="%s"/>
  <title>%s</title>
  <effectiveTime value="20261201100000+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  <recordTarget><patientRole>%s<patient><name><family>TEST</family><given>PATIENT</given></name></patient></patientRole></recordTarget>
</ClinicalDocument>
""" % (doc["code"], doc.get("display", "Document"), doc.get("display", "Document"), patient)


def xdm_zip(doc):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("INDEX.HTM", "<html><body><p>Documents</p></body></html>")
        z.writestr("README.TXT", "Archive IHE XDM (client python)\r\n")
        z.writestr("IHE_XDM/SUBSET01/METADATA.XML", '<?xml version="1.0" encoding="UTF-8"?><SubmitObjectsRequest/>')
        z.writestr("IHE_XDM/SUBSET01/DOC0001.XML", cda(doc))
    return out.getvalue()


def build_message(sender, recipients, spec):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = spec.get("subject", "Message de test")
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="lps.test")
    for name, value in (spec.get("headers") or {}).items():
        msg[name] = value
    msg.set_content(spec.get("text", "Bonjour,\n\nmessage de test.\n"), charset="utf-8")
    if spec.get("xdm"):
        msg.add_attachment(xdm_zip(spec["xdm"]), maintype="application", subtype="zip", filename="IHE_XDM.ZIP")
    return msg.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def context(tls, server_name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if tls.get("verify", True):
        ctx.load_verify_locations(cafile=tls["cafile"])
        if tls.get("crlfile"):
            ctx.load_verify_locations(cafile=tls["crlfile"])
            ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
        ctx.check_hostname = True
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if tls.get("min"):
        ctx.minimum_version = VERSIONS[tls["min"]]
    if tls.get("max"):
        ctx.maximum_version = VERSIONS[tls["max"]]
    if tls.get("ciphers"):
        ctx.set_ciphers(tls["ciphers"])
    if tls.get("certfile"):
        ctx.load_cert_chain(tls["certfile"], tls.get("keyfile"))
    return ctx


def fresh_token(auth):
    if auth.get("token_url"):
        with urllib.request.urlopen(auth["token_url"], timeout=30) as r:
            return r.read().decode().strip()
    return auth.get("token", "")


def sasl_blob(auth, token):
    mech = auth["mechanism"]
    if mech == "XOAUTH2":
        return ("user=%s\x01auth=Bearer %s\x01\x01" % (auth["user"], token)).encode()
    if mech == "OAUTHBEARER":
        return ("n,a=%s,\x01auth=Bearer %s\x01\x01" % (auth["user"], token)).encode()
    return ("\0%s\0%s" % (auth["user"], auth.get("password", ""))).encode()


class SourcedIMAP4(imaplib.IMAP4):
    """imaplib.IMAP4 leaving from a chosen local address."""

    def __init__(self, host, port, source, timeout):
        self._source = source
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout, source_address=(self._source, 0) if self._source else None)


def imap_session(job, report, steps):
    tls = job.get("tls", {})
    imap = SourcedIMAP4(job["host"], job["port"], job.get("source"), 20)
    report["greeted"] = time.time()
    # imaplib checks the name against the certificate with the host it connected to: give the server name.
    for line in job.get("clear", []):
        tag = imap._new_tag().decode()
        imap.send(("%s %s\r\n" % (tag, line)).encode())
        report.setdefault("clear", []).append(imap.readline().decode(errors="replace").strip())
    if tls.get("starttls", True):
        report["stage"] = "starttls"
        imap.host = job.get("server_name", job["host"])
        imap.starttls(ssl_context=context(tls, imap.host))
        report["tls"] = [imap.sock.version(), imap.sock.cipher()[0]]
    auth = job.get("auth")
    if auth:
        report["stage"] = "auth"
        if auth["mechanism"] == "LOGIN-COMMAND":
            report["auth"] = imap.login(auth["user"], auth["password"])[0]
        else:
            blob = sasl_blob(auth, fresh_token(auth))
            sent = []

            def answer(challenge):
                sent.append(1)
                return blob if len(sent) == 1 else b""

            report["auth"] = imap.authenticate(auth["mechanism"], answer)[0]
    report["stage"] = "steps"
    closed = False
    for step in steps:
        name, *args = step
        if name in ("select", "examine"):
            report.setdefault("steps", []).append([name, imap.select(args[0], readonly=name == "examine")[0]])
        elif name == "noop":
            imap.noop()
        elif name == "wait_bye":
            deadline = time.time() + args[0]
            try:
                while time.time() < deadline:
                    imap.noop()
                    time.sleep(0.3)
            except (imaplib.IMAP4.abort, OSError) as e:
                report["closed_by_server"] = str(e)
                closed = True
                break
    if not closed:
        time.sleep(job.get("hold", 0))
        try:
            imap.logout()
        except (imaplib.IMAP4.abort, OSError):
            pass
    return closed


class Closed(Exception):
    pass


def smtp_session(job, report, steps):
    tls = job.get("tls", {})
    smtp = smtplib.SMTP(job["host"], job["port"], local_hostname="lps.test", timeout=20, source_address=(job["source"], 0) if job.get("source") else None)
    smtp._host = job.get("server_name", job["host"])  # the name checked against the certificate
    report["greeted"] = time.time()
    smtp.ehlo()
    for line in job.get("clear", []):
        code, text = smtp.docmd(line)
        report.setdefault("clear", []).append([code, text.decode(errors="replace")])
    if tls.get("starttls", True):
        report["stage"] = "starttls"
        smtp.starttls(context=context(tls, smtp._host))
        smtp.ehlo()
        report["tls"] = [smtp.sock.version(), smtp.sock.cipher()[0]]
    auth = job.get("auth")
    if auth:
        report["stage"] = "auth"
        if auth["mechanism"] == "LOGIN":
            smtp.user, smtp.password = auth["user"], auth["password"]
            code, resp = smtp.auth("LOGIN", smtp.auth_login)
        else:
            blob = sasl_blob(auth, fresh_token(auth))
            code, resp = smtp.docmd("AUTH", "%s %s" % (auth["mechanism"], base64.b64encode(blob).decode()))
            if code == 334:  # an error challenge (refused XOAUTH2): answer empty, get the final reply
                code, resp = smtp.docmd("")
        report["auth"] = [code, resp.decode(errors="replace")]
    report["stage"] = "steps"
    closed = False
    try:
        for step in steps:
            name, *args = step
            if name == "send":
                sender, recipients, spec = args
                try:
                    smtp.sendmail(sender, recipients, build_message(sender, recipients, spec))
                    report.setdefault("sent", []).append("accepted")
                except smtplib.SMTPResponseException as e:
                    if e.smtp_code == 421:
                        raise Closed()
                    report.setdefault("sent", []).append([e.smtp_code, e.smtp_error.decode(errors="replace")])
                except smtplib.SMTPRecipientsRefused as e:
                    report.setdefault("sent", []).append(str(e))
            elif name == "noop":
                code, _ = smtp.noop()
                if code == 421:
                    raise Closed()
            elif name == "wait_close":
                deadline = time.time() + args[0]
                while time.time() < deadline:
                    code, _ = smtp.noop()
                    if code == 421:
                        raise Closed()
                    time.sleep(0.3)
    except (Closed, smtplib.SMTPServerDisconnected) as e:
        report["closed_by_server"] = type(e).__name__
        closed = True
    if not closed:
        time.sleep(job.get("hold", 0))
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return closed


def main():
    if sys.argv[1:] == ["--message"]:
        spec = json.load(sys.stdin)
        sys.stdout.buffer.write(build_message(spec["from"], spec["to"], spec))
        return
    job = json.load(sys.stdin)
    report = {"stage": "connect", "started": time.time()}
    session = imap_session if job["protocol"] == "imap" else smtp_session
    try:
        closed = session(job, report, job.get("steps", []))
        if closed and job.get("reconnect") is not None:
            again = {"stage": "connect"}
            report["reconnected"] = again
            session({**job, "clear": []}, again, job["reconnect"])
        report["ok"] = True
    except ssl.SSLError as e:
        report.update(ok=False, error="ssl", reason=getattr(e, "reason", None), verify=getattr(e, "verify_message", None), message=str(e))
    except (imaplib.IMAP4.error, smtplib.SMTPException) as e:
        report.update(ok=False, error="protocol", message=str(e))
    except Exception as e:  # noqa: BLE001 - report anything as data
        report.update(ok=False, error=type(e).__name__, message=str(e))
    print(json.dumps(report, default=lambda v: v.decode(errors="replace") if isinstance(v, bytes) else str(v)))


main()
