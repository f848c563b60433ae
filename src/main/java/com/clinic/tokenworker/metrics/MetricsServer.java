package com.clinic.tokenworker.metrics;

/** The metrics and probes server of a scheduled worker, open for as long as the worker runs. */
public interface MetricsServer extends AutoCloseable {

    /** No server: TOKENWORKER_METRICS_PORT=0, or the port was taken. */
    MetricsServer NONE = new MetricsServer() {
        @Override
        public int port() {
            return 0;
        }

        @Override
        public void close() {
        }
    };

    /** The port it listens on, 0 when there is no server. */
    int port();

    @Override
    void close();
}
