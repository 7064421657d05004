"""Reads one delivered message with Python's own MIME parser and prints
what a mail client would see, as JSON, for the Rust tests to check.

Usage: python3 check_message.py MESSAGE_FILE [DKIM_TXT_RECORD]

With a TXT record (as `sitrep dkim generate` prints it), the DKIM signature
is verified by dkimpy, an independent implementation, against that record.
"""
import email
import email.policy
import json
import re
import sys

with open(sys.argv[1], "rb") as f:
    raw = f.read()
msg = email.message_from_bytes(raw, policy=email.policy.default)

dkim_ok = None
if len(sys.argv) > 2:
    import dkim

    record = sys.argv[2].encode()
    # The maildir writer's envelope lines are not part of the message.
    signed = b"".join(
        line for line in raw.splitlines(keepends=True)
        if not line.startswith((b"X-Envelope-From:", b"X-Envelope-To:"))
    )
    # Python's maildir writer stores lines with LF alone; on the wire, and
    # when signed, they ended in CRLF.
    signed = re.sub(rb"(?<!\r)\n", b"\r\n", signed)
    dkim_ok = bool(dkim.verify(signed, dnsfunc=lambda name, timeout=5: record))

parts = {}
for part in msg.walk():
    if part.get_content_maintype() == "text":
        parts[part.get_content_type()] = part.get_content()

print(json.dumps({
    "subject": str(msg["subject"]),
    "from": str(msg["from"]),
    "to": str(msg["to"]),
    "message_id": str(msg["message-id"] or ""),
    "date": str(msg["date"] or ""),
    "content_type": msg.get_content_type(),
    "text": parts.get("text/plain", ""),
    "html": parts.get("text/html", ""),
    "defects": [str(d) for d in msg.defects],
    "list_unsubscribe": str(msg["list-unsubscribe"] or ""),
    "list_unsubscribe_post": str(msg["list-unsubscribe-post"] or ""),
    "list_id": str(msg["list-id"] or ""),
    "envelope_to": str(msg["x-envelope-to"] or ""),
    "envelope_from": str(msg["x-envelope-from"] or ""),
    "dkim_signature": str(msg["dkim-signature"] or ""),
    "dkim_ok": dkim_ok,
}, ensure_ascii=False))
