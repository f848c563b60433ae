package com.clinic.tokenworker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's own HTTP server (no servlet container: it starts in milliseconds) on TOKENWORKER_METRICS_PORT, all
 * interfaces, so the kubelet and Prometheus reach it at the pod's IP.
 */
public final class HttpMetricsServer implements MetricsServer {

    public static final String METRICS_PATH = "/metrics";
    public static final String LIVENESS_PATH = "/livez";
    public static final String READINESS_PATH = "/readyz";
    /** Prometheus text format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(HttpMetricsServer.class);

    private final HttpServer server;
    private final ExecutorService threads;
    private final List<AutoCloseable> resources;

    private HttpMetricsServer(HttpServer server, ExecutorService threads, List<AutoCloseable> resources) {
        this.server = server;
        this.threads = threads;
        this.resources = resources;
    }

    /**
     * @param beforeScrape refreshes what the gauges read (bounded in time, see {@link CachedRead})
     * @param resources    closed with the server
     */
    static HttpMetricsServer start(int port, PrometheusMeterRegistry registry, Runnable beforeScrape,
                                   Supplier<ProbeResult> liveness, Supplier<ProbeResult> readiness,
                                   List<AutoCloseable> resources) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
        AtomicInteger counter = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "metrics-http-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext(METRICS_PATH, exchange -> respond(exchange, () -> {
            beforeScrape.run();
            return new Response(200, PROMETHEUS_TEXT, registry.scrape());
        }));
        server.createContext(LIVENESS_PATH, exchange -> respond(exchange, () -> probe(liveness.get())));
        server.createContext(READINESS_PATH, exchange -> respond(exchange, () -> probe(readiness.get())));
        server.createContext("/", exchange -> respond(exchange, () -> new Response(404, "text/plain; charset=utf-8",
                "not found: try " + METRICS_PATH + ", " + LIVENESS_PATH + " or " + READINESS_PATH + "\n")));
        server.start();
        return new HttpMetricsServer(server, threads, resources);
    }

    @Override
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.debug("closing {} failed", resource, e);
            }
        }
    }

    private record Response(int status, String contentType, String body) {
    }

    private static Response probe(ProbeResult result) {
        return new Response(result.httpStatus(), "text/plain; charset=utf-8",
                (result.up() ? "ok: " : "failing: ") + result.detail() + "\n");
    }

    private static void respond(HttpExchange exchange, Supplier<Response> handler) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Response response;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                response = new Response(405, "text/plain; charset=utf-8", "GET only\n");
            } else {
                try {
                    response = handler.get();
                } catch (RuntimeException e) {
                    log.warn("{} failed: {}", exchange.getRequestURI().getPath(), e.toString());
                    response = new Response(500, "text/plain; charset=utf-8", "internal error\n");
                }
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
