#!/usr/bin/env bash
# Page benchmark: requests a second and latency of sitrep's public pages
# (from its response cache) next to nginx serving the very same bytes saved
# as static files, plain and precompressed (gzip_static), with wrk on the
# same machine in the same run; then the uncached render time of each page
# type, the start-up time to the first page and the peak memory of
# `sitrep serve` on a large generated site.
#
#   bench/pages.sh                          # 10000 commentaries x 3 languages
#   COMMENTARIES=500 DURATION=3 bench/pages.sh   # quick run
#
# Environment:
#   COMMENTARIES  generated commentaries, each in be, ru and en (default 10000)
#   SITE          an existing data folder (from `sitrep demo --scale`) to
#                 serve instead of generating one; it is not changed
#   DURATION      seconds of wrk load per measurement (default 5)
#   ROUNDS        measurements of each server per row, nginx and sitrep
#                 taking turns (default 5); the table gives medians, the
#                 ratio being the median of each round's ratio
#   CONNECTIONS   wrk connections (default 64)
#   SKIP_BUILD=1  use the existing target/release/sitrep
#   KEEP_WORK=1   keep the temporary folder
#   JSON_OUT      also write the figures as JSON to this file
#
# Prints one table and writes it to bench/results/pages-DATE.md.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
COMMENTARIES=${COMMENTARIES:-10000}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
SITE=${SITE:-}
KEEP_WORK=${KEEP_WORK:-0}
JSON_OUT=${JSON_OUT:-}
is_count "$COMMENTARIES" || die "COMMENTARIES must be a positive whole number, not '$COMMENTARIES'"
is_count "$DURATION" || die "DURATION must be a whole number of seconds, not '$DURATION'"
is_count "$ROUNDS" || die "ROUNDS must be a positive whole number, not '$ROUNDS'"
is_count "$CONNECTIONS" || die "CONNECTIONS must be a positive whole number, not '$CONNECTIONS'"
for t in wrk curl python3; do
    command -v "$t" >/dev/null || die "$t is missing: apt-get install -y wrk nginx curl python3"
done
# The caller's settings must not change what is measured.
while IFS= read -r v; do [[ $v == SITREP_LOG ]] || unset "$v"; done < <(compgen -e | grep '^SITREP_' || true)

release_binary

WORK=$(mktemp -d /tmp/sitrep-pages-bench.XXXXXX)
chmod 755 "$WORK"
SERVERS=()
NGINX_PID=""
cleanup() {
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null
    if [[ $KEEP_WORK == 1 ]]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [[ -n $SITE ]]; then
    [[ -f $SITE/sitrep.db ]] || die "SITE=$SITE holds no sitrep.db"
    DATA=$SITE
    GENERATED="the site in $SITE"
else
    DATA=$WORK/data
    say "generating $COMMENTARIES commentaries in three languages"
    SITREP_LOG=warn "$SITREP" demo --data "$DATA" --scale "$COMMENTARIES" --no-serve >"$WORK/demo.log"
    GENERATED="$(grep -o '[0-9]* language versions' "$WORK/demo.log" || echo '?') generated"
fi
if [[ ! -d $DATA/index ]]; then
    say "building the search index"
    SITREP_LOG=warn "$SITREP" reindex --data "$DATA" >/dev/null
fi

# Starts `sitrep serve` and prints "PID MILLISECONDS": the time from the
# start of the process to the first home page it answers.
#   serve PORT LOG [ENV=VALUE...]
serve() {
    local port=$1 log=$2
    shift 2
    python3 - "$port" "$log" "$SITREP" "$DATA" "$@" <<'PY'
import os, subprocess, sys, time, urllib.request
port, log, binary, data, *env = sys.argv[1:]
environ = dict(os.environ, SITREP_LOG=os.environ.get("SITREP_LOG", "warn"))
environ.update(e.split("=", 1) for e in env)
start = time.monotonic()
# In the bench's own session, as nginx and wrk are. With the kernel's
# autogroup scheduling (sched_autogroup_enabled), each session shares the
# cores as one: a server in a session of its own would get half of them
# against wrk's session, while nginx shared wrk's by thread, and the
# figures would compare the two schedules rather than the two servers.
proc = subprocess.Popen(
    [binary, "serve", "--data", data, "--listen", f"127.0.0.1:{port}",
     "--public-url", f"http://127.0.0.1:{port}"],
    stdout=open(log, "w"), stderr=subprocess.STDOUT, env=environ)
while True:
    try:
        if urllib.request.urlopen(f"http://127.0.0.1:{port}/be/", timeout=5).status == 200:
            break
    except Exception:
        if proc.poll() is not None or time.monotonic() - start > 120:
            sys.exit(f"sitrep serve did not start: {open(log).read()[-2000:]}")
        time.sleep(0.002)
print(proc.pid, f"{(time.monotonic() - start) * 1000:.0f}")
PY
}

PORT=$(free_port)
read -r SERVER STARTUP_MS < <(serve "$PORT" "$WORK/serve.log") || die "sitrep serve did not start"
SERVERS+=("$SERVER")
say "sitrep serve answered its first page after $STARTUP_MS ms"
# Another sitrep on the same folder (one left over from an earlier run)
# holds the search index: this one would then build its own in memory,
# and that work and memory would be measured as the pages'.
if grep -q "another sitrep process keeps its search index" "$WORK/serve.log"; then
    die "another sitrep serve uses $DATA (pgrep -a sitrep); stop it first"
fi

say "choosing the pages and saving their bytes for nginx"
STATIC=$WORK/static
python3 - "http://127.0.0.1:$PORT" "$STATIC" "$WORK/lists" <<'PY'
import gzip, json, os, re, sys, urllib.parse, urllib.request
base, static, lists = sys.argv[1:]
os.makedirs(lists, exist_ok=True)

def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        if r.status != 200:
            sys.exit(f"{path}: {r.status}")
        return r.read()

def locs(xml):
    return [urllib.parse.urlsplit(u).path for u in re.findall(rb"<loc>([^<]+)</loc>", xml) for u in [u.decode()]]

# Every address the sitemaps list.
paths, queue = [], ["/sitemap.xml"]
while queue:
    found = locs(get(queue.pop()))
    for p in found:
        (queue if p.startswith("/sitemaps/") else paths).append(p)

def spread(items, n):
    items = sorted(set(items))
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]

langs = ["be", "ru", "en"]
editions = [p for p in paths if re.fullmatch(r"/[a-z]+/editions/\d+/", p)]
archive_pages = max(1, (len(editions) // len(langs) + 19) // 20)
# The issue's "archive page 50"; a smaller site has fewer pages.
archive_page = min(50, archive_pages)
queries = {
    "be": ["бяспека", "экспарту калію", "\"Савета бяспекі\"", "мясцовыя выбары"],
    "ru": ["безопасность", "экспорт калия", "\"Совета безопасности\"", "местные выборы"],
    "en": ["securities", "potash exports", "\"security council\"", "local elections"],
}
types = {
    "home": [f"/{l}/" for l in langs],
    "commentary": spread([p for p in paths if "/commentaries/" in p], 120),
    "edition": spread(editions, 60),
    "trend": spread([p for p in paths if re.fullmatch(r"/[a-z]+/trends/[^/]+/", p)], 30),
    "archive": [f"/{l}/editions/?page={archive_page}" for l in langs],
    "search": [f"/{l}/search?q={urllib.parse.quote(q)}" for l in langs for q in queries[l]],
    "feed": [f"/{l}/feed.xml" for l in langs],
}
sizes = {}
for kind, chosen in types.items():
    if not chosen:
        sys.exit(f"no {kind} pages found in the sitemaps")
    os.makedirs(os.path.join(static, kind), exist_ok=True)
    ext = "xml" if kind == "feed" else "html"
    plain = zipped = 0
    with open(os.path.join(lists, kind + ".sitrep"), "w") as s, \
         open(os.path.join(lists, kind + ".nginx"), "w") as n:
        for i, path in enumerate(chosen):
            body = get(path)
            name = f"/{kind}/{i}.{ext}"
            open(static + name, "wb").write(body)
            packed = gzip.compress(body, compresslevel=6, mtime=0)
            open(static + name + ".gz", "wb").write(packed)
            plain += len(body)
            zipped += len(packed)
            s.write(path + "\n")
            n.write(name + "\n")
    sizes[kind] = (len(chosen), plain // len(chosen), zipped // len(chosen))
json.dump({"archive_page": archive_page, "sizes": sizes}, open(os.path.join(lists, "chosen.json"), "w"))
for kind, (n, plain, zipped) in sizes.items():
    print(f"    {kind}: {n} addresses, {plain} B on average ({zipped} B gzipped)")
PY
chmod -R a+rX "$STATIC"
TYPES=(home commentary edition trend archive search feed)
for kind in "${TYPES[@]}"; do
    wrk_cycle "$WORK/lists/$kind.sitrep" "$WORK/$kind-sitrep.lua"
    wrk_cycle "$WORK/lists/$kind.nginx" "$WORK/$kind-nginx.lua"
done

# A conditional request for a kept page must be answered 304.
first=$(head -n 1 "$WORK/lists/commentary.sitrep")
etag=$(curl -sfI "http://127.0.0.1:$PORT$first" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
[[ -n $etag ]] || die "no ETag on $first"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "http://127.0.0.1:$PORT$first")
[[ $code == 304 ]] || die "If-None-Match: $etag on $first answered $code, not 304"

start_nginx "$STATIC" "$WORK" auto
SERVERS+=("$NGINX_PID")
# Whose CPU time counts: nginx's master and workers, and sitrep.
NGINX_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"

# Rows: type, coding, server, p50, p99, rps, CPU µs a request. Each server has its turn in
# every round, so that the machine's drift (these are shared machines)
# falls on both alike.
ROWS=$WORK/rows.tsv
: >"$ROWS"
# Both servers first take a few seconds of load that is not measured: in
# the first run after its start a server still faults in the memory of its
# connections and buffers (sitrep spent 6.5 µs of CPU a home page in it,
# 5.6-5.8 in the next two), and nginx's workers theirs, so the first row's
# first round compared two cold starts.
say "warming both servers up: ${DURATION}s of load each, not measured"
wrk_measure "http://127.0.0.1:$NGINX_PORT" "$CONNECTIONS" "$DURATION" "$WORK/home-nginx.lua" >/dev/null
wrk_measure "http://127.0.0.1:$PORT" "$CONNECTIONS" "$DURATION" "$WORK/home-sitrep.lua" >/dev/null
say "loading each page type: ${DURATION}s a run, $CONNECTIONS connections, $ROUNDS rounds"
for kind in "${TYPES[@]}"; do
    for coding in identity gzip; do
        hdr=""
        [[ $coding == gzip ]] && hdr="Accept-Encoding: gzip"
        for ((round = 1; round <= ROUNDS; round++)); do
            read -r a b c d < <(wrk_measure "http://127.0.0.1:$NGINX_PORT" "$CONNECTIONS" "$DURATION" "$WORK/$kind-nginx.lua" "$hdr" "$NGINX_PIDS")
            printf '%s\t%s\tnginx\t%s\t%s\t%s\t%s\n' "$kind" "$coding" "$a" "$b" "$c" "$d" >>"$ROWS"
            ng=$c ngcpu=$d
            read -r a b c d < <(wrk_measure "http://127.0.0.1:$PORT" "$CONNECTIONS" "$DURATION" "$WORK/$kind-sitrep.lua" "$hdr" "$SERVER")
            printf '%s\t%s\tsitrep\t%s\t%s\t%s\t%s\n' "$kind" "$coding" "$a" "$b" "$c" "$d" >>"$ROWS"
            printf '    %-10s %-8s round %d: nginx %s/s (%s µs CPU each), sitrep %s/s (%s µs)\n' \
                "$kind" "$coding" "$round" "$ng" "$ngcpu" "$c" "$d"
        done
    done
done
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
# Of the resident memory, how much is the process's own (heap, stacks) and
# how much is files mapped from disk (the search index, read through mmap;
# the kernel may drop those pages whenever it needs the room).
ANON_KB=$(awk '/RssAnon/ {print $2}' "/proc/$SERVER/status")
FILE_KB=$(awk '/RssFile/ {print $2}' "/proc/$SERVER/status")

# The measured node stops first: a second node on the same folder would find
# the search index taken and keep one of its own in memory (about 130 MB on
# the large site), which no single node does.
kill "$SERVER"
while kill -0 "$SERVER" 2>/dev/null; do sleep 0.05; done

say "uncached renders: one connection, the cache turned off"
COLD_PORT=$(free_port)
read -r COLD_SERVER _ < <(serve "$COLD_PORT" "$WORK/serve-cold.log" SITREP_PAGE_CACHE_MB=0) ||
    die "the uncached sitrep serve did not start"
SERVERS+=("$COLD_SERVER")
for kind in "${TYPES[@]}"; do
    # One pass over the addresses first, so the run measures renders, not
    # the first reading of the search index or the database's pages.
    while IFS= read -r p; do curl -sf -o /dev/null "http://127.0.0.1:$COLD_PORT$p"; done <"$WORK/lists/$kind.sitrep"
    read -r a b c d < <(wrk_measure "http://127.0.0.1:$COLD_PORT" 1 "$DURATION" "$WORK/$kind-sitrep.lua" "" "$COLD_SERVER")
    printf '%s\tidentity\tuncached\t%s\t%s\t%s\t%s\n' "$kind" "$a" "$b" "$c" "$d" >>"$ROWS"
    printf '    %-10s p50 %s ms, p99 %s ms, %s µs CPU each\n' "$kind" "$a" "$b" "$d"
done
COLD_RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$COLD_SERVER/status")

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/results/pages-$STAMP.md
mkdir -p "$ROOT/bench/results"
GENERATED=$GENERATED CONNECTIONS=$CONNECTIONS DURATION=$DURATION ROUNDS=$ROUNDS STARTUP_MS=$STARTUP_MS \
    RSS_KB=$RSS_KB ANON_KB=$ANON_KB FILE_KB=$FILE_KB COLD_RSS_KB=$COLD_RSS_KB CORES=$(nproc) WHEN="$(date -u '+%Y-%m-%d %H:%M UTC')" \
    python3 - "$ROWS" "$WORK/lists/chosen.json" "$OUT" "$JSON_OUT" <<'PY'
import json, os, sys
from statistics import median
rows_file, chosen_file, out, json_out = sys.argv[1:]
env = os.environ
chosen = json.load(open(chosen_file))
# Every measurement of a row, in the order taken (nginx and sitrep in turn).
runs = {}
for line in open(rows_file):
    kind, coding, server, p50, p99, rps, cpu = line.rstrip("\n").split("\t")
    runs.setdefault((kind, coding, server), []).append(
        {"p50_ms": float(p50), "p99_ms": float(p99), "rps": float(rps), "cpu_us": float(cpu)})
rows = {key: {f: median(r[f] for r in rs) for f in ("p50_ms", "p99_ms", "rps", "cpu_us")}
        for key, rs in runs.items()}
types = ["home", "commentary", "edition", "trend", "archive", "search", "feed"]
figures = {
    "site": env["GENERATED"], "connections": int(env["CONNECTIONS"]),
    "duration_s": int(env["DURATION"]), "rounds": int(env["ROUNDS"]), "archive_page": chosen["archive_page"],
    "startup_ms": int(env["STARTUP_MS"]), "peak_rss_mb": round(int(env["RSS_KB"]) / 1024, 1),
    "anon_rss_mb": round(int(env["ANON_KB"]) / 1024, 1), "file_rss_mb": round(int(env["FILE_KB"]) / 1024, 1),
    "uncached_peak_rss_mb": round(int(env["COLD_RSS_KB"]) / 1024, 1), "pages": {},
}
lines = [
    "| page | addresses | bytes (gzip) | coding | nginx req/s | sitrep req/s | ratio "
    "| sitrep p50 ms | sitrep p99 ms | nginx p99 ms | uncached p50 ms | uncached p99 ms |",
    "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for kind in types:
    n, plain, zipped = chosen["sizes"][kind]
    cold = rows[(kind, "identity", "uncached")]
    entry = {"addresses": n, "bytes": plain, "gzip_bytes": zipped, "uncached": cold}
    for coding in ["identity", "gzip"]:
        ng, st = rows[(kind, coding, "nginx")], rows[(kind, coding, "sitrep")]
        ratios = [s["rps"] / n["rps"] for n, s in zip(runs[(kind, coding, "nginx")], runs[(kind, coding, "sitrep")])]
        ratio = median(ratios)
        entry[coding] = {"nginx": ng, "sitrep": st, "ratio": round(ratio, 3),
                         "round_ratios": [round(r, 3) for r in ratios]}
        first = coding == "identity"
        cells = [kind, str(n), f"{plain} ({zipped})"] if first else ["", "", ""]
        spread = f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 else ""
        cells += [coding, f"{ng['rps']:.0f}", f"{st['rps']:.0f}", f"**{ratio:.2f}**{spread}",
                  f"{st['p50_ms']:.2f}", f"{st['p99_ms']:.2f}", f"{ng['p99_ms']:.2f}"]
        cells += [f"{cold['p50_ms']:.2f}", f"{cold['p99_ms']:.2f}"] if first else ["", ""]
        lines.append("| " + " | ".join(cells) + " |")
    figures["pages"][kind] = entry
cpu_lines = [
    "| page | coding | nginx CPU µs/request | sitrep CPU µs/request | sitrep/nginx |",
    "|---|---|---:|---:|---:|",
]
for kind in types:
    for coding in ["identity", "gzip"]:
        ng, st = rows[(kind, coding, "nginx")], rows[(kind, coding, "sitrep")]
        share = st["cpu_us"] / ng["cpu_us"] if ng["cpu_us"] else float("nan")
        figures["pages"][kind][coding]["cpu_ratio"] = round(share, 3)
        cpu_lines.append(f"| {kind if coding == 'identity' else ''} | {coding} | {ng['cpu_us']:.1f} "
                         f"| {st['cpu_us']:.1f} | **{share:.2f}** |")
head = (
    f"# Page benchmark, {env['WHEN']}\n\n"
    f"Site: {figures['site']}; archive page {figures['archive_page']}. Machine: {env['CORES']} cores. "
    f"wrk, {figures['duration_s']} s a run, {figures['connections']} connections, "
    f"{figures['rounds']} rounds of nginx then sitrep: medians, and the median of the rounds' "
    "ratios (their range in brackets). nginx "
    "(worker_processes auto, gzip_static) serves the same bytes saved as files. Uncached: a "
    "second node with `SITREP_PAGE_CACHE_MB=0`, one connection.\n"
)
foot = (
    f"\nStart-up to the first page: {figures['startup_ms']} ms. Peak resident memory of sitrep "
    f"serve under the load above: {figures['peak_rss_mb']} MB; at the end {figures['anon_rss_mb']} MB "
    f"its own and {figures['file_rss_mb']} MB of mapped files (the search index). The uncached node's "
    f"peak: {figures['uncached_peak_rss_mb']} MB.\nTargets: ratio >= 1.0 and p99 < 5 ms for every "
    "cached page; uncached commentary p50 < 2 ms; memory < 150 MB.\n"
)
cpu_head = (
    "\nThe servers' own CPU time (user and system, every thread or worker) per request "
    "answered in the runs above, medians; below 1.0 sitrep spent less than nginx. The "
    "machine's noise moves this far less than the rates, which also depend on how the "
    "two cores are shared with wrk.\n\n"
)
text = head + "\n" + "\n".join(lines) + "\n" + cpu_head + "\n".join(cpu_lines) + "\n" + foot
open(out, "w").write(text)
print(text)
if json_out:
    json.dump(figures, open(json_out, "w"), indent=1)
PY
echo "written to $OUT"
