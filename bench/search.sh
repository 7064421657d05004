#!/usr/bin/env bash
# Search benchmark: on a generated site of about 30,000 language versions
# (`sitrep demo --scale`), the latency of /{lang}/search over a fixed set of
# queries per language, measured with wrk next to nginx serving a saved
# results page of the same size from disk (the floor of HTTP on this machine).
#
#   bench/search.sh                         # 10000 commentaries x 3 languages
#   COMMENTARIES=1000 bench/search.sh       # quick run
#
# Environment:
#   COMMENTARIES  generated commentaries, each in be, ru and en (default 10000)
#   DURATION      seconds of load per measurement (default 10)
#   CONNECTIONS   wrk connections for the loaded run (default 16); the
#                 latency run always uses one
#   SKIP_BUILD=1  use the existing target/release/sitrep, do not run cargo
#   KEEP_WORK=1   keep the temporary folder (data, logs, wrk output)
#   SITE          an existing data folder to search instead of generating one
#   JSON_OUT      also write the figures as JSON to this file
#
# Prints one table and writes it to bench/results/search-DATE.md.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
COMMENTARIES=${COMMENTARIES:-10000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_WORK=${KEEP_WORK:-0}

is_count "$COMMENTARIES" || die "COMMENTARIES must be a positive whole number, not '$COMMENTARIES'"
is_count "$DURATION" || die "DURATION must be a whole number of seconds, not '$DURATION'"
is_count "$CONNECTIONS" || die "CONNECTIONS must be a positive whole number, not '$CONNECTIONS'"

for t in wrk nginx curl python3; do
    command -v "$t" >/dev/null || [[ -x /usr/sbin/$t ]] ||
        die "$t is missing: apt-get install -y wrk nginx curl python3"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

release_binary

WORK=$(mktemp -d /tmp/sitrep-search-bench.XXXXXX)
# nginx's workers (nobody, when started as root) read the saved page.
chmod 755 "$WORK"
SERVER=""
NGINX_PID=""
cleanup() {
    [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null
    if [[ $KEEP_WORK == 1 ]]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT


if [[ -n ${SITE:-} ]]; then
    [[ -f $SITE/sitrep.db ]] || die "SITE=$SITE holds no sitrep.db"
    DATA=$SITE
    GENERATE_S="-"
    VERSIONS=$(versions_in "$DATA")
else
    DATA=$WORK/data
    say "generating $COMMENTARIES commentaries in three languages"
    t0=$(ms)
    SITREP_LOG=warn "$SITREP" demo --data "$DATA" --scale "$COMMENTARIES" --no-serve >"$WORK/demo.log"
    t1=$(ms)
    GENERATE_S=$(python3 -c "print(f'{$t1-$t0:.1f}')")
    VERSIONS=$(grep -o '[0-9]* language versions' "$WORK/demo.log" | grep -o '^[0-9]*')
fi

INDEX_S="-"
if [[ -z ${SITE:-} || ! -d $DATA/index ]]; then
    say "building the search index"
    t0=$(ms)
    SITREP_LOG=warn "$SITREP" reindex --data "$DATA" >"$WORK/reindex.log"
    t1=$(ms)
    INDEX_S=$(python3 -c "print(f'{$t1-$t0:.1f}')")
fi
INDEX_MB=$(du -sm "$DATA/index" | cut -f1)

PORT=$(free_port)
# Without the response cache: a fixed set of queries would otherwise
# measure the cache (bench/pages.sh does that), not the search.
SITREP_LOG=warn SITREP_PAGE_CACHE_MB=0 "$SITREP" serve --data "$DATA" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
wait_for "http://127.0.0.1:$PORT/be/" "$WORK/serve.log"

# The fixed queries: single words in other forms than the text's, two
# words, a phrase, a filter, a rare word and one that matches nothing.
declare -A QUERIES
QUERIES[be]='бяспека|прэзідэнту|экспарту калію|"Савета бяспекі"|мясцовыя выбары|ацэнкі|крэдыты|граніца|міністэрствы|дзяржава|зусім-няма-такога-слова|кантроль&trend=economy'
QUERIES[ru]='безопасность|президенту|экспорт калия|"Совета безопасности"|местные выборы|оценки|кредиты|граница|министерства|государство|совсем-нет-такого-слова|контроль&trend=economy'
QUERIES[en]='securities|presidents|potash exports|"security council"|local elections|assessing|credit|borders|ministries|government|no-such-word-anywhere|control&trend=economy'

encode() { python3 -c 'import sys,urllib.parse; q,_,rest=sys.argv[1].partition("&"); print(urllib.parse.quote(q)+("&"+rest if rest else ""))' "$1"; }

lua_for() {
    local lang=$1 file=$WORK/$1.lua
    {
        echo 'local paths = {'
        IFS='|' read -ra qs <<<"${QUERIES[$lang]}"
        for q in "${qs[@]}"; do echo "  \"/$lang/search?q=$(encode "$q")\","; done
        echo '}'
        echo 'local i = 0'
        echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
    } >"$file"
    echo "$file"
}

# Checks every query answers 200 and notes the hits, for the table.
hits_for() {
    local lang=$1 total=0
    IFS='|' read -ra qs <<<"${QUERIES[$lang]}"
    for q in "${qs[@]}"; do
        local body
        body=$(curl -sf "http://127.0.0.1:$PORT/$lang/search?q=$(encode "$q")") || die "query $q ($lang) failed"
        if grep -q 'search-summary' <<<"$body"; then total=$((total + 1)); fi
    done
    echo "$total"
}

measure() { wrk_measure "$1" "$2" "$DURATION" "${3:-}"; }

# The reference: nginx serving a saved results page of the same size.
STATIC=$WORK/static
mkdir -p "$STATIC/logs"
curl -sf "http://127.0.0.1:$PORT/en/search?q=government" >"$STATIC/page.html"
NPORT=$(free_port)
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $STATIC/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$NPORT;
        root $STATIC;
        location / { default_type text/html; }
    }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$STATIC" &
NGINX_PID=$!
sleep 0.5

say "measuring (${DURATION}s per run)"
read -r NG1_P50 NG1_P99 NG1_RPS < <(measure "http://127.0.0.1:$NPORT/page.html" 1)
read -r NGC_P50 NGC_P99 NGC_RPS < <(measure "http://127.0.0.1:$NPORT/page.html" "$CONNECTIONS")

ROWS=""
JSON_ROWS=""
for lang in be ru en; do
    script=$(lua_for "$lang")
    answered=$(hits_for "$lang")
    read -r P50 P99 RPS < <(measure "http://127.0.0.1:$PORT" 1 "$script")
    read -r CP50 CP99 CRPS < <(measure "http://127.0.0.1:$PORT" "$CONNECTIONS" "$script")
    ROWS+="| $lang | $answered/12 | $P50 | $P99 | $CP50 | $CP99 | $CRPS |"$'\n'
    JSON_ROWS+="\"$lang\": {\"answered\": $answered, \"p50_ms\": $P50, \"p99_ms\": $P99, \"loaded_p50_ms\": $CP50, \"loaded_p99_ms\": $CP99, \"loaded_rps\": $CRPS},"
done

RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/results/search-$STAMP.md
mkdir -p "$ROOT/bench/results"
{
    echo "# Search benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Site: $COMMENTARIES generated commentaries plus the demo's, $VERSIONS language versions;"
    if [[ $GENERATE_S == - ]]; then
        echo "the site and its index given (SITE=$SITE), index ${INDEX_MB} MB."
    else
        echo "generated in ${GENERATE_S}s, indexed (\`sitrep reindex\`) in ${INDEX_S}s, index ${INDEX_MB} MB."
    fi
    echo "Machine: $(nproc) cores, $CPU. wrk, ${DURATION}s a run; 12 fixed queries a language, cycled."
    echo
    echo "| language | queries answered | p50 ms (1 conn) | p99 ms (1 conn) | p50 ms ($CONNECTIONS conns) | p99 ms ($CONNECTIONS conns) | requests/s ($CONNECTIONS conns) |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s' "$ROWS"
    echo "| nginx, saved results page ($(wc -c <"$STATIC/page.html") B) | — | $NG1_P50 | $NG1_P99 | $NGC_P50 | $NGC_P99 | $NGC_RPS |"
    echo
    echo "Peak resident memory of sitrep serve: $((RSS_KB / 1024)) MB."
    echo "Target: p99 under 10 ms (one connection)."
} | tee "$OUT"
echo "written to $OUT"
if [[ -n ${JSON_OUT:-} ]]; then
    python3 -c 'import json, sys; json.dump(json.loads(sys.argv[1]), open(sys.argv[2], "w"), indent=1)' \
        "{${JSON_ROWS} \"nginx\": {\"p50_ms\": $NG1_P50, \"p99_ms\": $NG1_P99, \"loaded_rps\": $NGC_RPS}, \"connections\": $CONNECTIONS, \"peak_rss_mb\": $((RSS_KB / 1024))}" "$JSON_OUT"
fi
