# syntax=docker/dockerfile:1
# Image of the worker. Build: docker build -t fullscript-token-worker:0.1.0 .
# Run (the first argument is the worker's command, default `run`):
#   docker run --rm --env-file worker.env fullscript-token-worker:0.1.0 status
# /app is laid out by src/main/docker/image-layout.sh, which also runs without Docker: docs/startup.md.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# The whole context minus what .dockerignore drops: pom.xml, src/ and sql/ (migrations packed into the jar).
COPY . .
# The cache mount keeps ~/.m2 between builds without putting it in a layer.
RUN --mount=type=cache,target=/root/.m2 mvn -q -DskipTests package

FROM eclipse-temurin:17-jre-jammy
# Fixed uid/gid 10001, matching runAsUser/runAsGroup in k8s/: numeric so the kubelet can verify runAsNonRoot.
RUN groupadd --system --gid 10001 worker \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin worker
# The application extracted for AppCDS, its archive from a training run (`demo`: an embedded PostgreSQL and fake
# Fullscript servers, nothing outside the build), and the launcher. In this stage because an archive only fits the
# JVM that wrote it. Owned by root and only readable by the worker: the process cannot change its own code.
RUN --mount=type=bind,from=build,source=/build/target/fullscript-token-worker.jar,target=/tmp/worker.jar \
    --mount=type=bind,from=build,source=/build/src/main/docker/image-layout.sh,target=/tmp/image-layout.sh \
    bash /tmp/image-layout.sh /tmp/worker.jar /app \
 && rm -rf /tmp/embedded-pg
USER 10001:10001
WORKDIR /app
ENTRYPOINT ["/app/worker"]
CMD ["run"]
