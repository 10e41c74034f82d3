#!/usr/bin/env bash
# Stand guidematch up as docs/deploy.md describes, on 127.0.0.1 only, and smoke-test it
# through the proxy: nginx (TLS, static files) in front of two gunicorn instances, a
# PostgreSQL 15 cluster and a Redis of its own, a local SMTP server (aiosmtpd). Then: a
# public sign-up, its confirmation from the mail, a coordinator login, a matching run, a
# PostgreSQL restart under load (503s, then recovery without restarting the app), and a
# backup restored into a fresh database and compared. Everything it starts lives in one
# temporary folder and is stopped and removed at the end, whatever happened; it touches no
# other database or cluster. Prints each step; exits non-zero on the first failure.
#
#   bash deploy/smoke.sh        (or `make smoke`; as root it apt-installs what is missing)
#   SMOKE_KEEP=1 bash deploy/smoke.sh   keeps the folder (logs) for a look afterwards
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
STARTED=$(date +%s)

step() { printf "== [%3ss] %s\n" "$(( $(date +%s) - STARTED ))" "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# --- what the machine needs -----------------------------------------------------------
need_apt=()
[ -x "$PG_BIN/initdb" ] || need_apt+=(postgresql-15)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v openssl >/dev/null || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "install ${need_apt[*]} (apt-get) or run as root"
  step "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$VENV/bin/gunicorn" ] || fail "no gunicorn in $VENV: run make install first"
"$VENV/bin/python" -c "import redis, aiosmtpd" 2>/dev/null \
  || fail "$VENV lacks redis or aiosmtpd: run make install-dev (requirements-dev.lock)"

# --- one folder for everything, removed at the end --------------------------------------
TMP="$(mktemp -d /tmp/guidematch-smoke.XXXXXX)"
chmod 755 "$TMP"
PIDS=()
cleanup() {
  status=$?
  set +e
  step "cleaning up"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null
  [ -f "$TMP/pg/data/postmaster.pid" ] \
    && as_pg "$PG_BIN/pg_ctl" -D "$TMP/pg/data" -m immediate -s stop
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "$status" != 0 ]; then
    echo "--- last lines of the logs ($TMP)"
    tail -n 15 "$TMP"/*.log 2>/dev/null
  fi
  if [ -n "${SMOKE_KEEP:-}" ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
  [ "$status" = 0 ] && echo "SMOKE TEST PASSED in $(( $(date +%s) - STARTED )) s"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PostgreSQL refuses to run as root: as root, its cluster belongs to the postgres user.
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
wait_for_port() {  # port, what
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  fail "$2 did not listen on 127.0.0.1:$1"
}
PG_PORT=$(free_port); REDIS_PORT=$(free_port); SMTP_PORT=$(free_port)
APP1=$(free_port); APP2=$(free_port); HTTP_PORT=$(free_port); HTTPS_PORT=$(free_port)

# --- PostgreSQL: a cluster of its own; the role and database as docs/deploy.md makes them --
step "PostgreSQL 15: own cluster on 127.0.0.1:$PG_PORT, role and database guidematch"
mkdir -p "$TMP/pg"
[ "$(id -u)" = 0 ] && chown postgres "$TMP/pg"
as_pg "$PG_BIN/initdb" -D "$TMP/pg/data" -U postgres --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.log"
PG_OPTIONS="-p $PG_PORT -k $TMP/pg -c listen_addresses=127.0.0.1"
PG_START="$PG_BIN/pg_ctl -D $TMP/pg/data -l $TMP/postgresql.log -w -s -o '$PG_OPTIONS' start"
PG_STOP="$PG_BIN/pg_ctl -D $TMP/pg/data -m fast -w -s stop"
if [ "$(id -u)" = 0 ]; then
  PG_START="runuser -u postgres -- $PG_START"; PG_STOP="runuser -u postgres -- $PG_STOP"
fi
touch "$TMP/postgresql.log"; [ "$(id -u)" = 0 ] && chown postgres "$TMP/postgresql.log"
eval "$PG_START"
DB_PASSWORD="$(openssl rand -hex 16)"
psql_admin() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$TMP/pg" -p "$PG_PORT" -U postgres "$@"; }
psql_admin -d postgres -c "CREATE ROLE guidematch LOGIN PASSWORD '$DB_PASSWORD'"
psql_admin -d postgres -c "CREATE DATABASE guidematch OWNER guidematch ENCODING 'UTF8'"
DB_URL="postgresql://guidematch:$DB_PASSWORD@127.0.0.1:$PG_PORT/guidematch"

step "Redis on 127.0.0.1:$REDIS_PORT (the rate limits both instances share)"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
  --logfile "$TMP/redis.log" &
PIDS+=($!)
wait_for_port "$REDIS_PORT" redis

step "SMTP server (aiosmtpd) on 127.0.0.1:$SMTP_PORT, mail into a maildir"
"$VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox \
  "$TMP/mail" >"$TMP/smtp.log" 2>&1 &
PIDS+=($!)
wait_for_port "$SMTP_PORT" "the SMTP server"

# --- the app's environment, as /etc/guidematch/env holds it ------------------------------
export GUIDEMATCH_ENV=production
SECRET_KEY="$(openssl rand -hex 32)"
export SECRET_KEY
export DATABASE_URL="$DB_URL"
export MAIL_SERVER=127.0.0.1 MAIL_PORT="$SMTP_PORT" MAIL_DEFAULT_SENDER="guidematch@example.org"
export RATELIMIT_STORAGE_URI="redis://127.0.0.1:$REDIS_PORT"
export PROXY_COUNT=1
export PUBLIC_BASE_URL="https://127.0.0.1:$HTTPS_PORT"
FLASK="$VENV/bin/flask --app guidematch"
cd "$ROOT"

step "flask db upgrade, demo data, a coordinator account"
$FLASK db upgrade >"$TMP/upgrade.log" 2>&1 || fail "db upgrade: $(tail -3 "$TMP/upgrade.log")"
$FLASK demo-data --if-empty >"$TMP/demo.log" 2>&1 || fail "demo-data: $(tail -3 "$TMP/demo.log")"
COORD_EMAIL="smoke-coordinator@example.org"; COORD_NAME="Siri Smoke-Koordinator"
COORD_PASSWORD="$(openssl rand -hex 12)"
$FLASK create-user --email "$COORD_EMAIL" --name "$COORD_NAME" --role coordinator \
  --branch tromso --locale en --password "$COORD_PASSWORD" >/dev/null

step "two gunicorn instances on 127.0.0.1:$APP1 and :$APP2 (deploy/gunicorn.conf.py)"
for port in "$APP1" "$APP2"; do
  GUNICORN_WORKERS=1 "$VENV/bin/gunicorn" -c deploy/gunicorn.conf.py --bind "127.0.0.1:$port" \
    --access-logfile "$TMP/gunicorn-$port-access.log" wsgi:app >"$TMP/gunicorn-$port.log" 2>&1 &
  PIDS+=($!)
done
MASTERS="${PIDS[*]: -2}"
for port in "$APP1" "$APP2"; do
  wait_for_port "$port" "gunicorn"
  for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/healthz" | grep -q '"database":"ok"' \
    || fail "gunicorn on $port is not healthy"
done
workers() { for m in $MASTERS; do pgrep -P "$m"; done | sort | tr '\n' ' '; }
WORKERS_BEFORE="$(workers)"

step "nginx on 127.0.0.1:$HTTPS_PORT (TLS) and :$HTTP_PORT, from deploy/nginx/guidematch.conf"
mkdir -p "$TMP/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$TMP/tls/key.pem" -out "$TMP/tls/cert.pem" \
  2>/dev/null
SITE_PACKAGES="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
sed -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|" \
    -e '/listen \[::\]/d' \
    -e "s|server_name guidematch.example.org;|server_name 127.0.0.1;|" \
    -e "s|/etc/letsencrypt/live/guidematch.example.org/fullchain.pem|$TMP/tls/cert.pem|" \
    -e "s|/etc/letsencrypt/live/guidematch.example.org/privkey.pem|$TMP/tls/key.pem|" \
    -e "s|127.0.0.1:8001|127.0.0.1:$APP1|" -e "s|127.0.0.1:8002|127.0.0.1:$APP2|" \
    -e "s|/opt/guidematch/app/|$ROOT/|" \
    -e "s|/opt/guidematch/venv/lib/python3.11/site-packages/|$SITE_PACKAGES/|" \
    -e "s|/var/log/nginx/|$TMP/nginx-|" \
    deploy/nginx/guidematch.conf >"$TMP/site.conf"
if grep -nE "example\.org|/opt/guidematch|/var/log|:800[12]" "$TMP/site.conf"; then
  fail "deploy/nginx/guidematch.conf changed: teach smoke.sh the lines above"
fi
# The main file Debian's /etc/nginx/nginx.conf would be, with every path inside $TMP.
cat >"$TMP/nginx.conf" <<EOF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/nginx-main-error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $TMP/nginx-body;
    proxy_temp_path $TMP/nginx-proxy;
    fastcgi_temp_path $TMP/nginx-fastcgi;
    uwsgi_temp_path $TMP/nginx-uwsgi;
    scgi_temp_path $TMP/nginx-scgi;
    access_log off;
    include $TMP/site.conf;
}
EOF
"$NGINX" -q -t -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/nginx-main-error.log" \
  || fail "nginx -t refused the configuration"
"$NGINX" -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/nginx-main-error.log"
wait_for_port "$HTTPS_PORT" nginx
BASE="https://127.0.0.1:$HTTPS_PORT"
CURL=(curl -sS --cacert "$TMP/tls/cert.pem")

step "through the proxy: http redirects to https, /healthz, static files from nginx"
location="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' \
  "http://127.0.0.1:$HTTP_PORT/login")"
[[ "$location" == "301 https://"* ]] || fail "http answered $location, not a redirect to https"
"${CURL[@]}" -f "$BASE/healthz" | grep -q '"status":"ok"' || fail "/healthz through nginx"
css="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/static/css/app.css")"
bootstrap_css="$("${CURL[@]}" "$BASE/login" | grep -o '/bootstrap/static/[^"]*\.css' | head -1)"
bootstrap="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE$bootstrap_css")"
[ "$css" = 200 ] && [ "$bootstrap" = 200 ] \
  || fail "static files: app.css answered $css, bootstrap $bootstrap"
if grep -h -E '"GET /(static|bootstrap)/' "$TMP"/gunicorn-*-access.log; then
  fail "static files reached gunicorn: nginx should serve them"
fi
hsts="$("${CURL[@]}" -sI "$BASE/login" | tr -d '\r' | grep -i '^strict-transport-security' || true)"
[ -n "$hsts" ] || fail "no HSTS header on https (is GUIDEMATCH_ENV=production?)"

"$VENV/bin/python" deploy/smoke_client.py --base "$BASE" --cafile "$TMP/tls/cert.pem" \
  --database "$DB_URL" --maildir "$TMP/mail" --slug tromso \
  --email "$COORD_EMAIL" --name "$COORD_NAME" --password "$COORD_PASSWORD" \
  --deliver-cmd "$FLASK outbox deliver" --pg-stop "$PG_STOP" --pg-start "$PG_START"

step "the app was not restarted: the same gunicorn masters and workers"
for m in $MASTERS; do kill -0 "$m" 2>/dev/null || fail "gunicorn master $m is gone"; done
[ "$(workers)" = "$WORKERS_BEFORE" ] || fail "workers changed: $WORKERS_BEFORE -> $(workers)"
echo "   masters $MASTERS, workers $WORKERS_BEFORE"

step "both instances served, rate limits kept in the shared Redis"
for port in "$APP1" "$APP2"; do
  served="$(grep -c "127.0.0.1:$port\$" "$TMP/nginx-guidematch.access.log" || true)"
  [ "$served" -gt 0 ] || fail "nginx sent nothing to the instance on $port"
  echo "   instance :$port answered $served requests"
done
keys="$("$VENV/bin/python" -c 'import redis, sys
print(sum(1 for _ in redis.Redis(port=int(sys.argv[1])).scan_iter("LIMITS*")))' "$REDIS_PORT")"
[ "$keys" -gt 0 ] || fail "no rate-limit counters in Redis"
echo "   $keys rate-limit counters in Redis"
if grep -h -e "smoke-guide-" -e "+47 912" -e "$COORD_EMAIL" "$TMP"/nginx-*.log \
     "$TMP"/gunicorn-*.log; then
  fail "a person's email or phone number is in the access or app logs"
fi

step "backup with pg_dump, restored into a new database, compared table by table"
export PGPASSWORD="$DB_PASSWORD"
pg_dump -h 127.0.0.1 -p "$PG_PORT" -U guidematch -Fc -f "$TMP/guidematch.dump" guidematch
psql_admin -d postgres -c "CREATE DATABASE guidematch_restored OWNER guidematch"
pg_restore -h 127.0.0.1 -p "$PG_PORT" -U guidematch -d guidematch_restored --no-owner \
  --exit-on-error "$TMP/guidematch.dump"
counts() {
  psql -X -At -h 127.0.0.1 -p "$PG_PORT" -U guidematch -d "$1" -c "
    SELECT string_agg(t, ' ' ORDER BY t) FROM (
      SELECT format('%s=%s', table_name,
        (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', table_name),
          false, true, '')))[1]::text) AS t
      FROM information_schema.tables WHERE table_schema = 'public') rows"
}
original="$(counts guidematch)"; restored="$(counts guidematch_restored)"
[ -n "$original" ] && [ "$original" = "$restored" ] \
  || fail "the restored database differs: $original / $restored"
some="$(tr ' ' '\n' <<<"$original" | grep -E '^(guides|refugees|pairings|outbox_messages)=')"
echo "   $(wc -w <<<"$original") tables, equal row counts:" $some
DATABASE_URL="postgresql://guidematch:$DB_PASSWORD@127.0.0.1:$PG_PORT/guidematch_restored" \
  $FLASK db current 2>/dev/null | grep -q "(head)" \
  || fail "the restored database is not at the head migration"
echo "   the restored database is at the head migration"
