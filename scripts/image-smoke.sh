#!/usr/bin/env bash
# Builds the image with ../shared/tools/image-smoke and checks that it answers `spec` and a
# `read` against the fixed sample data set, launched as the Airbyte platform launches it.
# Exit 0: passed or skipped (no tool, or the tool could not set itself up: exit 2); 1: failed.
set -uo pipefail
cd "$(dirname "$0")/.."
tool=../shared/tools/image-smoke
[ -x "$tool" ] || { echo "image-smoke: $tool not found, image checks skipped"; exit 0; }
out=$(mktemp -d)
trap 'kill "$emu" 2>/dev/null; rm -rf "$out"' EXIT

"$tool" . -- spec >"$out/spec.jsonl" 2>"$out/spec.err"
rc=$?
if [ $rc -eq 2 ]; then echo "image-smoke could not set itself up (exit 2), image checks skipped:"; tail -5 "$out/spec.err"; exit 0; fi
[ $rc -eq 0 ] || { echo "image-smoke spec failed ($rc):"; tail -30 "$out/spec.err"; exit 1; }
grep -h '^image-smoke: image' "$out/spec.err"
[ "$(wc -l <"$out/spec.jsonl")" -eq 1 ] && grep -q '^{"type":"SPEC"' "$out/spec.jsonl" \
  || { echo "image spec did not print exactly one SPEC line:"; head -c 2000 "$out/spec.jsonl"; exit 1; }
echo "image spec: one SPEC message"

node dist/scripts/sample-emulator.js >"$out/emulator.json" 2>"$out/emulator.err" &
emu=$!
for _ in $(seq 50); do [ -s "$out/emulator.json" ] && break; sleep 0.2; done
[ -s "$out/emulator.json" ] || { echo "sample emulator did not start:"; cat "$out/emulator.err"; exit 1; }

"$tool" . -- read --config /smoke/integration_tests/sample_config.json \
  --catalog /smoke/integration_tests/configured_catalog.json >"$out/read.jsonl" 2>"$out/read.err" \
  || { echo "image read failed:"; tail -30 "$out/read.err"; tail -5 "$out/read.jsonl"; exit 1; }
# The image must read what the local build reads from the same (fixed) data set, record for record,
# and that includes every record of integration_tests/expected_records.jsonl (a subset: CAT's
# extra_records); emitted_at differs between runs and is left out, and so is the synced_at of users
# and departments (the start of the sync that wrote the row).
node dist/src/main.js read --config integration_tests/sample_config.json \
  --catalog integration_tests/configured_catalog.json >"$out/local.jsonl" 2>"$out/local.err" \
  || { echo "local read failed:"; tail -30 "$out/local.err"; exit 1; }
non_json=$(grep -cv '^{"type":"' "$out/read.jsonl")
verdict=$(node -e '
const fs = require("node:fs");
const rows = (file, pick) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).map(pick).filter(Boolean)
  .map((r) => JSON.stringify([r.stream, r.data && "synced_at" in r.data ? { ...r.data, synced_at: null } : r.data])).sort();
const fromRead = (m) => (m.type === "RECORD" ? m.record : undefined);
const image = rows(process.argv[1], fromRead), local = rows(process.argv[2], fromRead);
const expected = rows(process.argv[3], (r) => r);
const have = new Set(image);
const missing = expected.filter((r) => !have.has(r)).length;
const same = image.length === local.length && image.every((r, i) => r === local[i]);
console.log(`${image.length} ${local.length} ${same ? "same" : "differ"} ${missing}`);
' "$out/read.jsonl" "$out/local.jsonl" integration_tests/expected_records.jsonl)
read -r records local same missing <<<"$verdict"
[ "$same" = same ] && [ "$missing" -eq 0 ] && [ "$non_json" -eq 0 ] \
  || { echo "image read: $records records, local build $local ($same), $missing expected record(s) missing, $non_json non-protocol lines"; exit 1; }
echo "image read: $records records, the same as the local build's, every expected record among them; every stdout line a protocol message"
