#!/usr/bin/env python3
"""A real SMTP client (python3 smtplib + ssl) driven by a JSON job on stdin; prints a JSON result.

Job keys: host, port, source (local address to connect from), server_hostname, cafile, crlfile (enables CRL checking of the leaf), certfile, keyfile,
ciphers, max_version ("TLSv1_2"), mechanism (PLAIN, LOGIN, XOAUTH2), user, password, token, from, to (list),
message (text), starttls (default true), no_size (do not declare SIZE= in MAIL FROM), noop_after (send NOOP after
the message, even when it was refused, to show the session is still usable).
"""
import base64, json, smtplib, ssl, sys

job = json.load(sys.stdin)
result = {"stage": "connect"}
try:
    ctx = ssl.create_default_context(cafile=job.get("cafile"))
    if job.get("crlfile"):
        ctx.load_verify_locations(cafile=job["crlfile"])
        ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
    if job.get("certfile"):
        ctx.load_cert_chain(job["certfile"], job.get("keyfile"))
    if job.get("ciphers"):
        ctx.set_ciphers(job["ciphers"])
    if job.get("max_version"):
        ctx.maximum_version = getattr(ssl.TLSVersion, job["max_version"])
    source = (job["source"], 0) if job.get("source") else None
    smtp = smtplib.SMTP(job["host"], job["port"], local_hostname="lps.test", timeout=20, source_address=source)
    if job.get("server_hostname"):
        smtp._host = job["server_hostname"]  # name checked against the certificate
    smtp.ehlo()
    if job.get("starttls", True):
        result["stage"] = "starttls"
        smtp.starttls(context=ctx)
        smtp.ehlo()
        result["tls"] = smtp.sock.version()
        result["cipher"] = smtp.sock.cipher()[0]
    mechanism = job.get("mechanism")
    if mechanism:
        result["stage"] = "auth"
        if mechanism == "XOAUTH2":
            blob = "user=%s\x01auth=Bearer %s\x01\x01" % (job["user"], job["token"])
            code, resp = smtp.docmd("AUTH", "XOAUTH2 " + base64.b64encode(blob.encode()).decode())
            if code == 334:
                code, resp = smtp.docmd("")
            result["auth"] = [code, resp.decode()]
            if code != 235:
                raise smtplib.SMTPAuthenticationError(code, resp)
        else:
            smtp.user, smtp.password = job["user"], job["password"]
            code, resp = smtp.auth(mechanism, getattr(smtp, "auth_" + mechanism.lower()), initial_response_ok=job.get("initial_response", True))
            result["auth"] = [code, resp.decode()]
    if job.get("to"):
        result["stage"] = "send"
        if job.get("no_size"):
            smtp.esmtp_features.pop("size", None)
        try:
            refused = smtp.sendmail(job["from"], job["to"], job["message"].encode())
            result["refused"] = {k: [v[0], v[1].decode()] for k, v in refused.items()}
        except smtplib.SMTPResponseException as e:
            if not job.get("noop_after"):
                raise
            result["send_error"] = [e.smtp_code, e.smtp_error.decode(errors="replace")]
        if job.get("noop_after"):
            code, resp = smtp.noop()
            result["noop"] = [code, resp.decode()]
    smtp.quit()
    result["ok"] = True
except ssl.SSLError as e:
    result.update(ok=False, error="ssl", reason=getattr(e, "reason", None), verify=getattr(e, "verify_message", None), message=str(e))
except smtplib.SMTPResponseException as e:
    result.update(ok=False, error="smtp", code=e.smtp_code, message=e.smtp_error.decode(errors="replace"))
except Exception as e:  # noqa: BLE001 - report anything as data
    result.update(ok=False, error=type(e).__name__, message=str(e))
print(json.dumps(result))
