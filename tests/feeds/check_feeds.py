#!/usr/bin/env python3
"""Reads feeds and sitemaps with parsers that are not sitrep's own.

Usage: check_feeds.py FILE:KIND ...   (KIND: rss, atom, json, sitemap)

RSS and Atom go through feedparser, which must not raise its "bozo" flag;
JSON Feed through the json module and a JSON Schema written here from the
JSON Feed 1.1 specification; sitemaps through ElementTree. Prints one JSON
object per file with what was found, for the Rust test to compare; exits 1
on the first file that does not parse cleanly.
"""

import json
import sys
import xml.etree.ElementTree as ET

import feedparser
import jsonschema

# JSON Feed 1.1: the fields sitrep writes, with the types the
# specification gives them, and the ones it requires.
JSON_FEED_1_1 = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string"},
        "feed_url": {"type": "string"},
        "description": {"type": "string"},
        "language": {"type": "string"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": {"type": "string"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "summary": {"type": "string"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": {
                        "type": "array",
                        "items": {"type": "object", "required": ["name"],
                                  "properties": {"name": {"type": "string"}}},
                    },
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string"},
                },
            },
        },
    },
}

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def xml_feed(data):
    d = feedparser.parse(data)
    if d.bozo:
        raise ValueError(f"feedparser: {d.bozo_exception!r}")
    return {
        "version": d.version,
        "title": d.feed.get("title", ""),
        "language": d.feed.get("language", ""),
        "items": [
            {
                "id": e.get("id", ""),
                "link": e.get("link", ""),
                "title": e.get("title", ""),
                "authors": [a.get("name", "") for a in e.get("authors", [])],
                "tags": [t.term for t in e.get("tags", [])],
                "content": (e.get("content") or [{}])[0].get("value", ""),
                "published": e.get("published", ""),
            }
            for e in d.entries
        ],
    }


def json_feed(data):
    doc = json.loads(data)
    jsonschema.validate(doc, JSON_FEED_1_1, format_checker=jsonschema.FormatChecker())
    return {
        "version": doc["version"],
        "title": doc["title"],
        "language": doc.get("language", ""),
        "items": [
            {
                "id": i["id"],
                "link": i.get("url", ""),
                "title": i.get("title", ""),
                "authors": [a["name"] for a in i.get("authors", [])],
                "tags": i.get("tags", []),
                "content": i.get("content_html", ""),
                "published": i.get("date_published", ""),
            }
            for i in doc["items"]
        ],
    }


def sitemap(data):
    root = ET.fromstring(data)
    if root.tag == SITEMAP + "sitemapindex":
        return {"index": [s.findtext(SITEMAP + "loc") for s in root.findall(SITEMAP + "sitemap")]}
    if root.tag != SITEMAP + "urlset":
        raise ValueError(f"not a sitemap: {root.tag}")
    urls = []
    for u in root.findall(SITEMAP + "url"):
        urls.append({
            "loc": u.findtext(SITEMAP + "loc"),
            "lastmod": u.findtext(SITEMAP + "lastmod") or "",
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in u.findall(XHTML + "link")
                if link.get("rel") == "alternate"
            },
        })
    return {"urls": urls}


def main():
    for arg in sys.argv[1:]:
        path, kind = arg.rsplit(":", 1)
        with open(path, "rb") as f:
            data = f.read()
        try:
            if kind in ("rss", "atom"):
                out = xml_feed(data)
            elif kind == "json":
                out = json_feed(data)
            elif kind == "sitemap":
                out = sitemap(data)
            else:
                raise ValueError(f"unknown kind {kind}")
        except Exception as e:  # noqa: BLE001 - any failure is the answer
            print(json.dumps({"file": path, "error": str(e)}, ensure_ascii=False))
            sys.exit(1)
        out["file"] = path
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
