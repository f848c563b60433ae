package com.clinic.tokenworker.demo;

import com.clinic.tokenworker.config.ConfigurationProblem;
import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.ResourceOwner;
import com.clinic.tokenworker.simulator.ResourceOwnerType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The demo's rows in the contract tables, told apart by {@code app_user_ref} starting with {@code demo:}. The demo
 * plays the web tier: it inserts codes the way the web tier does, and reads back what the worker made of them.
 */
public final class DemoCodes {

    static final String APP_USER_PREFIX = "demo:";
    /** Late enough that the 10-minute deadline has passed when the worker first sees the row. */
    static final Duration LATE_ARRIVAL = Duration.ofMinutes(11);

    private final JdbcClient jdbc;

    public DemoCodes(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The demo sends every pending code to its fake Fullscript and refreshes every due token there, which would
     * ruin rows a developer's own web tier put in this database. It refuses instead.
     */
    public void requireOnlyDemoRows() {
        long foreign = jdbc.sql("""
                        SELECT (SELECT count(*) FROM oauth_pending_code
                                WHERE app_user_ref IS NULL OR app_user_ref NOT LIKE 'demo:%')
                             + (SELECT count(*) FROM oauth_token
                                WHERE app_user_ref IS NULL OR app_user_ref NOT LIKE 'demo:%')
                        """)
                .query(Long.class)
                .single();
        if (foreign > 0) {
            throw new InvalidConfigurationException(List.of(ConfigurationProblem.of(
                    Setting.TOKENWORKER_EMBEDDED_DATA_DIR, "the embedded database holds " + foreign + " code or "
                            + "token row(s) the demo did not create; the demo would send them to its fake Fullscript, "
                            + "so give it a folder of its own", "./.tokenworker/demo")));
        }
    }

    /** A second demo starts from a clean slate; its earlier tokens were encrypted with a key now forgotten. */
    public int forgetPreviousRun() {
        int codes = jdbc.sql("DELETE FROM oauth_pending_code WHERE app_user_ref LIKE 'demo:%'").update();
        return codes + jdbc.sql("DELETE FROM oauth_token WHERE app_user_ref LIKE 'demo:%'").update();
    }

    /**
     * Mints each code at the fake Fullscript (arming its fault, if any) and inserts it as the web tier would.
     *
     * @param nearExpiryLifetime first access-token lifetime of the near-expiry cases, inside the refresh margin
     */
    public void plant(List<DemoCase> mix, DemoFullscript fullscript, Instant now, Duration nearExpiryLifetime) {
        int user = 0;
        for (DemoCase demoCase : mix) {
            FakeFullscriptServer server = fullscript.server(demoCase.region());
            for (int i = 0; i < demoCase.count(); i++) {
                user++;
                ResourceOwner owner = new ResourceOwner(UUID.randomUUID().toString(),
                        user % 4 == 0 ? ResourceOwnerType.STAFF : ResourceOwnerType.PRACTITIONER);
                String code = demoCase.nearExpiry()
                        ? server.mintCode(DemoFullscript.REDIRECT_URI, owner, nearExpiryLifetime).code()
                        : server.mintCode(DemoFullscript.REDIRECT_URI, owner).code();
                demoCase.firstCallFault().ifPresent(fault -> server.faultForCode(code, fault, 1));
                Instant receivedAt = demoCase.pastDeadline() ? now.minus(LATE_ARRIVAL) : now;
                insert(code, demoCase.region(), receivedAt, APP_USER_PREFIX + "user-" + user);
            }
        }
    }

    private void insert(String code, Region region, Instant receivedAt, String appUserRef) {
        jdbc.sql("""
                        INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref, received_at)
                        VALUES (:code, :region, :redirectUri, :appUserRef, :receivedAt)
                        ON CONFLICT DO NOTHING
                        """)
                .param("code", code)
                .param("region", region.code())
                .param("redirectUri", DemoFullscript.REDIRECT_URI)
                .param("appUserRef", appUserRef)
                .param("receivedAt", SqlTime.of(receivedAt))
                .update();
    }

    public CodeCounts counts() {
        Map<String, Object> row = jdbc.sql("""
                        SELECT count(*) AS total,
                               count(*) FILTER (WHERE status = 'PENDING') AS pending,
                               count(*) FILTER (WHERE status = 'EXCHANGING') AS exchanging,
                               count(*) FILTER (WHERE status = 'EXCHANGED') AS exchanged,
                               count(*) FILTER (WHERE status = 'EXPIRED') AS expired,
                               count(*) FILTER (WHERE status = 'FAILED') AS failed,
                               count(*) FILTER (WHERE status = 'PENDING' AND attempts > 0) AS retrying,
                               count(*) FILTER (WHERE attempts > 1) AS retried
                        FROM oauth_pending_code
                        WHERE app_user_ref LIKE 'demo:%'
                        """)
                .query()
                .singleRow();
        return new CodeCounts(count(row, "total"), count(row, "pending"), count(row, "exchanging"),
                count(row, "exchanged"), count(row, "expired"), count(row, "failed"), count(row, "retrying"),
                count(row, "retried"));
    }

    static int count(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).intValue();
    }
}
