#!/usr/bin/env bash
# Lays out the image's /app from a built jar, exactly as the Dockerfile does, so that the image's own command line
# can be run and timed without Docker (docs/startup.md):
#   OUT/fullscript-token-worker.jar  the application, extracted: its classes, and a manifest Class-Path to lib/
#   OUT/lib/                         the dependencies as plain jars (classes inside nested jars cannot be archived)
#   OUT/worker.jsa                   the AppCDS archive of the classes a training run loaded
#   OUT/worker                       the launcher the image's ENTRYPOINT runs: `OUT/worker run`, `OUT/worker status`
# Usage: image-layout.sh JAR OUT
#
# The training run is `demo` (an embedded PostgreSQL, two fake Fullscript servers, codes exchanged, tokens refreshed
# and revoked: the classes of every step of the job, Flyway, Batch, the HTTP client, the JDBC driver, picocli and
# logback, which `status` shares) on a scratch folder and port; nothing outside OUT and a temporary folder is touched. The archive is
# only valid for the JVM that wrote it, so the Dockerfile runs this script in the runtime image. If the archive is
# missing or does not match, the JVM simply starts without it (slower, never wrong).
#
# Environment: JAVA (default: java on PATH), TRAINING_PORT (default: a random port from 50000 to 59999).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 JAR OUT" >&2
  exit 2
fi
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
out=$(cd "$2" && pwd)
java=${JAVA:-java}
app=fullscript-token-worker.jar

rm -rf "$out/lib" "$out/$app" "$out/worker.jsa" "$out/worker"
"$java" -Djarmode=tools -jar "$jar" extract --force --destination "$out" --application-filename "$app" >/dev/null

# The launcher. The same flags at training and at run time, apart from the archive option: an archive is refused
# by a JVM whose class path or module options differ.
#  - SerialGC: a heap of a few hundred MB, one process per pod; G1's threads and regions only cost start-up time
#    and memory here.
#  - TieredStopAtLevel=1 (C1 only) for the short-lived commands: C2 would compile hot start-up code that then
#    never runs again. daemon and run --window live for minutes or days and keep C2.
#  - JVM warnings go to stderr: stdout is each command's result (status --json is piped into other tools).
#  - JAVA_OPTS is added last so an operator can override any of these.
cat > "$out/worker" <<'LAUNCHER'
#!/bin/sh
here=$(cd "$(dirname "$0")" && pwd)
flags="-XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr"
# Absent only during the training run, which writes it.
if [ -f "$here/worker.jsa" ]; then
  flags="$flags -XX:SharedArchiveFile=$here/worker.jsa"
fi
long_lived=false
for arg in "$@"; do
  case "$arg" in
    daemon|--window|--window=*) long_lived=true ;;
  esac
done
if [ "$long_lived" = false ]; then
  flags="$flags -XX:TieredStopAtLevel=1"
fi
# shellcheck disable=SC2086 # the flags are words on purpose
exec "${JAVA:-java}" $flags ${JAVA_OPTS:-} -jar "$here/fullscript-token-worker.jar" "$@"
LAUNCHER
chmod +x "$out/worker"

# The training run: same class path (OUT/fullscript-token-worker.jar), same flags, plus the dump option.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
train() {
  local port=$1
  env -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME -u SPRING_DATASOURCE_PASSWORD \
      TOKENWORKER_EMBEDDED_DATA_DIR="$scratch/pgdata" TOKENWORKER_EMBEDDED_PORT="$port" \
      JAVA_OPTS="-XX:ArchiveClassesAtExit=$out/worker.jsa" \
      "$out/worker" demo --time-limit=PT3M >"$scratch/demo.log" 2>&1
}
for attempt in 1 2 3; do
  port=${TRAINING_PORT:-$((50000 + RANDOM % 10000))}
  if train "$port"; then
    trained=true
    break
  fi
  trained=false
  # Exit 3 is a configuration problem: most likely the port is taken; try another one.
  echo "training run (demo on port $port) failed, attempt $attempt:" >&2
  tail -5 "$scratch/demo.log" >&2
  rm -rf "$scratch/pgdata" "$out/worker.jsa"
done
if [ "$trained" != true ]; then
  echo "no AppCDS archive: the training run failed three times; the launcher works without it" >&2
  exit 1
fi
echo "image layout in $out: $(du -sh "$out" | cut -f1), archive $(du -h "$out/worker.jsa" | cut -f1)"
