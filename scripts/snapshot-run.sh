#!/usr/bin/env bash
# Copies a training run's latest full checkpoint (weights, Adam moments, reader position), its
# config, dataset record, metrics and view curve into DEST, keeping only that checkpoint there:
# the form in which a run that outlives a working session is committed to the repository
# (training/ in docs/models.md). `gqn train --resume --out DEST --data DIR` continues it; DIR is
# the same dataset regenerated on that machine (DEST/dataset.json has the settings).
#
#   scripts/snapshot-run.sh RUN DEST [CURVE.jsonl]
set -euo pipefail
run=${1:?usage: snapshot-run.sh RUN DEST [CURVE.jsonl]}
dest=${2:?usage: snapshot-run.sh RUN DEST [CURVE.jsonl]}
latest=$(node -e 'const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(l.dir)' "$run/checkpoints/latest.json")
[[ "$latest" =~ ^[0-9]{9}$ ]] || { echo "snapshot-run: $run/checkpoints/latest.json: expected a 9-digit checkpoint folder, got '$latest'" >&2; exit 1; }
tmp="$dest.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/checkpoints"
cp "$run/metrics.jsonl" "$tmp/"
# No machine paths in the repository: the data folder is recorded by name (as gqn export does);
# a resume names its --data, checked against dataset.json's settings.
node -e '
  const fs = require("fs"), path = require("path");
  const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  // Kinds that read no --data (the VAEs, the Neural Processes) have none to rename.
  if (typeof c.train.data === "string") c.train.data = path.basename(c.train.data);
  // A resume on another machine records its data path among the overrides: by name there too.
  const name = (v) => (typeof v === "string" ? path.basename(v) : v);
  if (Array.isArray(c.overrides)) c.overrides = c.overrides.map((o) => (o.field === "train.data" ? { ...o, old: name(o.old), new: name(o.new) } : o));
  fs.writeFileSync(process.argv[2], JSON.stringify(c, null, 2) + "\n");
' "$run/config.json" "$tmp/config.json"
[[ -f "$run/dataset.json" ]] && cp "$run/dataset.json" "$tmp/"
[[ -n "${3:-}" && -f "$3" ]] && cp "$3" "$tmp/view-curve.jsonl"
cp -r "$run/checkpoints/$latest" "$tmp/checkpoints/"
cp "$run/checkpoints/latest.json" "$tmp/checkpoints/"
# Replace DEST in one rename where possible (the old copy goes only once the new one is whole).
if [[ -d "$dest" ]]; then mv "$dest" "$dest.old.$$"; fi
mv "$tmp" "$dest"
rm -rf "$dest.old.$$"
echo "snapshot-run: $dest holds $run at checkpoint $latest"
