package com.clinic.tokenworker.demo;

import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** The demo's two fake Fullscript servers, one per region, in this process on free loopback ports. */
public final class DemoFullscript implements AutoCloseable {

    public static final String REDIRECT_URI = "http://localhost:8080/oauth/fullscript/callback";

    private final Map<Region, FakeFullscriptServer> servers;

    private DemoFullscript(Map<Region, FakeFullscriptServer> servers) {
        this.servers = servers;
    }

    public static DemoFullscript start(Clock clock) {
        Map<Region, FakeFullscriptServer> servers = new EnumMap<>(Region.class);
        try {
            for (Region region : Region.values()) {
                servers.put(region, FakeFullscriptServer.start(options(region), clock));
            }
        } catch (RuntimeException e) {
            servers.values().forEach(FakeFullscriptServer::close);
            throw e;
        }
        return new DemoFullscript(servers);
    }

    private static SimulatorOptions options(Region region) {
        return SimulatorOptions.builder()
                .clientId("demo-" + region.code() + "-client-id")
                .clientSecret("demo-" + region.code() + "-client-secret")
                .defaultRedirectUri(REDIRECT_URI)
                // Fullscript's schema says string, its examples say number: the two regions show one each.
                .expiresInAsString(region == Region.CA)
                .build();
    }

    public FakeFullscriptServer server(Region region) {
        return servers.get(region);
    }

    /** The variables that point the worker at these servers, replacing any real Fullscript settings. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        servers.forEach((region, server) -> {
            env.put(region.variablePrefix() + "CLIENT_ID", server.options().clientId());
            env.put(region.variablePrefix() + "CLIENT_SECRET", server.options().clientSecret());
            env.put(region.variablePrefix() + "BASE_URL", server.baseUrl().toString());
        });
        return env;
    }

    @Override
    public void close() {
        servers.values().forEach(FakeFullscriptServer::close);
    }
}
