package com.clinic.tokenworker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.metrics.HttpMetricsServer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests under {@code k8s/} against the Kubernetes API (through fabric8's typed model) and against the
 * worker's contract: its variables, its secrets, its shutdown and its run window. No cluster needed; the
 * kustomize rendering tests run when {@code kubectl} is on the PATH.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final Path DOCKERFILE = Path.of("Dockerfile");

    /** Every environment variable the worker reads (its contract): the Setting enum is their one list. */
    private static final Set<String> WORKER_VARIABLES = java.util.Arrays.stream(Setting.values())
            .map(Setting::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
    /** Read by the JVM itself, not the worker. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    /** The worker's secrets: the Secret must provide each of them. */
    private static final Set<String> REQUIRED_SECRETS = Set.of(
            "SPRING_DATASOURCE_PASSWORD", "FULLSCRIPT_US_CLIENT_ID", "FULLSCRIPT_US_CLIENT_SECRET",
            "FULLSCRIPT_CA_CLIENT_ID", "FULLSCRIPT_CA_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEY",
            "TOKEN_ENCRYPTION_PREVIOUS_KEYS");
    private static final Pattern SECRET_LIKE = Pattern.compile(".*_(SECRET|KEY|KEYS|PASSWORD|CLIENT_ID)");

    private static final int NON_ROOT_UID = 10001;
    /** Each Fullscript HTTP call times out after this; SIGTERM lets the in-flight ones finish. */
    private static final int HTTP_TIMEOUT_SECONDS = 10;
    /** In-flight calls (one HTTP timeout), writing their results and the Batch/Quartz bookkeeping, JVM exit. */
    private static final int SHUTDOWN_BUDGET_SECONDS = 30;
    /** JVM + Spring + Flyway start before the window opens: ~2 s measured for a bare Boot 4 app, with margin. */
    private static final int STARTUP_ALLOWANCE_SECONDS = 20;
    /** Memory the JVM needs beyond the heap (metaspace, code cache, thread stacks, buffers): an estimate. */
    private static final long MIN_NON_HEAP_MIB = 100;

    private static final String CRONJOB_NAME = "fullscript-token-worker";
    private static final String DAEMON_NAME = "fullscript-token-worker-daemon";
    private static final String CRON_MODE_ARGS_WINDOW = "--window=";

    private static final Map<String, Class<? extends HasMetadata>> MODEL_BY_API_VERSION_AND_KIND = Map.of(
            "batch/v1 CronJob", CronJob.class,
            "apps/v1 Deployment", Deployment.class,
            "v1 ConfigMap", ConfigMap.class,
            "v1 Secret", Secret.class);

    /**
     * Reads YAML as strictly as the API server does for what fabric8 would otherwise coerce: no number or boolean
     * where a string is expected (an unquoted {@code "8"} in a ConfigMap is rejected by kubectl) and no string
     * where a number is expected.
     */
    private static final YAMLMapper YAML = strictYamlMapper();

    private static List<Manifest> manifests;

    record Manifest(String source, JsonNode raw, HasMetadata object) {
        String describe() {
            return object.getKind() + "/" + object.getMetadata().getName() + " (" + source + ")";
        }
    }

    /** Where a pod's environment variable comes from. */
    record VariableSource(String variable, String kind, String from) {
    }

    @BeforeAll
    static void loadManifests() throws IOException {
        List<Manifest> loaded = new ArrayList<>();
        for (Path file : yamlFiles()) {
            if (!isKustomization(file)) {
                loaded.addAll(parse(file.toString(), Files.readString(file)));
            }
        }
        manifests = loaded;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Schema: every manifest is a known kind and has no field the Kubernetes API does not know.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void everyManifestParsesIntoTheKubernetesModelWithNoUnknownField() {
        assertThat(manifests).extracting(m -> m.object().getKind())
                .containsExactlyInAnyOrder("CronJob", "Deployment", "ConfigMap", "Secret");
        for (Manifest manifest : manifests) {
            assertThat(unknownFields(manifest.object()))
                    .as("fields the Kubernetes API does not know in %s", manifest.describe())
                    .isEmpty();
        }
    }

    @Test
    void aMisspelledFieldIsReportedWithItsPath() {
        String yaml = """
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: typo
                spec:
                  schedule: "*/5 * * * *"
                  concurencyPolicy: Forbid
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: Never
                          containers:
                            - name: worker
                              image: fullscript-token-worker
                              securityContext:
                                readOnlyRootFileSystem: true
                """;
        HasMetadata cronJob = parse("inline", yaml).get(0).object();

        assertThat(unknownFields(cronJob)).containsExactlyInAnyOrder(
                "spec.concurencyPolicy",
                "spec.jobTemplate.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem");
    }

    @Test
    void anUnquotedNumberInAConfigMapIsRejectedLikeKubectlWould() {
        String yaml = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: unquoted
                data:
                  TOKENWORKER_CONCURRENCY: 8
                """;
        assertThatThrownBy(() -> parse("inline", yaml)).hasMessageContaining("TOKENWORKER_CONCURRENCY");
    }

    @Test
    void aKindThisTestDoesNotKnowIsRejectedRatherThanSkipped() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: unexpected
                """;
        assertThatThrownBy(() -> parse("inline", yaml)).hasMessageContaining("v1 Service");
    }

    // ---------------------------------------------------------------------------------------------------------
    // The CronJob: windows that overlap, so no code waits for a pod to start; never more than two pods.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void cronJobWindowsOverlapSoTheNextPodListensBeforeThePreviousLeavesAndAtMostTwoRunAtOnce() {
        CronJob cronJob = the(CronJob.class, CRONJOB_NAME);
        var spec = cronJob.getSpec();
        JobSpec job = spec.getJobTemplate().getSpec();
        long period = schedulePeriodSeconds(spec.getSchedule());
        Container worker = onlyContainer(job.getTemplate().getSpec());
        long window = windowSeconds(worker);

        assertThat(spec.getSchedule()).isEqualTo("*/5 * * * *");
        assertThat(worker.getArgs()).as("worker arguments").containsExactly("run", "--window=PT5M30S");
        assertThat(worker.getCommand()).as("command (the image ENTRYPOINT runs the worker)").isNullOrEmpty();
        assertThat(window).as("the window outlasts the period by the next pod's start-up and more")
                .isGreaterThanOrEqualTo(period + STARTUP_ALLOWANCE_SECONDS);
        assertThat(spec.getConcurrencyPolicy()).as("overlapping pods are nodes of one Quartz cluster")
                .isEqualTo("Allow");
        assertThat(spec.getSuspend()).as("suspend in the default mode").isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getStartingDeadlineSeconds()).as("startingDeadlineSeconds").isNotNull()
                .isPositive().isLessThan(period);
        assertThat(job.getActiveDeadlineSeconds())
                .as("activeDeadlineSeconds: room for start-up, the %d s window and in-flight calls", window)
                .isNotNull().isGreaterThanOrEqualTo(STARTUP_ALLOWANCE_SECONDS + window + HTTP_TIMEOUT_SECONDS);
        assertThat(spec.getStartingDeadlineSeconds() + job.getActiveDeadlineSeconds())
                .as("a pod ends before the schedule after next: never more than two pods at once")
                .isLessThan(2 * period);
        assertThat(job.getBackoffLimit()).as("backoffLimit").isNotNull().isBetween(0, 2);
        assertThat(spec.getSuccessfulJobsHistoryLimit()).as("successfulJobsHistoryLimit").isNotNull().isPositive();
        assertThat(spec.getFailedJobsHistoryLimit()).as("failedJobsHistoryLimit").isNotNull().isPositive();
        assertThat(job.getTtlSecondsAfterFinished()).as("ttlSecondsAfterFinished").isNotNull().isPositive();
        assertThat(job.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void daemonDeploymentProbesAndScrapesTheWorkersMetricsPortAndEndpoints() {
        Deployment daemon = the(Deployment.class, DAEMON_NAME);
        Container worker = onlyContainer(daemon.getSpec().getTemplate().getSpec());
        int port = Integer.parseInt(Setting.TOKENWORKER_METRICS_PORT.defaultValue());
        Map<String, String> annotations = daemon.getSpec().getTemplate().getMetadata().getAnnotations();

        assertThat(variableSources(worker)).extracting(VariableSource::variable)
                .as("the port is the Setting's default, not overridden for the pod")
                .doesNotContain(Setting.TOKENWORKER_METRICS_PORT.name());
        assertThat(worker.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(port);
            assertThat(p.getName()).isEqualTo("metrics");
        });
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(port))
                .containsEntry("prometheus.io/path", HttpMetricsServer.METRICS_PATH);
        assertThat(worker.getLivenessProbe().getHttpGet().getPath()).isEqualTo(HttpMetricsServer.LIVENESS_PATH);
        assertThat(worker.getReadinessProbe().getHttpGet().getPath()).isEqualTo(HttpMetricsServer.READINESS_PATH);
        for (var probe : List.of(worker.getLivenessProbe(), worker.getReadinessProbe())) {
            var target = probe.getHttpGet().getPort();
            assertThat(target.getIntVal() != null ? String.valueOf(target.getIntVal()) : target.getStrVal())
                    .as("probe port").isIn(String.valueOf(port), "metrics");
            assertThat(probe.getTimeoutSeconds()).as("probe timeout: above the readiness ping's 2 s wait")
                    .isGreaterThan(2);
        }
        assertThat(worker.getLivenessProbe().getPeriodSeconds() * worker.getLivenessProbe().getFailureThreshold())
                .as("a wedged node is restarted, but never for one slow answer").isGreaterThanOrEqualTo(30);
    }

    @Test
    void daemonDeploymentRunsTheClusteredSchedulerAndIsOffInTheDefaultMode() {
        Deployment daemon = the(Deployment.class, DAEMON_NAME);
        Container worker = onlyContainer(daemon.getSpec().getTemplate().getSpec());

        assertThat(worker.getArgs()).as("worker arguments").containsExactly("daemon");
        assertThat(worker.getCommand()).as("command (the image ENTRYPOINT runs the worker)").isNullOrEmpty();
        assertThat(daemon.getSpec().getReplicas()).as("replicas in the default (cron) mode").isZero();
        assertThat(daemon.getSpec().getSelector().getMatchLabels())
                .as("selector matches the pod template")
                .isEqualTo(filter(daemon.getSpec().getTemplate().getMetadata().getLabels(),
                        daemon.getSpec().getSelector().getMatchLabels().keySet()));
        assertThat(worker.getLifecycle() == null ? null : worker.getLifecycle().getPreStop())
                .as("preStop hook: shutdown relies on SIGTERM").isNull();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Both workloads: locked down, sized, given time to shut down.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void everyWorkloadPodRunsAsNonRootWithAReadOnlyRootAndNoCapabilities() {
        workloadPods().forEach((name, pod) -> {
            PodSecurityContext podSecurity = pod.getSecurityContext();
            assertThat(podSecurity).as("%s pod securityContext", name).isNotNull();
            assertThat(podSecurity.getRunAsNonRoot()).as("%s runAsNonRoot", name).isTrue();
            assertThat(podSecurity.getRunAsUser()).as("%s runAsUser", name).isEqualTo(NON_ROOT_UID);
            assertThat(podSecurity.getRunAsGroup()).as("%s runAsGroup", name).isEqualTo(NON_ROOT_UID);
            assertThat(podSecurity.getFsGroup()).as("%s fsGroup", name).isEqualTo(NON_ROOT_UID);
            assertThat(podSecurity.getSeccompProfile()).as("%s seccompProfile", name).isNotNull();
            assertThat(podSecurity.getSeccompProfile().getType()).as("%s seccompProfile", name)
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).as("%s automountServiceAccountToken", name).isFalse();
            for (Container container : allContainers(pod)) {
                SecurityContext security = container.getSecurityContext();
                assertThat(security).as("%s container %s securityContext", name, container.getName()).isNotNull();
                assertThat(security.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", name).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", name).isFalse();
                assertThat(security.getCapabilities()).as("%s capabilities", name).isNotNull();
                assertThat(security.getCapabilities().getDrop()).as("%s capabilities.drop", name)
                        .containsExactly("ALL");
                assertThat(security.getCapabilities().getAdd()).as("%s capabilities.add", name).isNullOrEmpty();
                assertThat(security.getPrivileged()).as("%s privileged", name).isNotEqualTo(Boolean.TRUE);
            }
        });
    }

    @Test
    void everyWorkloadPodCanWriteOnlyToATmpEmptyDirOfLimitedSize() {
        workloadPods().forEach((name, pod) -> {
            for (Container container : allContainers(pod)) {
                List<VolumeMount> mounts = container.getVolumeMounts();
                assertThat(mounts).as("%s volumeMounts", name).isNotNull()
                        .extracting(VolumeMount::getMountPath).containsExactly("/tmp");
                VolumeMount tmp = mounts.get(0);
                assertThat(tmp.getReadOnly()).as("%s /tmp readOnly", name).isNotEqualTo(Boolean.TRUE);
                Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName()))
                        .findFirst().orElseThrow(() -> new AssertionError(name + ": no volume " + tmp.getName()));
                assertThat(volume.getEmptyDir()).as("%s /tmp volume is an emptyDir", name).isNotNull();
                assertThat(volume.getEmptyDir().getSizeLimit()).as("%s /tmp emptyDir sizeLimit", name).isNotNull();
                assertThat(Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit()))
                        .as("%s /tmp sizeLimit", name).isPositive();
            }
        });
    }

    @Test
    void everyWorkerContainerHasRequestsLimitsAndAHeapThatFitsTheLimit() {
        workloadPods().forEach((name, pod) -> {
            for (Container container : allContainers(pod)) {
                var resources = container.getResources();
                assertThat(resources).as("%s resources", name).isNotNull();
                assertThat(resources.getRequests()).as("%s requests", name).containsKeys("cpu", "memory");
                assertThat(resources.getLimits()).as("%s limits", name).containsKey("memory");
                BigDecimal requested = Quantity.getAmountInBytes(resources.getRequests().get("memory"));
                BigDecimal limit = Quantity.getAmountInBytes(resources.getLimits().get("memory"));
                assertThat(requested).as("%s memory request <= limit", name).isLessThanOrEqualTo(limit);

                String jvmOptions = literalEnv(container, "JAVA_TOOL_OPTIONS");
                assertThat(jvmOptions).as("%s JAVA_TOOL_OPTIONS", name).isNotNull()
                        .contains("-XX:+ExitOnOutOfMemoryError");
                Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)").matcher(jvmOptions);
                assertThat(percentage.find()).as("%s JAVA_TOOL_OPTIONS sets -XX:MaxRAMPercentage", name).isTrue();
                BigDecimal heap = limit.multiply(new BigDecimal(percentage.group(1))).divide(BigDecimal.valueOf(100));
                long nonHeapMib = limit.subtract(heap).longValue() / (1024 * 1024);
                assertThat(nonHeapMib).as("%s memory left beside the heap, MiB", name)
                        .isGreaterThanOrEqualTo(MIN_NON_HEAP_MIB);
            }
        });
    }

    @Test
    void everyWorkloadPodGivesInFlightCallsTimeToFinishAfterSigterm() {
        workloadPods().forEach((name, pod) -> assertThat(pod.getTerminationGracePeriodSeconds())
                .as("%s terminationGracePeriodSeconds", name).isNotNull()
                .isGreaterThanOrEqualTo((long) SHUTDOWN_BUDGET_SECONDS));
    }

    @Test
    void everyWorkerContainerUsesTheImageTheKustomizationRewrites() throws IOException {
        JsonNode base = readKustomization(K8S.resolve("base/kustomization.yaml"));
        JsonNode images = base.path("images");
        assertThat(images.size()).as("images entries in k8s/base/kustomization.yaml").isEqualTo(1);
        String imageName = images.get(0).path("name").asText();
        assertThat(images.get(0).path("newTag").asText()).as("newTag").isNotBlank();

        workloadPods().forEach((name, pod) -> allContainers(pod).forEach(container ->
                assertThat(container.getImage()).as("%s image", name).isEqualTo(imageName)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Environment: only the worker's variables, secrets only from the Secret.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void podsGetOnlyTheWorkersVariablesEachFromOnePlace() {
        workloadPods().forEach((name, pod) -> {
            assertThat(pod.getEnableServiceLinks()).as("%s enableServiceLinks (else Kubernetes adds *_SERVICE_HOST "
                    + "variables)", name).isFalse();
            for (Container container : allContainers(pod)) {
                List<VariableSource> sources = variableSources(container);
                Set<String> names = new TreeSet<>();
                for (VariableSource source : sources) {
                    assertThat(WORKER_VARIABLES.contains(source.variable()) || JVM_VARIABLES.contains(source.variable()))
                            .as("%s gets %s from %s %s, which is not one of the worker's variables", name,
                                    source.variable(), source.kind(), source.from())
                            .isTrue();
                    assertThat(names.add(source.variable()))
                            .as("%s gets %s from more than one place", name, source.variable()).isTrue();
                }
                assertThat(names).as("%s variables", name).contains("FULLSCRIPT_ENVIRONMENT", "SPRING_DATASOURCE_URL")
                        .containsAll(REQUIRED_SECRETS);
            }
        });
        assertThat(the(ConfigMap.class, "fullscript-token-worker-config").getData().get("FULLSCRIPT_ENVIRONMENT"))
                .isIn("sandbox", "production");
    }

    @Test
    void secretLikeVariablesComeFromTheSecretNeverFromTheConfigMapOrALiteral() {
        for (Manifest manifest : manifests) {
            if (manifest.object() instanceof ConfigMap configMap && configMap.getData() != null) {
                assertThat(configMap.getData().keySet()).as("secret-like keys in %s", manifest.describe())
                        .noneMatch(key -> SECRET_LIKE.matcher(key).matches());
            }
        }
        workloadPods().forEach((name, pod) -> allContainers(pod).forEach(container -> {
            for (VariableSource source : variableSources(container)) {
                if (SECRET_LIKE.matcher(source.variable()).matches()) {
                    assertThat(source.kind()).as("%s: where %s comes from", name, source.variable()).isEqualTo("Secret");
                }
            }
        }));
    }

    @Test
    void theCommittedSecretHoldsOnlyPlaceholders() {
        for (Manifest manifest : manifests) {
            if (manifest.object() instanceof Secret secret) {
                assertThat(secret.getData()).as("base64 data in %s (use stringData placeholders)", manifest.describe())
                        .isNullOrEmpty();
                assertThat(secret.getStringData()).as("stringData of %s", manifest.describe()).isNotEmpty();
                secret.getStringData().forEach((key, value) -> assertThat(value.isEmpty()
                        || value.equals("replace-me") || key.equals("SPRING_DATASOURCE_URL") && value.contains("//replace-me:"))
                        .as("%s in %s: a committed value must be a placeholder, got '%s'", key, manifest.describe(), value)
                        .isTrue());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kustomize.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void everyManifestIsListedInAKustomizationAndEveryListedFileExists() throws IOException {
        Set<Path> listed = new TreeSet<>();
        for (Path file : yamlFiles()) {
            if (isKustomization(file)) {
                JsonNode kustomization = readKustomization(file);
                for (JsonNode resource : kustomization.path("resources")) {
                    Path target = file.getParent().resolve(resource.asText()).normalize();
                    assertThat(target).as("resource %s of %s", resource.asText(), file).exists();
                    listed.add(target);
                }
            }
        }
        for (Path file : yamlFiles()) {
            if (!isKustomization(file)) {
                assertThat(listed).as("%s is applied by no kustomization", file).contains(file.normalize());
            }
        }
        JsonNode base = readKustomization(K8S.resolve("base/kustomization.yaml"));
        assertThat(base.path("namespace").asText()).as("namespace in k8s/base/kustomization.yaml").isNotBlank();
        assertThat(readKustomization(K8S.resolve("kustomization.yaml")).has("images"))
                .as("k8s/kustomization.yaml sets no image: the tag lives in k8s/base").isFalse();
        assertThat(readKustomization(K8S.resolve("daemon/kustomization.yaml")).has("images"))
                .as("k8s/daemon/kustomization.yaml sets no image: the tag lives in k8s/base").isFalse();
    }

    @Test
    void kubectlKustomizeRendersTheCronJobModeByDefault() throws Exception {
        List<Manifest> rendered = kustomize(K8S);

        assertRenderedCommon(rendered);
        assertThat(renderedCronJob(rendered).getSpec().getSuspend()).as("CronJob suspended").isNotEqualTo(Boolean.TRUE);
        assertThat(renderedDaemon(rendered).getSpec().getReplicas()).as("daemon replicas").isZero();
    }

    @Test
    void kubectlKustomizeRendersTheDaemonModeFromTheOverlay() throws Exception {
        List<Manifest> rendered = kustomize(K8S.resolve("daemon"));

        assertRenderedCommon(rendered);
        assertThat(renderedCronJob(rendered).getSpec().getSuspend()).as("CronJob suspended").isTrue();
        assertThat(renderedDaemon(rendered).getSpec().getReplicas()).as("daemon replicas").isGreaterThanOrEqualTo(2);
    }

    private static void assertRenderedCommon(List<Manifest> rendered) throws IOException {
        JsonNode base = readKustomization(K8S.resolve("base/kustomization.yaml"));
        String namespace = base.path("namespace").asText();
        JsonNode image = base.path("images").get(0);
        String expectedImage = image.path("newName").asText(image.path("name").asText()) + ":"
                + image.path("newTag").asText();

        assertThat(rendered).extracting(m -> m.object().getKind())
                .containsExactlyInAnyOrder("CronJob", "Deployment", "ConfigMap", "Secret");
        for (Manifest manifest : rendered) {
            assertThat(unknownFields(manifest.object())).as("unknown fields in rendered %s", manifest.describe())
                    .isEmpty();
            assertThat(manifest.object().getMetadata().getNamespace()).as("namespace of %s", manifest.describe())
                    .isEqualTo(namespace);
        }
        assertThat(onlyContainer(renderedCronJob(rendered).getSpec().getJobTemplate().getSpec().getTemplate().getSpec())
                .getImage()).isEqualTo(expectedImage);
        assertThat(onlyContainer(renderedDaemon(rendered).getSpec().getTemplate().getSpec()).getImage())
                .isEqualTo(expectedImage);
    }

    private static CronJob renderedCronJob(List<Manifest> rendered) {
        return find(rendered, CronJob.class, CRONJOB_NAME);
    }

    private static Deployment renderedDaemon(List<Manifest> rendered) {
        return find(rendered, Deployment.class, DAEMON_NAME);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The image the pods run.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void dockerfileRunsTheLaidOutWorkerAsTheNonRootUserThePodsExpect() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);

        assertThat(dockerfile).contains("FROM maven:3.9-eclipse-temurin-17 AS build")
                .contains("mvn -q -DskipTests package")
                .containsPattern("(?m)^FROM eclipse-temurin:17-jre")
                .contains("bash /tmp/image-layout.sh /tmp/worker.jar /app")
                .containsPattern("(?m)^WORKDIR /app$")
                .containsPattern("(?m)^USER " + NON_ROOT_UID + "(:" + NON_ROOT_UID + ")?$")
                .containsPattern("(?m)^ENTRYPOINT \\[\"/app/worker\"\\]$")
                .containsPattern("(?m)^CMD \\[\"run\"\\]$");
        assertThat(Path.of(".dockerignore")).exists();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers.
    // ---------------------------------------------------------------------------------------------------------

    private static YAMLMapper strictYamlMapper() {
        YAMLMapper mapper = YAMLMapper.builder().disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }

    private static boolean isKustomization(Path file) {
        String name = file.getFileName().toString();
        return name.equals("kustomization.yaml") || name.equals("kustomization.yml");
    }

    private static JsonNode readKustomization(Path file) throws IOException {
        JsonNode node = YAML.readTree(file.toFile());
        assertThat(node.path("kind").asText()).as("kind of %s", file).isEqualTo("Kustomization");
        return node;
    }

    /** Every document of a (multi-document) YAML text, read into the fabric8 class its apiVersion and kind name. */
    private static List<Manifest> parse(String source, String yaml) {
        List<Manifest> result = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode raw = documents.next();
                String where = source + "#" + index++;
                if (raw == null || raw.isNull() || raw.isMissingNode() || raw.isEmpty()) {
                    continue;
                }
                String key = raw.path("apiVersion").asText() + " " + raw.path("kind").asText();
                Class<? extends HasMetadata> type = MODEL_BY_API_VERSION_AND_KIND.get(key);
                if (type == null) {
                    throw new IllegalArgumentException(where + ": no model for " + key + "; known: "
                            + new TreeSet<>(MODEL_BY_API_VERSION_AND_KIND.keySet()));
                }
                try {
                    result.add(new Manifest(where, raw, YAML.treeToValue(raw, type)));
                } catch (IOException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        return result;
    }

    /**
     * Paths of the fields fabric8 did not recognise. Its model classes keep unknown fields in an
     * {@code additionalProperties} map instead of failing, so walk every model object and collect them.
     */
    static List<String> unknownFields(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object value, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", found, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.") || value instanceof Enum<?>) {
            return;
        }
        for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties") && fieldValue instanceof Map<?, ?> unknown) {
                    unknown.keySet().forEach(k -> found.add(join(path, String.valueOf(k))));
                } else {
                    walk(fieldValue, join(path, jsonName(field)), found, seen);
                }
            }
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String jsonName(Field field) {
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : field.getName();
    }

    private static <T extends HasMetadata> T the(Class<T> type, String name) {
        return find(manifests, type, name);
    }

    private static <T extends HasMetadata> T find(List<Manifest> in, Class<T> type, String name) {
        List<T> matches = in.stream().map(Manifest::object).filter(type::isInstance).map(type::cast)
                .filter(o -> name.equals(o.getMetadata().getName())).toList();
        assertThat(matches).as("%s %s", type.getSimpleName(), name).hasSize(1);
        return matches.get(0);
    }

    /** The pod specs of every workload, by a readable name. */
    private static Map<String, PodSpec> workloadPods() {
        Map<String, PodSpec> pods = new LinkedHashMap<>();
        for (Manifest manifest : manifests) {
            if (manifest.object() instanceof CronJob cronJob) {
                pods.put(manifest.describe(), cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec());
            } else if (manifest.object() instanceof Deployment deployment) {
                pods.put(manifest.describe(), deployment.getSpec().getTemplate().getSpec());
            }
        }
        assertThat(pods).as("workloads").hasSize(2);
        return pods;
    }

    private static List<Container> allContainers(PodSpec pod) {
        List<Container> containers = new ArrayList<>(pod.getContainers());
        if (pod.getInitContainers() != null) {
            containers.addAll(pod.getInitContainers());
        }
        return containers;
    }

    private static Container onlyContainer(PodSpec pod) {
        assertThat(pod.getContainers()).as("containers").hasSize(1);
        assertThat(pod.getInitContainers()).as("init containers").isNullOrEmpty();
        return pod.getContainers().get(0);
    }

    private static String literalEnv(Container container, String name) {
        if (container.getEnv() == null) {
            return null;
        }
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
                .findFirst().orElse(null);
    }

    /** Every variable the container gets, resolving envFrom against the ConfigMaps and Secrets under k8s/. */
    private static List<VariableSource> variableSources(Container container) {
        List<VariableSource> sources = new ArrayList<>();
        if (container.getEnvFrom() != null) {
            for (EnvFromSource from : container.getEnvFrom()) {
                assertThat(from.getPrefix()).as("envFrom prefix").isNullOrEmpty();
                if (from.getConfigMapRef() != null) {
                    String name = from.getConfigMapRef().getName();
                    assertThat(from.getConfigMapRef().getOptional()).as("ConfigMap %s optional", name)
                            .isNotEqualTo(Boolean.TRUE);
                    ConfigMap configMap = the(ConfigMap.class, name);
                    assertThat(configMap.getBinaryData()).as("binaryData of ConfigMap %s", name).isNullOrEmpty();
                    keys(configMap.getData()).forEach(k -> sources.add(new VariableSource(k, "ConfigMap", name)));
                } else if (from.getSecretRef() != null) {
                    String name = from.getSecretRef().getName();
                    assertThat(from.getSecretRef().getOptional()).as("Secret %s optional", name)
                            .isNotEqualTo(Boolean.TRUE);
                    Secret secret = the(Secret.class, name);
                    Set<String> names = new TreeSet<>(keys(secret.getData()));
                    names.addAll(keys(secret.getStringData()));
                    names.forEach(k -> sources.add(new VariableSource(k, "Secret", name)));
                } else {
                    fail("envFrom with neither configMapRef nor secretRef: " + from);
                }
            }
        }
        if (container.getEnv() != null) {
            for (EnvVar env : container.getEnv()) {
                var ref = env.getValueFrom();
                if (ref == null) {
                    sources.add(new VariableSource(env.getName(), "literal", "env"));
                } else if (ref.getSecretKeyRef() != null) {
                    sources.add(new VariableSource(env.getName(), "Secret", ref.getSecretKeyRef().getName()));
                } else if (ref.getConfigMapKeyRef() != null) {
                    sources.add(new VariableSource(env.getName(), "ConfigMap", ref.getConfigMapKeyRef().getName()));
                } else {
                    sources.add(new VariableSource(env.getName(), "fieldRef", "env"));
                }
            }
        }
        return sources;
    }

    private static Set<String> keys(Map<String, String> map) {
        return map == null ? Set.of() : map.keySet();
    }

    private static Map<String, String> filter(Map<String, String> map, Set<String> keys) {
        Map<String, String> result = new LinkedHashMap<>();
        keys.forEach(k -> result.put(k, map.get(k)));
        return result;
    }

    /** Period of a schedule of the form {@code *}{@code /N * * * *} (every N minutes). */
    private static long schedulePeriodSeconds(String schedule) {
        Matcher everyMinutes = Pattern.compile("\\*/(\\d+) \\* \\* \\* \\*").matcher(schedule);
        if (!everyMinutes.matches()) {
            fail("teach this test the period of schedule '" + schedule + "'");
        }
        int minutes = Integer.parseInt(everyMinutes.group(1));
        assertThat(60 % minutes).as("'%s' fires at an even period only if N divides 60", schedule).isZero();
        return minutes * 60L;
    }

    private static long windowSeconds(Container container) {
        return container.getArgs().stream().filter(a -> a.startsWith(CRON_MODE_ARGS_WINDOW))
                .map(a -> Duration.parse(a.substring(CRON_MODE_ARGS_WINDOW.length())).toSeconds())
                .findFirst().orElseThrow(() -> new AssertionError("no " + CRON_MODE_ARGS_WINDOW + " in " + container.getArgs()));
    }

    private static List<Manifest> kustomize(Path directory) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not on the PATH");
        File errors = File.createTempFile("kustomize", ".err");
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString())
                    .redirectError(errors).start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
            assertThat(process.exitValue()).as("kubectl kustomize %s: %s", directory,
                    Files.readString(errors.toPath())).isZero();
            return parse("kubectl kustomize " + directory, output);
        } finally {
            errors.delete();
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
