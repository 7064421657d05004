#!/usr/bin/env bash
# Newsletter delivery benchmark: how fast does `sitrep send` push one edition
# to N subscribers through a local SMTP sink, compared with postfix's
# smtp-source blasting messages of the same size at the same sink?
#
#   bench/newsletter.sh                      # 100000 subscribers, 8 connections
#   SUBSCRIBERS=2000 bench/newsletter.sh     # quick run
#
# Environment:
#   SUBSCRIBERS   subscribers to import and mail (default 100000)
#   CONNECTIONS   SMTP sessions, for sitrep and smtp-source alike (default 8, 1..64)
#   MESSAGE_SIZE  smtp-source payload in bytes (default: the size of sitrep's
#                 own message without DKIM, measured in a one-reader sample
#                 send; 20000 if that cannot be measured)
#   SEND_TIMEOUT  seconds one timed run (sitrep send or smtp-source) may take
#                 (default 3600)
#   SKIP_BUILD=1  use the existing target/release/sitrep, do not run cargo
#   KEEP_WORK=1   keep the temporary folder (data copies, logs) for a look
#
# Modes, each on a fresh copy of the same imported data folder:
#   off      no DKIM
#   ed25519  DKIM with an Ed25519 key
#   rsa      DKIM with an RSA-2048 key
# smtp-source runs once before the first mode and once after the last; the
# ratio column compares against the mean of the two.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SUBSCRIBERS=${SUBSCRIBERS:-100000}
CONNECTIONS=${CONNECTIONS:-8}
MESSAGE_SIZE=${MESSAGE_SIZE:-}
SEND_TIMEOUT=${SEND_TIMEOUT:-3600}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_WORK=${KEEP_WORK:-0}
MODES=(off ed25519 rsa)
EDITION=4
FROM='Bench <news@bench.example>'
PUBLIC_URL=https://bench.example
DKIM_DOMAIN=bench.example
DKIM_SELECTOR=bench

say() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_count "$SUBSCRIBERS" || die "SUBSCRIBERS must be a positive whole number, not '$SUBSCRIBERS'"
{ is_count "$CONNECTIONS" && ((CONNECTIONS <= 64)); } ||
    die "CONNECTIONS must be a whole number from 1 to 64 (sitrep's limit), not '$CONNECTIONS'"
[[ -z $MESSAGE_SIZE ]] || is_count "$MESSAGE_SIZE" ||
    die "MESSAGE_SIZE must be a positive number of bytes, not '$MESSAGE_SIZE'"
is_count "$SEND_TIMEOUT" || die "SEND_TIMEOUT must be a number of seconds, not '$SEND_TIMEOUT'"

# ---------------------------------------------------------------- tools

POSTFIX_HINT='smtp-sink and smtp-source come with Debian'"'"'s postfix package; install it without setting up a mail server:
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix'

# The postfix tools live in /usr/sbin, which is not on every PATH.
find_tool() {
    command -v "$1" 2>/dev/null || { [[ -x /usr/sbin/$1 ]] && echo "/usr/sbin/$1"; } || true
}
SMTP_SINK=$(find_tool smtp-sink)
SMTP_SOURCE=$(find_tool smtp-source)
[[ -n $SMTP_SINK && -n $SMTP_SOURCE ]] || die "smtp-sink or smtp-source is missing. $POSTFIX_HINT"
[[ -x /usr/bin/time ]] ||
    die "/usr/bin/time (GNU time, for peak memory) is missing: apt-get install -y time"
command -v python3 >/dev/null || die "python3 is missing (used to pick a free port): apt-get install -y python3"
for t in timeout awk sed; do
    command -v "$t" >/dev/null || die "$t is missing (Debian coreutils / gawk / sed)"
done
if [[ $SKIP_BUILD != 1 ]]; then
    command -v cargo >/dev/null || die "cargo is missing (or set SKIP_BUILD=1 to use an existing release binary)"
fi

# smtp-sink refuses to run as root unless told which user to become.
SINK_USER=()
[[ $(id -u) -eq 0 ]] && SINK_USER=(-u nobody)

# Only the settings below reach sitrep: nothing from the caller's environment
# (a database URL, a rate limit, a config file) may change what is measured.
SITREP_LOG_KEEP=${SITREP_LOG:-info}
while read -r v; do unset "$v"; done < <(compgen -e | grep '^SITREP_' || true)
export SITREP_LOG=$SITREP_LOG_KEEP

# ---------------------------------------------------------------- work area

WORK='' DUMP='' CHILD=''
SINK_PIDS=()

cleanup() {
    local rc=$?
    if [[ -n $CHILD ]]; then
        kill -TERM "$CHILD" 2>/dev/null || true
        wait "$CHILD" 2>/dev/null || true
    fi
    for pid in "${SINK_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [[ -z $DUMP ]] || rm -rf "$DUMP"
    if [[ $KEEP_WORK == 1 && -n $WORK ]]; then
        echo "Work folder kept: $WORK" >&2
    elif [[ -n $WORK ]]; then
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-bench.XXXXXX")
# smtp-sink drops to `nobody`, which must be able to write its dumps.
DUMP=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-bench-dump.XXXXXX")
chmod 0777 "$DUMP"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_sink NAME [extra smtp-sink options...]: starts a sink on a free
# loopback port with running counters going to $WORK/NAME.count; sets PORT
# and SINK_PID.
start_sink() {
    local name=$1
    shift
    PORT=$(free_port)
    "$SMTP_SINK" "${SINK_USER[@]}" -c "$@" "127.0.0.1:$PORT" 1000 \
        >"$WORK/$name.count" 2>"$WORK/$name.err" &
    SINK_PID=$!
    SINK_PIDS+=("$SINK_PID")
    local _
    for _ in $(seq 100); do
        kill -0 "$SINK_PID" 2>/dev/null ||
            die "smtp-sink stopped at once: $(cat "$WORK/$name.err")"
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    die "smtp-sink does not accept connections on port $PORT"
}

stop_sink() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# Messages the sink has taken since it started (its -c counter line).
sink_count() {
    local n
    n=$(tail -c 400 "$WORK/$1.count" | tr '\r' '\n' | grep -o 'mesg=[0-9]*' | tail -n 1 | cut -d= -f2 || true)
    echo "${n:-0}"
}

now() { date +%s.%N; }
# calc 'EXPR' VAR=VALUE...: floating-point arithmetic with awk.
calc() {
    local expr=$1
    shift
    awk "$@" "BEGIN { printf \"%s\", $expr }"
}

# Runs an external command in the background and waits for it: a signal to
# this script then takes effect at once (a foreground child would delay it),
# and cleanup stops the command. Commands run under `timeout` sit in their
# own process group, out of the terminal's reach, so this matters.
run_child() {
    "$@" &
    CHILD=$!
    local rc=0
    wait "$CHILD" || rc=$?
    CHILD=''
    return "$rc"
}

# Runs a command with its output in a log; on failure shows the log's end.
logged() {
    local log=$1
    shift
    if ! run_child "$@" >"$log" 2>&1; then
        echo "---- last lines of $log:" >&2
        tail -n 20 "$log" >&2
        die "failed: $*"
    fi
}

# rusage FILE FIELD: a value from /usr/bin/time -v's report.
rusage() { awk -F': ' -v k="$2" 'index($0, k) { print $2; exit }' "$1"; }

# ---------------------------------------------------------------- build

cd "$ROOT"
if [[ $SKIP_BUILD == 1 ]]; then
    say "Using the existing release binary (SKIP_BUILD=1)"
else
    say "Building the release binary"
    cargo build --release -p sitrep
fi
SITREP="${CARGO_TARGET_DIR:-$ROOT/target}/release/sitrep"
[[ -x $SITREP ]] || die "no binary at $SITREP"
VERSION=$("$SITREP" --version 2>/dev/null || echo "sitrep ?")

# send_cmd DIR PORT [WRAPPER...]: sets SEND to the `sitrep send` command line
# with the bench's relay settings, WRAPPER (e.g. timeout) in front of sitrep.
send_cmd() {
    local dir=$1 port=$2
    shift 2
    SEND=(env SITREP_SMTP_URL="smtp://127.0.0.1:$port"
        SITREP_SMTP_CONNECTIONS="$CONNECTIONS"
        SITREP_MAIL_FROM="$FROM"
        SITREP_PUBLIC_URL="$PUBLIC_URL"
        "$@" "$SITREP" send --data "$dir" "$EDITION")
}

# Sets up DKIM for a mode in a data folder.
prepare_mode() {
    local dir=$1 mode=$2 log=$3
    case $mode in
        off) : >"$log" ;;
        ed25519 | rsa)
            logged "$log" "$SITREP" dkim generate --data "$dir" --algorithm "$mode" \
                --selector "$DKIM_SELECTOR" --domain "$DKIM_DOMAIN"
            ;;
        *) die "unknown mode $mode" ;;
    esac
}

# Parses "Edition 4: X sent, Y failed (Z bounced), of T, in S s." into
# "X Y Z T S"; prints nothing when the line is not there.
send_summary() {
    sed -n 's/^Edition [0-9]*: \([0-9]*\) sent, \([0-9]*\) failed (\([0-9]*\) bounced), of \([0-9]*\), in \([0-9.]*\) s\.$/\1 \2 \3 \4 \5/p' "$1" | tail -n 1
}

# ---------------------------------------------------------------- demo site

DATA="$WORK/data"
say "Writing the demo site to a fresh data folder"
logged "$WORK/demo.log" "$SITREP" demo --no-serve --data "$DATA"
grep -m 1 '^Demo site' "$WORK/demo.log" || tail -n 1 "$WORK/demo.log"
cp -a "$DATA" "$WORK/sample-base"

# ---------------------------------------------------------------- sample
# One reader, one message per mode, captured by a dumping sink: the real
# size of what sitrep sends. This also tries every command once before the
# long runs.

# Bytes of each dumped message as it went over the wire (CRLF line ends),
# smtp-sink's own added headers left out; prints the mean.
message_size() {
    python3 - "$@" <<'PY'
import sys
sizes = []
for path in sys.argv[1:]:
    lines = open(path, "rb").read().split(b"\n")
    # smtp-sink puts X-* records and a three-line Received header first.
    i = next(k for k, l in enumerate(lines) if l.startswith(b"Received: ")) + 1
    while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
        i += 1
    body = lines[i:]
    # The dump ends with an empty line (and the last newline).
    while body and body[-1] == b"":
        body.pop()
    sizes.append(sum(len(l) + 2 for l in body))
print(round(sum(sizes) / len(sizes)))
PY
}

say "Sample: one reader, one message per mode, to measure the message size"
printf 'email,languages,consent\nsample000001@bench.example,en,bench sample %s\n' \
    "$(date -u +%F)" >"$WORK/sample.csv"
logged "$WORK/sample-import.log" "$SITREP" subscribers import --data "$WORK/sample-base" "$WORK/sample.csv"
start_sink sample -d "$DUMP/msg."
declare -A BYTES
for mode in "${MODES[@]}"; do
    dir="$WORK/sample-$mode"
    cp -a "$WORK/sample-base" "$dir"
    prepare_mode "$dir" "$mode" "$WORK/sample-dkim-$mode.log"
    send_cmd "$dir" "$PORT" timeout 300
    logged "$WORK/sample-send-$mode.log" "${SEND[@]}"
    shopt -s nullglob
    files=("$DUMP"/msg.*)
    shopt -u nullglob
    if ((${#files[@]} == 0)); then
        warn "the sample send ($mode) left no message in the sink's dump"
        BYTES[$mode]='?'
    else
        BYTES[$mode]=$(message_size "${files[@]}" 2>/dev/null || echo '?')
        # A DKIM row must measure signed mail, and the plain row unsigned mail.
        signed=no
        grep -qi '^DKIM-Signature:' "${files[0]}" && signed=yes
        rm -f "${files[@]}"
        if [[ $mode == off && $signed == yes ]]; then
            die "the sample message without DKIM carries a DKIM-Signature"
        elif [[ $mode != off && $signed == no ]]; then
            die "after 'sitrep dkim generate --algorithm $mode' the sample message has no DKIM-Signature header (is the key not picked up by sitrep send?)"
        fi
    fi
    echo "    $mode: ${BYTES[$mode]} bytes"
    rm -rf "$dir"
done
stop_sink "$SINK_PID"
rm -rf "$WORK/sample-base"

if [[ -n $MESSAGE_SIZE ]]; then
    SIZE_NOTE="MESSAGE_SIZE set by the caller"
elif [[ ${BYTES[off]} =~ ^[0-9]+$ ]]; then
    MESSAGE_SIZE=${BYTES[off]}
    SIZE_NOTE="measured: sitrep's message without DKIM"
else
    MESSAGE_SIZE=20000
    SIZE_NOTE="default; sitrep's message size could not be measured"
fi
say "smtp-source will send $MESSAGE_SIZE-byte messages ($SIZE_NOTE)"

# ---------------------------------------------------------------- subscribers

say "Importing $SUBSCRIBERS subscribers"
awk -v n="$SUBSCRIBERS" -v day="$(date -u +%F)" 'BEGIN {
    print "email,languages,consent"
    for (i = 1; i <= n; i++) printf "reader%06d@bench.example,en,bench import %s\n", i, day
}' >"$WORK/subscribers.csv"
t0=$(now)
logged "$WORK/import.log" "$SITREP" subscribers import --data "$DATA" "$WORK/subscribers.csv"
t1=$(now)
IMPORT_SECONDS=$(calc 'sprintf("%.1f", b - a)' -v a="$t0" -v b="$t1")
echo "    $(tail -n 1 "$WORK/import.log") [$IMPORT_SECONDS s]"
rm -f "$WORK/subscribers.csv"

# ---------------------------------------------------------------- timed runs

start_sink main
SINK=$PORT
say "smtp-sink listening on 127.0.0.1:$SINK"

# Rows of the result table, tab-separated: mode, messages, seconds,
# messages/s, peak RSS MB, sitrep's own seconds, CPU seconds, bytes/message,
# messages the sink counted.
ROWS=()
add_row() {
    local line
    printf -v line '%s\t' "$@"
    ROWS+=("${line%$'\t'}")
}

reference() {
    local label=$1 before after t0 t1 secs
    say "Reference: smtp-source, $SUBSCRIBERS messages of $MESSAGE_SIZE bytes, $CONNECTIONS connections ($label)"
    sync
    before=$(sink_count main)
    t0=$(now)
    logged "$WORK/ref-$label.log" timeout "$SEND_TIMEOUT" /usr/bin/time -v -o "$WORK/ref-$label.time" \
        "$SMTP_SOURCE" -d -s "$CONNECTIONS" -m "$SUBSCRIBERS" -l "$MESSAGE_SIZE" \
        -f news@bench.example -t reader@bench.example -M bench.example "127.0.0.1:$SINK"
    t1=$(now)
    after=$(sink_count main)
    secs=$(calc 'b - a' -v a="$t0" -v b="$t1")
    local rss cpu
    rss=$(rusage "$WORK/ref-$label.time" 'Maximum resident set size')
    cpu=$(calc 'u + s' -v u="$(rusage "$WORK/ref-$label.time" 'User time')" \
        -v s="$(rusage "$WORK/ref-$label.time" 'System time')")
    add_row "smtp-source ($label)" "$SUBSCRIBERS" "$secs" "$(calc 'n / s' -v n="$SUBSCRIBERS" -v s="$secs")" \
        "$(calc 'k / 1024' -v k="$rss")" - "$cpu" "$MESSAGE_SIZE" "$((after - before))"
    if ((after - before != SUBSCRIBERS)); then
        warn "the sink counted $((after - before)) messages, not $SUBSCRIBERS"
    fi
    printf '    %.2f s, %.0f messages/s\n' "$secs" "$(calc 'n / s' -v n="$SUBSCRIBERS" -v s="$secs")"
}

cp -a "$DATA" "$WORK/pristine"
rm -rf "$DATA"

reference start

for mode in "${MODES[@]}"; do
    dir="$WORK/run-$mode"
    rm -rf "$dir"
    cp -a "$WORK/pristine" "$dir"
    prepare_mode "$dir" "$mode" "$WORK/dkim-$mode.log"
    say "sitrep send, DKIM $mode"
    sync
    before=$(sink_count main)
    t0=$(now)
    rc=0
    send_cmd "$dir" "$SINK" timeout "$SEND_TIMEOUT" /usr/bin/time -v -o "$WORK/send-$mode.time"
    run_child "${SEND[@]}" >"$WORK/send-$mode.log" 2>&1 || rc=$?
    t1=$(now)
    after=$(sink_count main)
    if ((rc != 0)); then
        tail -n 20 "$WORK/send-$mode.log" >&2
        ((rc == 124)) && die "sitrep send ($mode) took longer than SEND_TIMEOUT=$SEND_TIMEOUT s"
        die "sitrep send ($mode) failed with status $rc"
    fi
    summary=$(send_summary "$WORK/send-$mode.log")
    if [[ -n $summary ]]; then
        read -r sent failed bounced total own <<<"$summary"
        echo "    $(grep '^Edition ' "$WORK/send-$mode.log" | tail -n 1)"
    else
        warn "sitrep's summary line was not found; counting what the sink took"
        sent=$((after - before)) failed='?' bounced='?' total='?' own='-'
    fi
    [[ $total == "$SUBSCRIBERS" ]] || warn "the send had $total recipients, not $SUBSCRIBERS"
    [[ $failed == 0 ]] || warn "$failed messages failed ($bounced bounced)"
    ((after - before == sent)) || warn "sitrep reports $sent sent, the sink counted $((after - before))"
    secs=$(calc 'b - a' -v a="$t0" -v b="$t1")
    rss=$(rusage "$WORK/send-$mode.time" 'Maximum resident set size')
    cpu=$(calc 'u + s' -v u="$(rusage "$WORK/send-$mode.time" 'User time')" \
        -v s="$(rusage "$WORK/send-$mode.time" 'System time')")
    add_row "sitrep, DKIM $mode" "$sent" "$secs" "$(calc 'n / s' -v n="$sent" -v s="$secs")" \
        "$(calc 'k / 1024' -v k="$rss")" "$own" "$cpu" "${BYTES[$mode]}" "$((after - before))"
    printf '    %.2f s, %.0f messages/s, peak RSS %.1f MB\n' "$secs" \
        "$(calc 'n / s' -v n="$sent" -v s="$secs")" "$(calc 'k / 1024' -v k="$rss")"
    rm -rf "$dir"
done

reference end
stop_sink "$SINK_PID"

# ---------------------------------------------------------------- results

# The smtp-source rate both runs averaged: the 100% mark.
REF_RATE=$(printf '%s\n' "${ROWS[@]}" | awk -F'\t' '/^smtp-source/ { s += $4; n++ } END { printf "%.6f", s / n }')

HEAD="mode|messages|seconds|messages/s|% of smtp-source|peak RSS MB|sitrep's own s|CPU s|bytes/message|sink counted"
table() {
    # $1: "text" (aligned columns) or "md" (a markdown table)
    printf '%s\n' "${ROWS[@]}" | awk -F'\t' -v fmt="$1" -v ref="$REF_RATE" -v head="$HEAD" '
    function num(v, f) { return (v ~ /^[0-9.]+$/) ? sprintf(f, v) : v }
    {
        r = NR
        cell[r, 1] = $1
        cell[r, 2] = $2
        cell[r, 3] = num($3, "%.2f")
        cell[r, 4] = num($4, "%.0f")
        cell[r, 5] = sprintf("%.1f", 100 * $4 / ref)
        cell[r, 6] = num($5, "%.1f")
        cell[r, 7] = num($6, "%.1f")
        cell[r, 8] = num($7, "%.2f")
        cell[r, 9] = $8
        cell[r, 10] = $9
    }
    END {
        n = split(head, h, "|")
        for (i = 1; i <= n; i++) { cell[0, i] = h[i]; w[i] = length(h[i]) }
        for (r = 1; r <= NR; r++)
            for (i = 1; i <= n; i++)
                if (length(cell[r, i]) > w[i]) w[i] = length(cell[r, i])
        for (r = 0; r <= NR; r++) {
            if (fmt == "md") {
                line = "|"
                for (i = 1; i <= n; i++) line = line " " cell[r, i] " |"
            } else {
                line = sprintf("%-" w[1] "s", cell[r, 1])
                for (i = 2; i <= n; i++) line = line sprintf("  %" w[i] "s", cell[r, i])
            }
            print line
            if (r == 0 && fmt == "md") {
                line = "|---|"
                for (i = 2; i <= n; i++) line = line "---:|"
                print line
            }
        }
    }'
}

echo
table text
echo

mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/newsletter-$(date +%Y%m%d-%H%M%S).md"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
{
    echo "# Newsletter delivery benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- $VERSION, commit $COMMIT, release build"
    echo "- Machine: $(nproc) CPUs${CPU_MODEL:+ ($CPU_MODEL)}, $(uname -sr); sitrep, smtp-sink and smtp-source share them"
    echo "- Subscribers: $SUBSCRIBERS (all \`en\`, one message each), edition $EDITION of the demo site, SQLite"
    echo "- SMTP connections: $CONNECTIONS, to \`smtp-sink\` on 127.0.0.1"
    echo "- smtp-source: \`-d -s $CONNECTIONS -m $SUBSCRIBERS -l $MESSAGE_SIZE\` ($SIZE_NOTE)"
    echo "- Import of the subscribers: $IMPORT_SECONDS s"
    echo "- The 100% mark is the mean of the two smtp-source runs: $(printf '%.0f' "$REF_RATE") messages/s"
    echo
    table md
    echo
    echo "Seconds and messages/s are wall-clock, taken around each command; \"sitrep's own s\" is"
    echo "what \`sitrep send\` reports (its delivery loop only: no start-up, no queueing of the"
    echo "edition's deliveries). Peak RSS and CPU s"
    echo "(user + system) come from \`/usr/bin/time -v\`. Bytes/message is the size on the wire of"
    echo "one message, taken from a one-reader sample send of each mode."
} >"$OUT"
say "Results written to ${OUT#"$ROOT"/}"
if [[ -n ${JSON_OUT:-} ]]; then
    printf '%s\n' "${ROWS[@]}" | python3 -c '
import json, sys
ref = float(sys.argv[1])
rows = [line.rstrip("\n").split("\t") for line in sys.stdin if line.strip()]
def num(v):
    try:
        return float(v)
    except ValueError:
        return None
out = {"subscribers": int(sys.argv[2]), "connections": int(sys.argv[3]), "reference_rate": round(ref),
       "runs": [{"mode": r[0], "messages": num(r[1]), "seconds": num(r[2]), "rate": num(r[3]),
                 "percent_of_reference": round(100 * float(r[3]) / ref, 1), "peak_rss_mb": num(r[4])}
                for r in rows]}
json.dump(out, open(sys.argv[4], "w"), indent=1)
' "$REF_RATE" "$SUBSCRIBERS" "$CONNECTIONS" "$JSON_OUT"
fi
