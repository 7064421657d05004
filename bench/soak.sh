#!/usr/bin/env bash
# Soak test: `sitrep serve` under mixed traffic for a fixed time, on
# loopback only. Readers on every page type (wrk), searches with changing
# words, sign-ups and erasures of subscribers, an editor saving and
# publishing through the API, and a newsletter going out to smtp-sink at a
# set rate the whole time. Prints, minute by minute, the requests served,
# the 5xx answers, wrk's p99 and the node's resident memory.
#
#   bench/soak.sh                      # 10 minutes
#   MINUTES=2 COMMENTARIES=300 bench/soak.sh
#
# Environment:
#   MINUTES       length of the soak (default 10)
#   COMMENTARIES  generated commentaries, each in 3 languages (default 2000)
#   SUBSCRIBERS   readers of the newsletter sent during the soak (default 60000)
#   SMTP_RATE     letters a second (default 100, so the send lasts the soak)
#   SITE          an existing data folder to copy instead of generating one
#   SKIP_BUILD=1  use the existing target/release/sitrep
#   KEEP_WORK=1   keep the temporary folder
#
# Writes bench/results/soak-DATE.md and .json. Needs wrk, curl, python3 and
# postfix's smtp-sink (see bench/newsletter.sh for installing it).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
MINUTES=${MINUTES:-10}
COMMENTARIES=${COMMENTARIES:-2000}
SUBSCRIBERS=${SUBSCRIBERS:-60000}
SMTP_RATE=${SMTP_RATE:-100}
SITE=${SITE:-}
KEEP_WORK=${KEEP_WORK:-0}
for v in MINUTES COMMENTARIES SUBSCRIBERS SMTP_RATE; do
    is_count "${!v}" || die "$v must be a positive whole number, not '${!v}'"
done
for t in wrk curl python3; do
    command -v "$t" >/dev/null || die "$t is missing: apt-get install -y wrk curl python3"
done
SMTP_SINK=$(command -v smtp-sink 2>/dev/null || { [[ -x /usr/sbin/smtp-sink ]] && echo /usr/sbin/smtp-sink; } || true)
[[ -n $SMTP_SINK ]] || die "smtp-sink is missing: it comes with Debian's postfix package (see bench/newsletter.sh)"
while IFS= read -r v; do [[ $v == SITREP_LOG ]] || unset "$v"; done < <(compgen -e | grep '^SITREP_' || true)
export SITREP_LOG=${SITREP_LOG:-warn}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-soak.XXXXXX")
chmod 0777 "$WORK"
PIDS=()
cleanup() {
    local rc=$?
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ $KEEP_WORK == 1 ]]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT

release_binary
DATA=$WORK/site
if [[ -n $SITE ]]; then
    say "copying $SITE"
    cp -a "$SITE" "$DATA"
else
    say "generating a site of $COMMENTARIES commentaries"
    "$SITREP" demo --data "$DATA" --scale "$COMMENTARIES" --no-serve >"$WORK/demo.log"
    "$SITREP" reindex --data "$DATA" >/dev/null
fi
say "importing $SUBSCRIBERS subscribers"
awk -v n="$SUBSCRIBERS" 'BEGIN {
    print "email,languages,consent"
    for (i = 1; i <= n; i++) printf "soak%06d@soak.example,en,soak import\n", i
}' >"$WORK/readers.csv"
"$SITREP" subscribers import --data "$DATA" "$WORK/readers.csv" >"$WORK/import.log"

SINK_PORT=$(free_port)
SINK_USER=()
[[ $(id -u) -eq 0 ]] && SINK_USER=(-u nobody)
"$SMTP_SINK" "${SINK_USER[@]}" -c "127.0.0.1:$SINK_PORT" 1000 >"$WORK/sink.count" 2>"$WORK/sink.err" &
PIDS+=($!)

PORT=$(free_port)
env SITREP_SMTP_URL="smtp://127.0.0.1:$SINK_PORT" SITREP_SMTP_RATE="$SMTP_RATE" \
    SITREP_MAIL_FROM="Soak <soak@soak.example>" \
    "$SITREP" serve --data "$DATA" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
wait_for "http://127.0.0.1:$PORT/en/" "$WORK/serve.log"

say "soaking for $MINUTES minutes"
STAMP=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$ROOT/bench/results"
python3 "$ROOT/bench/soak.py" --port "$PORT" --pid "$SERVER" --minutes "$MINUTES" \
    --sitrep "$SITREP" --data "$DATA" --smtp "smtp://127.0.0.1:$SINK_PORT" --rate "$SMTP_RATE" \
    --work "$WORK" --out "$ROOT/bench/results/soak-$STAMP" \
    --when "$(date -u '+%Y-%m-%d %H:%M UTC')" --cores "$(nproc)"
echo "written to $ROOT/bench/results/soak-$STAMP.md"
