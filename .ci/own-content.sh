#!/usr/bin/env bash
# Checks "build your own binary": WERKBANK_CONTENT_DIR names a content folder at build
# time, and the binary then carries that folder instead of the demo. Builds a debug
# binary with a tiny content folder, checks its version line, `check`, `export` and
# that it starts with the search index its build made of that folder, then rebuilds
# with the demo content so the target folder is as before.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${CARGO_TARGET_DIR:-target}"
CONTENT=$(mktemp -d)
OUT=$(mktemp -d)
trap 'rm -rf "$CONTENT" "$OUT"' EXIT

mkdir -p "$CONTENT/maurer"
cat >"$CONTENT/site.yml" <<'YML'
name: Handwerkskammer Beispielstadt
title: Ausweichportal
YML
cat >"$CONTENT/maurer/_index.md" <<'MD'
---
title: Maurer/in
trade: maurer
---
Alles für Maurer.
MD
cat >"$CONTENT/maurer/gesellenpruefung.md" <<'MD'
---
title: Gesellenprüfung Maurer/in
trade: maurer
kind: pruefung
---
Die Prüfung findet wie geplant statt.
MD

demo_version=$(cargo run --quiet --locked -- -V)
echo "== Demo:        $demo_version"

WERKBANK_CONTENT_DIR="$CONTENT" cargo build --quiet --locked
own_version=$("$TARGET/debug/werkbank" -V)
echo "== Eigene:      $own_version"
[[ "$own_version" != "$demo_version" ]] || { echo "Fingerabdruck unverändert" >&2; exit 1; }
"$TARGET/debug/werkbank" check | grep -q "^2 Dokumente geprüft: 0 Fehler"
# The build indexed the own content too: the binary opens that index.
rmdir "$OUT"
log=$(RUST_LOG=debug "$TARGET/debug/werkbank" export "$OUT" 2>&1 >/dev/null)
grep -q "eingebauter Suchindex geöffnet" <<<"$log" || { echo "kein eingebauter Suchindex" >&2; exit 1; }
grep -q "Gesellenprüfung Maurer/in" "$OUT/maurer/gesellenpruefung/index.html"
[[ ! -e "$OUT/tischler" ]] || { echo "Demo-Inhalte im eigenen Binary" >&2; exit 1; }

cargo build --quiet --locked
[[ "$("$TARGET/debug/werkbank" -V)" == "$demo_version" ]]
echo "== Eigene Inhalte werden eingebettet: ok"
