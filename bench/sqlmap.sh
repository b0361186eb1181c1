#!/usr/bin/env bash
# sqlmap (Debian package) against a local gunicorn on a throwaway SQLite database: the search page,
# the search and items APIs, the tracking-code lookup, and the comment and staff login forms (each
# POST with a fresh CSRF token, sqlmap's --csrf-token). Writes bench/results/sqlmap.md.
#
#   bash bench/sqlmap.sh                  # level 2 / risk 2 (parameters and cookies), ~10-20 minutes
#   LEVEL=3 RISK=2 bash bench/sqlmap.sh   # adds User-Agent and Referer: ~20 minutes per target
#   LEVEL=1 RISK=1 bash bench/sqlmap.sh   # quick pass, ~3 minutes
#
# Not part of `make test`: it takes minutes. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sqlmap >/dev/null || { echo "sqlmap is not installed: apt-get install sqlmap" >&2; exit 2; }

LEVEL=${LEVEL:-2}
RISK=${RISK:-2}
PY=.venv/bin/python
work=$(mktemp -d)
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export PORTAL_INSTANCE_DIR="$work/instance" PORTAL_DATABASE_URL="sqlite:///$work/portal.db"
export PORTAL_SEARCH_INDEX="$work/index" PORTAL_SECRET_KEY="sqlmap-run" PORT="$port"
export PORTAL_ACCESS_LOG="$work/access.log" PORTAL_LOG_LEVEL=warning PORTAL_WORKERS=2
# sqlmap sends thousands of comments from one address; the limit would answer 429 to nearly all of them.
export PORTAL_FEEDBACK_RATE_LIMIT=100000000

$PY -m flask --app wsgi db upgrade >/dev/null 2>&1
$PY -m flask --app wsgi load-content
$PY -m flask --app wsgi search build
# A published comment, so the tracking page, the lookup and the report form have something to find.
read -r tracking comment_id < <($PY - <<'EOF'
from wsgi import app
from portal.services import feedback
with app.app_context():
    fb = feedback.submit("2.3", body="加装电梯什么时候开工？", kind="question", ip="192.0.2.1", lang="zh").feedback
    feedback.approve(fb, None)
    print(fb.tracking_code, fb.id)
EOF
)
$PY -m gunicorn -c gunicorn.conf.py wsgi:app >"$work/gunicorn.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.3
done

common=(--batch --level "$LEVEL" --risk "$RISK" --disable-coloring --flush-session --output-dir "$work/sqlmap"
        --answers "follow=N,keep testing=Y" --timeout 20 --retries 1)
targets=(
  "search page|-u $base/zh/search?q=lift&area=2&office=chengyunban&month=2023-09&status=in_progress&place=x"
  "search API|-u $base/api/v1/search?q=lift&lang=en&area=2&office=chengyunban&month=2023-09&status=no_report&place=x"
  "items API (path)|-u $base/api/v1/items/2.3*"
  "tracking lookup|-u $base/zh/feedback/?code=$tracking --ignore-code=404"
  "tracking page (path)|-u $base/zh/feedback/$tracking* --ignore-code=404"
  "report form|-u $base/zh/feedback/$comment_id/flag --data=csrf_token=x&reason=Not+true --csrf-token=csrf_token --csrf-url=$base/zh/plans/2023-city-management/items/2.3 --skip=csrf_token"
  "comment form|-u $base/zh/plans/2023-city-management/items/2.3/feedback --data=csrf_token=x&body=When+will+the+lift+work+start%3F&kind=question&place=&display_name=Li&contact=&website= --csrf-token=csrf_token --csrf-url=$base/zh/plans/2023-city-management/items/2.3 --skip=csrf_token"
  "staff login form|-u $base/staff/login --data=csrf_token=x&username=alice&password=secret-password --csrf-token=csrf_token --csrf-url=$base/staff/login --skip=csrf_token --ignore-code=401"
)

out=bench/results/sqlmap.md
mkdir -p bench/results
{
  echo "# sqlmap against the portal"
  echo
  echo "Run: \`bash bench/sqlmap.sh\` on $(date -u +%Y-%m-%d) with $(sqlmap --version 2>/dev/null | head -1),"
  echo "gunicorn (repo gunicorn.conf.py, 2 workers) on a fresh SQLite database, level $LEVEL, risk $RISK."
  echo
  echo "| target | command (after \`sqlmap ${common[*]//$work/\$TMP}\`) | result | sqlmap tests | time |"
  echo "| --- | --- | --- | --- | --- |"
} >"$out.tmp"

failed=0
for entry in "${targets[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  log="$work/$(echo "$name" | tr ' ()' '___').log"
  started=$(date +%s)
  # shellcheck disable=SC2086 - the argument string is split on purpose
  sqlmap "${common[@]}" $args >"$log" 2>&1 || true
  seconds=$(( $(date +%s) - started ))
  # "appears to be ... injectable" alone is a heuristic that sqlmap then re-checks; only its final word counts.
  rejected=$(grep -c "false positive or unexploitable injection point detected" "$log" || true)
  if grep -qiE "is vulnerable|sqlmap identified the following injection" "$log"; then
    result="**INJECTION FOUND** (see log)"
    failed=1
    cp "$log" "bench/results/sqlmap-$(basename "$log")"
  elif grep -q "all tested parameters do not appear to be injectable" "$log"; then
    result="no injection found"
    [ "$rejected" -gt 0 ] && result="$result ($rejected heuristic hits rejected by sqlmap as false positives)"
  else
    result="inconclusive: $(grep -E 'CRITICAL|ERROR' "$log" | tail -1 | sed 's/|/\\|/g' | cut -c1-160)"
    failed=1
  fi
  tested=$(grep -cE "testing '" "$log" || true)
  shown=${args//$base/http://127.0.0.1:PORT}
  shown=${shown//$tracking/ZJ-CODE}
  printf '| %s | `%s` | %s | %s | %ss |\n' "$name" "${shown//\/$comment_id\//\/ID\/}" "$result" "$tested" "$seconds" >>"$out.tmp"
  echo "$name: $result (${seconds}s)" >&2
done
fives=$(grep -cE '" 5[0-9][0-9] ' "$work/access.log" || true)
total=$(wc -l <"$work/access.log")
{
  echo
  echo "Requests the server answered: $total; answered with a 5xx: $fives."
} >>"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
exit "$failed"
