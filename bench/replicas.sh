#!/usr/bin/env bash
# Two werkbank replicas behind nginx on loopback: crawls every page of the demo content
# through nginx and directly through each replica, and compares bodies, ETags and the
# content version. Replicas must answer byte-identically, so any load balancer works.
#
# Usage: bench/replicas.sh            (builds a debug binary if needed)
#        WERKBANK_BIN=path/to/werkbank bench/replicas.sh
# Installs Debian's nginx (apt-get) only if it is missing. Everything listens on
# 127.0.0.1 only and is stopped by its PID at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT_NGINX=${PORT_NGINX:-18080}
PORT_A=${PORT_A:-18081}
PORT_B=${PORT_B:-18082}
WORK=bench/work/replicas
rm -rf "$WORK"
mkdir -p "$WORK/tmp"
WORK=$(cd "$WORK" && pwd)

if [[ -z "${WERKBANK_BIN:-}" ]]; then
    cargo build --quiet
    WERKBANK_BIN="${CARGO_TARGET_DIR:-target}/debug/werkbank"
fi

if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
    echo "== nginx fehlt, wird installiert (apt-get)"
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null 2>&1 ||
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

for port in "$PORT_NGINX" "$PORT_A" "$PORT_B"; do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "Port $port ist belegt; andere Ports mit PORT_NGINX, PORT_A, PORT_B wählen." >&2
        exit 1
    fi
done

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# Two replicas of the same binary and content, started one second apart: nothing they
# send may depend on the start time or the process.
"$WERKBANK_BIN" serve --bind "127.0.0.1:$PORT_A" --workers 1 2>"$WORK/a.log" &
PIDS+=($!)
sleep 1
"$WERKBANK_BIN" serve --bind "127.0.0.1:$PORT_B" --workers 1 2>"$WORK/b.log" &
PIDS+=($!)

cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    upstream werkbank {
        server 127.0.0.1:$PORT_A;
        server 127.0.0.1:$PORT_B;
    }
    server {
        listen 127.0.0.1:$PORT_NGINX;
        location / {
            proxy_pass http://werkbank;
            proxy_set_header Host \$host;
            add_header X-Replica \$upstream_addr always;
        }
    }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' &
PIDS+=($!)

for port in "$PORT_A" "$PORT_B" "$PORT_NGINX"; do
    for _ in $(seq 1 100); do
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
done

echo "== werkbank $("$WERKBANK_BIN" -V | cut -d' ' -f2-)"
echo "== Replikat A: 127.0.0.1:$PORT_A, Replikat B: 127.0.0.1:$PORT_B, nginx: 127.0.0.1:$PORT_NGINX"

python3 - "$PORT_NGINX" "$PORT_A" "$PORT_B" <<'PY'
import collections, hashlib, re, sys, urllib.request, urllib.error

nginx, a, b = sys.argv[1:4]
LINK = re.compile(r'(?:href|src)="(/[^"#]*)')

def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

seen, queue, pages = {"/"}, collections.deque(["/"]), []
while queue:
    path = queue.popleft()
    status, headers, body = get(nginx, path)
    pages.append(path)
    if headers.get("content-type", "").startswith("text/html"):
        for link in LINK.findall(body.decode("utf-8", "replace")):
            link = link.replace("&amp;", "&")
            if not link.startswith("//") and link not in seen:
                seen.add(link)
                queue.append(link)

# Search answers, too, must not depend on the replica (ranking ties, index segments).
pages += ["/suche?q=pr%C3%BCfung", "/suche?q=baecker&art=pruefung",
          "/api/v1/search?q=holz&limit=20", "/gibt-es-nicht"]
replicas = collections.Counter()
different = []
for path in pages:
    answers = []
    # Twice through nginx (round robin reaches both replicas), then each directly.
    for port in (nginx, nginx, a, b):
        status, headers, body = get(port, path)
        if port == nginx:
            replicas[headers.get("x-replica", "?")] += 1
        answers.append((status, headers.get("etag"), headers.get("x-content-version"),
                        hashlib.sha256(body).hexdigest()))
    if len(set(answers)) != 1:
        different.append((path, answers))

statuses = collections.Counter(get(a, p)[0] for p in pages)
print(f"Adressen geprüft:       {len(pages)}, davon 4 Suchen/Fehlerseiten (Status: {dict(statuses)})")
print(f"Antworten verglichen:   {4 * len(pages)} (je 2x über nginx, je 1x direkt an A und B)")
print(f"über nginx beantwortet: {dict(replicas)}")
print(f"Inhaltsversion:         {get(a, '/')[1].get('x-content-version')} (A) / {get(b, '/')[1].get('x-content-version')} (B)")
print(f"ETag von /:             {get(a, '/')[1].get('etag')} (A) / {get(b, '/')[1].get('etag')} (B)")
if different:
    print(f"UNTERSCHIEDE: {len(different)}")
    for path, answers in different[:10]:
        print(f"  {path}: {answers}")
    sys.exit(1)
print("Ergebnis: alle Körper, ETags und Inhaltsversionen sind identisch.")
PY
