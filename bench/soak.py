"""The soak's traffic and its figures (run by bench/soak.sh, not alone).

Minute by minute: wrk reads every page type on 16 connections, while
threads here search with changing words, sign readers up and erase them,
and save and publish as an editor through the API, and a `sitrep send`
process mails an edition at a set rate. Every answer is counted; 5xx
answers are the figure that must stay at 0, resident memory the one that
must stay flat.
"""
import argparse
import http.client
import json
import os
import random
import re
import subprocess
import threading
import time
import urllib.parse

p = argparse.ArgumentParser()
for name in ["port", "pid", "minutes", "rate", "cores"]:
    p.add_argument("--" + name, type=int, required=True)
for name in ["sitrep", "data", "smtp", "work", "out", "when"]:
    p.add_argument("--" + name, required=True)
a = p.parse_args()

lock = threading.Lock()
counts = {}  # (minute, what) -> [answers, 5xx]
minute = 0
stop = threading.Event()
failures = []  # the first few 5xx answers, for the report


def call(method, path, body=None, headers=None, what="other"):
    """One request on its own connection; counts its answer."""
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    status, text, head = 0, "", {}
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        status, text = res.status, res.read().decode("utf-8", "replace")
        head = {k.lower(): v for k, v in res.getheaders()}
    except OSError:
        status = 0
    finally:
        conn.close()
    with lock:
        c = counts.setdefault((minute, what), [0, 0])
        c[0] += 1
        if status >= 500 or status == 0:
            c[1] += 1
            if len(failures) < 20:
                failures.append(f"minute {minute + 1}: {method} {path} answered {status or 'nothing'}: {text[:200]!r}")
    return status, text, head


def token():
    form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{a.port}"}
    _, _, head = call("POST", "/workspace/login", "email=editor%40varesia.example&password=varesia-demo", form)
    cookie = head.get("set-cookie", "").split(";")[0]
    _, page, _ = call("GET", "/workspace/account", headers={"Cookie": cookie})
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    _, page, _ = call("POST", "/workspace/api/tokens", f"csrf={csrf}&name=soak&role=editor", dict(form, Cookie=cookie))
    return re.search(r'value="(sitrep_[^"]+)"', page).group(1)


TOKEN = token()
API = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


def api(method, path, body=None, what="editor"):
    status, text, _ = call(method, path, json.dumps(body) if body is not None else None, API, what)
    try:
        return status, json.loads(text)
    except ValueError:
        return status, None


# ---- the addresses readers read
_, index, _ = call("GET", "/sitemap.xml")
paths = []
# A large site's sitemap is an index of parts; a small one's, the pages.
for loc in re.findall(r"<loc>([^<]+)</loc>", index):
    path = urllib.parse.urlsplit(loc).path
    if path.endswith(".xml"):
        _, text, _ = call("GET", path)
        paths += [urllib.parse.urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", text)]
    else:
        paths.append(path)
random.seed(7)
chosen = random.sample(paths, min(300, len(paths)))
for lang in ["be", "ru", "en"]:
    chosen += [f"/{lang}/", f"/{lang}/editions/", f"/{lang}/editions/?page=5", f"/{lang}/feed.xml",
               f"/{lang}/trends/", f"/{lang}/search?q=" + urllib.parse.quote({"be": "бяспека", "ru": "экспорт", "en": "elections"}[lang])]
lua = os.path.join(a.work, "soak.lua")
with open(lua, "w") as f:
    f.write("local paths = {" + ",".join(json.dumps(x) for x in chosen) + "}\n")
    f.write("""local i = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) fivexx = 0 end
request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
response = function(status, headers, body) if status >= 500 then fivexx = fivexx + 1 end end
done = function(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("fivexx") end
  io.write(string.format("FIVEXX %d\\n", n))
end
""")

# ---- the editor's commentary to save again and again, and new ones to publish
status, editions = api("GET", "/api/v1/editions?per_page=1")
latest = editions["data"][0]["number"] if isinstance(editions, dict) and editions.get("data") else 1
status, c = api("POST", "/api/v1/commentaries", {
    "edition": latest, "trend": "economy", "assessment": "unchanged", "lang": "en",
    "slug": "soak-draft", "title": "Soak draft", "body": "First text."})
draft = c["id"] if status == 201 else None
revision = 1


def editor():
    global revision
    n = 0
    while not stop.wait(3):
        n += 1
        if draft:
            s, out = api("PUT", f"/api/v1/commentaries/{draft}/versions/en", {
                "revision": revision, "slug": "soak-draft", "title": "Soak draft",
                "body": f"Text saved {n} times. " * 40})
            if s == 200:
                revision = out["versions"][0]["revision"]
        if n % 10 == 0:
            s, out = api("POST", "/api/v1/commentaries", {
                "edition": latest, "trend": "society", "assessment": "unchanged", "lang": "en",
                "slug": f"soak-published-{n}", "title": f"Published during the soak ({n})",
                "body": "A short text made public while readers read."})
            if s == 201:
                api("PUT", f"/api/v1/commentaries/{out['id']}/versions/en/status", {"status": "published"})


def searcher():
    words = ["калій", "бяспека", "выбары", "экспорт", "безопасность", "выборы", "potash", "security",
             "elections", "budget", "energy", "border"]
    while not stop.wait(0.25):
        lang = random.choice(["be", "ru", "en"])
        q = f"{random.choice(words)} {random.randint(1, 50)}"
        call("GET", f"/{lang}/search?q=" + urllib.parse.quote(q), what="search")


def subscriber():
    n = 0
    mine = []
    while not stop.wait(0.5):
        n += 1
        s, out = api("POST", "/api/v1/subscribers", {
            "email": f"soak-new-{n}@soak.example", "langs": ["en"], "consent": "soak"}, what="subscribers")
        if s == 201 and isinstance(out, dict) and "id" in out:
            mine.append(out["id"])
        if len(mine) > 20:
            api("DELETE", f"/api/v1/subscribers/{mine.pop(0)}", what="subscribers")
        if n % 10 == 0:
            call("POST", "/en/subscribe", f"email=form-{n}%40soak.example&lang=en",
                 {"Content-Type": "application/x-www-form-urlencoded"}, what="subscribers")


def rss_mb():
    with open(f"/proc/{a.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def sent_letters():
    try:
        text = open(os.path.join(a.work, "sink.count"), "rb").read().decode("ascii", "replace")
        # smtp-sink -c: "sess=N quit=N mesg=N" lines, the last one current.
        numbers = re.findall(r"mesg=(\d+)", text)
        return int(numbers[-1]) if numbers else 0
    except OSError:
        return 0


env = dict(os.environ, SITREP_SMTP_URL=a.smtp, SITREP_SMTP_RATE=str(a.rate),
           SITREP_MAIL_FROM="Soak <soak@soak.example>")
send = subprocess.Popen([a.sitrep, "send", "--data", a.data, str(latest)], env=env,
                        stdout=open(os.path.join(a.work, "send.log"), "w"), stderr=subprocess.STDOUT)
workers = [threading.Thread(target=f, daemon=True) for f in (editor, searcher, subscriber)]
for w in workers:
    w.start()

rows = []
start_rss = rss_mb()
for m in range(a.minutes):
    minute = m
    out = subprocess.run(["wrk", "-t2", "-c16", "-d60s", "--latency", "-s", lua, f"http://127.0.0.1:{a.port}"],
                         capture_output=True, text=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    fivexx = int(re.search(r"FIVEXX (\d+)", out).group(1))
    with lock:
        other = [counts.get((m, w), [0, 0]) for w in ("search", "subscribers", "editor", "other")]
    row = {"minute": m + 1, "reads": total, "reads_5xx": fivexx, "p99": p99,
           "searches": other[0][0], "subscriber_calls": other[1][0], "editor_calls": other[2][0],
           "other_5xx": sum(o[1] for o in other), "letters": sent_letters(), "rss_mb": round(rss_mb(), 1)}
    rows.append(row)
    print("  minute {minute}: {reads} reads ({reads_5xx} 5xx), p99 {p99}; {searches} searches, "
          "{subscriber_calls} subscriber calls, {editor_calls} editor calls ({other_5xx} 5xx); "
          "{letters} letters sent; {rss_mb} MB".format(**row), flush=True)
stop.set()
send.poll()
send_state = "finished" if send.returncode == 0 else ("still sending" if send.returncode is None else f"failed ({send.returncode})")
if send.returncode is None:
    send.terminate()
    send.wait()

total_requests = sum(r["reads"] + r["searches"] + r["subscriber_calls"] + r["editor_calls"] for r in rows)
total_5xx = sum(r["reads_5xx"] + r["other_5xx"] for r in rows)
lines = [
    f"# Soak, {a.when}", "",
    f"{a.minutes} minutes on {a.cores} cores, loopback only. Readers: wrk, 16 connections, "
    f"{len(chosen)} addresses of every page type; searches 4 a second with changing words; an API "
    "client signing readers up and erasing them twice a second (and the public form every 5 s); "
    "an editor saving a draft every 3 s and publishing a new commentary every 30 s; "
    f"`sitrep send` mailing edition {latest} at {a.rate} letters a second to smtp-sink.", "",
    "| minute | reads | 5xx | read p99 | searches | subscriber calls | editor calls | other 5xx | letters sent | RSS MB |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for r in rows:
    lines.append("| {minute} | {reads} | {reads_5xx} | {p99} | {searches} | {subscriber_calls} | "
                 "{editor_calls} | {other_5xx} | {letters} | {rss_mb} |".format(**r))
lines += [""] + [f"- {f}" for f in failures]
lines += ["", f"Requests in all: {total_requests}; 5xx: {total_5xx}. Resident memory: {start_rss:.1f} MB "
          f"at the start, {rows[-1]['rss_mb']} MB at the end. The send: {send_state}.", ""]
text = "\n".join(lines)
print(text)
open(a.out + ".md", "w").write(text)
json.dump({"rows": rows, "requests": total_requests, "fivexx": total_5xx, "rss_start_mb": round(start_rss, 1),
           "rss_end_mb": rows[-1]["rss_mb"], "send": send_state}, open(a.out + ".json", "w"), indent=1)
