package com.clinic.tokenworker.demo;

import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.fullscript.Region;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables the demo runs with: the user's own (concurrency, embedded folder and port, refresh margin...),
 * but never their database, Fullscript or key. A demo writes fake codes and tokens and must not reach anything real.
 */
public final class DemoEnvironment {

    static final List<Setting> REPLACED_BY_THE_DEMO = List.of(
            Setting.SPRING_DATASOURCE_URL, Setting.SPRING_DATASOURCE_USERNAME, Setting.SPRING_DATASOURCE_PASSWORD,
            Setting.FULLSCRIPT_ENVIRONMENT,
            Setting.FULLSCRIPT_US_CLIENT_ID, Setting.FULLSCRIPT_US_CLIENT_SECRET, Setting.FULLSCRIPT_US_BASE_URL,
            Setting.FULLSCRIPT_CA_CLIENT_ID, Setting.FULLSCRIPT_CA_CLIENT_SECRET, Setting.FULLSCRIPT_CA_BASE_URL,
            Setting.TOKEN_ENCRYPTION_KEY, Setting.TOKEN_ENCRYPTION_PREVIOUS_KEYS);

    /**
     * The demo's own embedded database, apart from the one run and daemon use by default: its tokens are sealed
     * with a key that dies with the demo, and a developer's local web tier may be feeding the other one.
     */
    static final String DEMO_DATA_DIR = "./.tokenworker/demo-pgdata";
    static final String DEMO_PORT = "54339";

    private final Map<String, String> given;

    public DemoEnvironment(Map<String, String> given) {
        this.given = Map.copyOf(given);
    }

    /** With stand-in servers, to validate everything before any server or database starts. */
    public Map<String, String> withPlaceholderServers() {
        Map<String, String> servers = new HashMap<>();
        for (Region region : Region.values()) {
            servers.put(region.variablePrefix() + "CLIENT_ID", "demo");
            servers.put(region.variablePrefix() + "CLIENT_SECRET", "demo");
            servers.put(region.variablePrefix() + "BASE_URL", "http://127.0.0.1:1");
        }
        return with(servers);
    }

    public Map<String, String> withServers(DemoFullscript fullscript) {
        return with(fullscript.environment());
    }

    private Map<String, String> with(Map<String, String> servers) {
        Map<String, String> env = new HashMap<>(given);
        REPLACED_BY_THE_DEMO.forEach(setting -> env.remove(setting.name()));
        env.putAll(servers);
        env.put(Setting.TOKEN_ENCRYPTION_KEY.name(), EncryptionKey.generate().toBase64());
        env.putIfAbsent(Setting.TOKENWORKER_EMBEDDED_DATA_DIR.name(), DEMO_DATA_DIR);
        env.putIfAbsent(Setting.TOKENWORKER_EMBEDDED_PORT.name(), DEMO_PORT);
        return env;
    }

    /** The variables the user set that the demo will not use, to say so. */
    public List<String> ignored() {
        return REPLACED_BY_THE_DEMO.stream()
                .map(Setting::name)
                .filter(this::isSet)
                .toList();
    }

    /** The status command that reads the demo's embedded database: its folder and port, repeated. */
    public String statusCommand() {
        StringBuilder command = new StringBuilder();
        Map<String, String> defaults = Map.of(Setting.TOKENWORKER_EMBEDDED_DATA_DIR.name(), DEMO_DATA_DIR,
                Setting.TOKENWORKER_EMBEDDED_PORT.name(), DEMO_PORT);
        for (Setting setting : List.of(Setting.TOKENWORKER_EMBEDDED_DATA_DIR, Setting.TOKENWORKER_EMBEDDED_PORT)) {
            String value = isSet(setting.name()) ? given.get(setting.name()) : defaults.get(setting.name());
            command.append(setting.name()).append('=')
                    .append(value.contains(" ") ? "'" + value + "'" : value).append(' ');
        }
        return command.append("java -jar target/fullscript-token-worker.jar status").toString();
    }

    private boolean isSet(String name) {
        return given.get(name) != null && !given.get(name).isBlank();
    }
}
