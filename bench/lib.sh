# Helpers shared by the benchmark scripts (sourced, not run).

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Seconds since the epoch, with milliseconds.
ms() { python3 -c 'import time; print(f"{time.time():.3f}")'; }

# The release binary, built unless SKIP_BUILD=1.
release_binary() {
    SITREP=$ROOT/target/release/sitrep
    if [[ ${SKIP_BUILD:-0} != 1 ]]; then
        say "building the release binary"
        (cd "$ROOT" && cargo build --release --locked -p sitrep)
    fi
    [[ -x $SITREP ]] || die "$SITREP is missing (build it, or unset SKIP_BUILD)"
}

# Waits until `url` answers 200 (up to 60 s); fails with the log otherwise.
wait_for() {
    local url=$1 log=$2
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "$url" && return 0
        sleep 0.2
    done
    die "no answer from $url: $(tail -n 20 "$log")"
}

# CPU time (user and system, in clock ticks) the processes have used so
# far, all their threads included.
#   cpu_ticks PID...
cpu_ticks() {
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$total"
}

# One wrk run; prints "p50_ms p99_ms requests_per_second", and when server
# PIDs are given a fourth figure: the microseconds of CPU those processes
# spent per request answered (the server's own cost, which the noise of a
# shared machine moves far less than its rate). Any non-2xx answer or
# socket error fails the benchmark: a fast error is no result.
#   wrk_measure URL CONNECTIONS SECONDS [LUA_SCRIPT] [HEADER] [PIDS]
wrk_measure() {
    local url=$1 conns=$2 secs=$3 script=${4:-} hdr=${5:-} pids=${6:-} out
    local before=0 after=0
    out=$(mktemp)
    local threads=2
    ((conns < 2)) && threads=1
    local args=(-t"$threads" -c"$conns" -d"${secs}s" --latency)
    [[ -n $script ]] && args+=(-s "$script")
    [[ -n $hdr ]] && args+=(-H "$hdr")
    # shellcheck disable=SC2086 # a list of PIDs
    [[ -n $pids ]] && before=$(cpu_ticks $pids)
    wrk "${args[@]}" "$url" >"$out" 2>&1 || die "wrk failed: $(cat "$out")"
    # shellcheck disable=SC2086
    [[ -n $pids ]] && after=$(cpu_ticks $pids)
    if grep -qE 'Non-2xx|Socket errors' "$out"; then
        die "errors under load on $url: $(cat "$out")"
    fi
    python3 - "$out" "$pids" "$before" "$after" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
pids, before, after, tick = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
p = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
line = f"{ms(p['50']):.3f} {ms(p['99']):.3f} {float(rps):.0f}"
if pids:
    done = int(re.search(r"(\d+) requests in", text).group(1))
    line += f" {(after - before) / tick / max(done, 1) * 1e6:.2f}"
print(line)
PY
    rm -f "$out"
}

# A wrk script that cycles through the paths listed in a file.
wrk_cycle() {
    local list=$1 script=$2
    {
        echo 'local paths = {'
        while IFS= read -r p; do printf '  %s,\n' "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$p")"; done <"$list"
        echo '}'
        echo 'local i = 0'
        echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
    } >"$script"
}

# Starts nginx serving `root` on loopback; sets NGINX_PID and NGINX_PORT.
#   start_nginx ROOT WORK WORKERS
start_nginx() {
    local root=$1 work=$2 workers=$3
    local bin
    bin=$(command -v nginx || echo /usr/sbin/nginx)
    [[ -x $bin ]] || die "nginx is missing: apt-get install -y nginx"
    NGINX_PORT=$(free_port)
    mkdir -p "$work/nginx-logs"
    cat >"$work/nginx.conf" <<EOF
worker_processes $workers;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-logs/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=10000;
    types { text/html html; application/xml xml; application/json json; }
    default_type text/html;
    server {
        listen 127.0.0.1:$NGINX_PORT reuseport backlog=4096;
        root $root;
        gzip_static on;
        gzip_vary on;
        location / { }
    }
}
EOF
    "$bin" -c "$work/nginx.conf" -p "$work" &
    NGINX_PID=$!
    sleep 0.5
}

# The published language versions in a data folder's SQLite database.
versions_in() {
    python3 - "$1/sitrep.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("SELECT count(*) FROM commentary_versions WHERE status = 'published'").fetchone()[0])
PY
}
