# syntax=docker/dockerfile:1
# Image of the worker. Build: docker build -t fullscript-token-worker:0.1.0 .
# Run (the first argument is the worker's command, default `run`):
#   docker run --rm --env-file worker.env fullscript-token-worker:0.1.0 status

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
WORKDIR /app
# Owned by root and only readable by the worker: the process cannot change its own code.
COPY --from=build /build/target/fullscript-token-worker.jar /app/fullscript-token-worker.jar
USER 10001:10001
ENTRYPOINT ["java","-jar","/app/fullscript-token-worker.jar"]
CMD ["run"]
