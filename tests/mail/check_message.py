"""Reads one delivered message with Python's own MIME parser and prints
what a mail client would see, as JSON, for the Rust tests to check.

Usage: python3 check_message.py MESSAGE_FILE
"""
import email
import email.policy
import json
import sys

with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)

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
}, ensure_ascii=False))
