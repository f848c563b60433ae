#!/usr/bin/env bash
# Writes the class list that cli.ClassPreloader loads ahead on a second thread at start-up (docs/startup.md): the
# classes that `run` with nothing to do loads from the jar, in the order it loads them. Run it after a change of
# dependencies or of what `run` does at start, then rebuild:
#   bash src/main/scripts/preload-classes.sh target/fullscript-token-worker.jar \
#       src/main/resources/META-INF/tokenworker/preload-classes.txt
#
# The runs use the embedded PostgreSQL on a scratch folder and a random port; nothing outside OUT and a temporary
# folder is touched. The first run migrates the schema; the second one, on an up-to-date schema, is the one
# recorded. Classes only the embedded database needs are left out: production runs never load them.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 JAR OUT" >&2
  exit 2
fi
jar=$1
out=$2
java=${JAVA:-java}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

run() {
  env -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME -u SPRING_DATASOURCE_PASSWORD \
      TOKENWORKER_EMBEDDED_DATA_DIR="$scratch/pgdata" TOKENWORKER_EMBEDDED_PORT="$port" \
      TOKEN_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64)" \
      FULLSCRIPT_US_CLIENT_ID=preload FULLSCRIPT_US_CLIENT_SECRET=preload FULLSCRIPT_US_BASE_URL=http://127.0.0.1:9 \
      "$java" "$@" -jar "$jar" run >>"$scratch/run.log" 2>&1
}
port=${PRELOAD_PORT:-$((50000 + RANDOM % 10000))}
run || { tail -20 "$scratch/run.log" >&2; exit 1; }
run "-Xlog:class+load=info:file=$scratch/classes.txt:none" || { tail -20 "$scratch/run.log" >&2; exit 1; }

{
  echo "# Written by src/main/scripts/preload-classes.sh: the classes \`run\` with nothing to do loads from the jar."
  # Lines read "NAME source: jar:nested:...": classes from the jar and its nested jars, minus generated ones
  # (lambdas, proxies), the list's own reader and the embedded database's.
  grep ' source: jar:nested:' "$scratch/classes.txt" | sed -E 's/^([^ ]+) .*/\1/' \
    | grep -v -E '\$\$|/0x|^com\.clinic\.tokenworker\.cli\.(Main|ClassPreloader)$' \
    | grep -v -E '^(io\.zonky|org\.tukaani|org\.apache\.commons\.compress|org\.apache\.commons\.io|org\.apache\.commons\.lang3|com\.clinic\.tokenworker\.embedded)\.'
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "$(grep -vc '^#' "$out") classes in $out"
