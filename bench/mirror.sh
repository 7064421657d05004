#!/usr/bin/env bash
# Static mirror benchmark: the time `sitrep mirror` takes to write a
# generated site of about 30,000 language versions, next to Hugo (the Debian
# package) building equivalent content: the same versions as Markdown files
# in three languages, with list pages of 20, a page per trend and per
# edition, and feeds, through minimal templates of about the same weight.
#
#   bench/mirror.sh                        # 10000 commentaries x 3 languages
#   COMMENTARIES=1000 bench/mirror.sh      # quick run
#
# Environment:
#   COMMENTARIES  generated commentaries, each in be, ru and en (default 10000)
#   RUNS          timed runs of each (default 3; the best counts)
#   SKIP_BUILD=1  use the existing target/release/sitrep, do not run cargo
#   KEEP_WORK=1   keep the temporary folder
#   SITE          an existing data folder to mirror instead of generating one
#   JSON_OUT      also write the figures as JSON to this file
#
# Prints one table and writes it to bench/results/mirror-DATE.md.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COMMENTARIES=${COMMENTARIES:-10000}
RUNS=${RUNS:-3}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_WORK=${KEEP_WORK:-0}

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_count "$COMMENTARIES" || die "COMMENTARIES must be a positive whole number, not '$COMMENTARIES'"
is_count "$RUNS" || die "RUNS must be a positive whole number, not '$RUNS'"
command -v hugo >/dev/null || die "hugo is missing: apt-get install -y hugo"
command -v python3 >/dev/null || die "python3 is missing"

SITREP=$ROOT/target/release/sitrep
if [[ $SKIP_BUILD != 1 ]]; then
    say "building the release binary"
    (cd "$ROOT" && cargo build --release --locked -p sitrep)
fi
[[ -x $SITREP ]] || die "$SITREP is missing (build it, or unset SKIP_BUILD)"

WORK=$(mktemp -d /tmp/sitrep-mirror-bench.XXXXXX)
cleanup() {
    if [[ $KEEP_WORK == 1 ]]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [[ -n ${SITE:-} ]]; then
    [[ -f $SITE/sitrep.db ]] || die "SITE=$SITE holds no sitrep.db"
    DATA=$SITE
else
    DATA=$WORK/data
    say "generating a site of $COMMENTARIES commentaries in three languages"
    "$SITREP" demo --data "$DATA" --no-serve --scale "$COMMENTARIES" >/dev/null
fi
"$SITREP" export --data "$DATA" "$WORK/export" >/dev/null

say "writing the same versions as a Hugo site"
python3 - "$WORK/export" "$WORK/hugo" <<'PY'
import json, os, sys, datetime
src, out = sys.argv[1], sys.argv[2]
def rows(table):
    manifest = json.load(open(os.path.join(src, "manifest.json")))
    entry = next(t for t in manifest["tables"] if t["name"] == table)
    cols = [c["name"] for c in entry["columns"]]
    with open(os.path.join(src, entry["file"])) as f:
        for line in f:
            yield dict(zip(cols, json.loads(line)))
trends = {r["id"]: r["slug"] for r in rows("trends")}
editions = {r["id"]: r for r in rows("editions")}
commentaries = {r["id"]: r for r in rows("commentaries")}
n = 0
for v in rows("commentary_versions"):
    if v["status"] != "published" or v["published_at"] is None:
        continue
    c = commentaries[v["commentary_id"]]
    e = editions[c["edition_id"]]
    when = datetime.datetime.fromtimestamp(max(v["published_at"], e["web_at"] or 0), datetime.timezone.utc)
    d = os.path.join(out, "content", v["lang"], "commentaries")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, v["slug"] + ".md"), "w") as f:
        f.write("+++\n")
        f.write("title = %s\n" % json.dumps(v["title"], ensure_ascii=False))
        f.write("date = %s\n" % when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        f.write("translationKey = \"c%d\"\n" % c["id"])
        f.write("trends = [%s]\n" % json.dumps(trends[c["trend_id"]]))
        f.write("editions = [\"%d\"]\n" % e["number"])
        f.write("summary = %s\n" % json.dumps(v["lead"], ensure_ascii=False))
        f.write("+++\n")
        f.write(v["body"])
        f.write("\n")
    n += 1
os.makedirs(os.path.join(out, "layouts", "_default"), exist_ok=True)
langs = "\n".join(
    '[languages.%s]\ncontentDir = "content/%s"\nweight = %d\nlanguageName = "%s"\n' % (l, l, i + 1, l)
    for i, l in enumerate(["be", "ru", "en"])
)
open(os.path.join(out, "hugo.toml"), "w").write(
    'baseURL = "https://example.org/"\ndefaultContentLanguage = "be"\ndefaultContentLanguageInSubdir = true\n'
    'disableKinds = ["robotsTXT"]\npaginate = 20\n'
    '[taxonomies]\ntrend = "trends"\nedition = "editions"\n[outputs]\nhome = ["HTML", "RSS"]\n'
    'section = ["HTML", "RSS"]\ntaxonomy = ["HTML"]\nterm = ["HTML", "RSS"]\n' + langs
)
base = """<!doctype html><html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">
<title>{{ .Title }} | {{ .Site.Title }}</title><link rel="stylesheet" href="/site.css"></head><body>
<header><a href="{{ "/" | relLangURL }}">Home</a> {{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">{{ .Lang }}</a> {{ end }}</header>
<main>{{ block "main" . }}{{ end }}</main></body></html>"""
open(os.path.join(out, "layouts", "_default", "baseof.html"), "w").write(base)
open(os.path.join(out, "layouts", "_default", "single.html"), "w").write(
    '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }} · '
    '{{ range .Params.trends }}<a href="{{ (printf "trends/%s/" .) | relLangURL }}">{{ . }}</a>{{ end }}</p>'
    '<p class="lead">{{ .Summary }}</p>{{ .Content }}</article>{{ end }}')
open(os.path.join(out, "layouts", "_default", "list.html"), "w").write(
    '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}<ul>{{ range $p.Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>'
    '{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">next</a>{{ end }}{{ end }}')
open(os.path.join(out, "layouts", "_default", "terms.html"), "w").write(
    '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}'
    '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}')
print(n)
PY
VERSIONS=$(find "$WORK/hugo/content" -name '*.md' | wc -l)

best() { sort -n | head -n 1; }
time_it() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>"$WORK/last.err" || { cat "$WORK/last.err" >&2; die "failed: $*"; }
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.2f}')"
}

# A serving node keeps its search index ("Read more" reads it); build it
# here so that the runs time the mirror, not a first indexing.
INDEX_TIME="-"
if [[ -z ${SITE:-} || ! -d $DATA/index ]]; then
    INDEX_TIME=$(time_it "$SITREP" reindex --data "$DATA")
fi

say "timing sitrep mirror and hugo, $RUNS runs each, alternating"
# Every run writes into a folder of its own and nothing is deleted until
# the end: ext4 spends long looking past recently freed inodes when it
# makes files, and that would tax whichever tool ran after a deletion.
SITREP_TIMES=()
HUGO_TIMES=()
for i in $(seq 1 "$RUNS"); do
    SITREP_TIMES+=("$(time_it "$SITREP" mirror --data "$DATA" "$WORK/mirror-$i")")
    rm -rf "$WORK/hugo/resources"
    HUGO_TIMES+=("$(time_it hugo --quiet --source "$WORK/hugo" --destination "$WORK/hugo-public-$i")")
done
S=$(printf '%s\n' "${SITREP_TIMES[@]}" | best)
H=$(printf '%s\n' "${HUGO_TIMES[@]}" | best)
SITREP_FILES=$(find "$WORK/mirror-1" -type f | wc -l)
SITREP_HTML=$(find "$WORK/mirror-1" -name '*.html' | wc -l)
HUGO_FILES=$(find "$WORK/hugo-public-1" -type f | wc -l)
HUGO_HTML=$(find "$WORK/hugo-public-1" -name '*.html' | wc -l)
RATIO=$(python3 -c "print(f'{$S / $H:.2f}')")

TABLE=$(cat <<EOF
| | best of $RUNS (s) | files | HTML pages | runs (s) |
|---|---|---|---|---|
| sitrep mirror | $S | $SITREP_FILES | $SITREP_HTML | ${SITREP_TIMES[*]} |
| hugo $(hugo version | grep -o 'v[0-9.]*' | head -n 1) | $H | $HUGO_FILES | $HUGO_HTML | ${HUGO_TIMES[*]} |

sitrep / hugo time: **$RATIO** (below 1: sitrep is faster). $VERSIONS published language versions; $(nproc) CPUs.
Building the search index beforehand (\`sitrep reindex\`, not in the times above): $INDEX_TIME s.
EOF
)
echo
echo "$TABLE"
mkdir -p "$ROOT/bench/results"
RESULT=$ROOT/bench/results/mirror-$(date +%Y%m%d-%H%M%S).md
{
    echo "# Static mirror: sitrep mirror vs hugo"
    echo
    echo "COMMENTARIES=$COMMENTARIES RUNS=$RUNS, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "$TABLE"
} >"$RESULT"
echo
echo "written to $RESULT"
if [[ -n ${JSON_OUT:-} ]]; then
    printf '{"sitrep_s": %s, "hugo_s": %s, "ratio": %s, "versions": %s, "runs": %s}\n' \
        "$S" "$H" "$RATIO" "$VERSIONS" "$RUNS" >"$JSON_OUT"
fi
