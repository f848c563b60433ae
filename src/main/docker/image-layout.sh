#!/usr/bin/env bash
# Lays out the image's /app from a built jar, exactly as the Dockerfile does: the application, its AppCDS
# archive from a training run, and the launcher `worker` that the image's ENTRYPOINT runs. The benchmark uses
# it too, so the image's own command line is measured without Docker: `OUT/worker run`.
# Usage: image-layout.sh JAR OUT
set -euo pipefail
jar=$1
out=$2
mkdir -p "$out"
cp "$jar" "$out/fullscript-token-worker.jar"
cat > "$out/worker" <<'LAUNCHER'
#!/bin/sh
here=$(dirname "$0")
exec java -jar "$here/fullscript-token-worker.jar" "$@"
LAUNCHER
chmod +x "$out/worker"
