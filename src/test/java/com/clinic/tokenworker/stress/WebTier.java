package com.clinic.tokenworker.stress;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.ResourceOwner;
import com.clinic.tokenworker.simulator.ResourceOwnerType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web tier's side: a user authorizes at the fake Fullscript (a code is minted) and the redirect inserts the
 * code, many in one statement. Remembers which row holds which code, since a final row no longer does.
 */
final class WebTier {

    static final String REDIRECT_URI = "https://clinic.example/oauth/fullscript/callback";

    private final DatabaseTarget database;
    private final FakeFullscriptServer fullscript;
    private final Map<String, Long> rowOfCode = new ConcurrentHashMap<>();

    WebTier(DatabaseTarget database, FakeFullscriptServer fullscript) {
        this.database = database;
        this.fullscript = fullscript;
    }

    /** {@code count} new authorizations; {@code firstTokenLifetime} null gives the server's default lifetime. */
    List<Long> receive(int count, Duration firstTokenLifetime) throws SQLException {
        List<String> codes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ResourceOwner owner = new ResourceOwner(UUID.randomUUID().toString(), ResourceOwnerType.PRACTITIONER);
            codes.add(firstTokenLifetime == null ? fullscript.mintCode(REDIRECT_URI, owner).code()
                    : fullscript.mintCode(REDIRECT_URI, owner, firstTokenLifetime).code());
        }
        return insert(codes);
    }

    List<Long> insert(List<String> codes) throws SQLException {
        List<Long> ids = new ArrayList<>(codes.size());
        try (Connection c = connect();
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO oauth_pending_code (code, region, redirect_uri, app_user_ref)
                     SELECT t.code, 'us', ?, 'app-user-' || t.n FROM unnest(?::text[]) WITH ORDINALITY AS t(code, n)
                     RETURNING id, code""")) {
            Array array = c.createArrayOf("text", codes.toArray());
            insert.setString(1, REDIRECT_URI);
            insert.setArray(2, array);
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    rowOfCode.put(rs.getString(2), rs.getLong(1));
                }
            }
        }
        return ids;
    }

    Map<String, Long> rowOfCode() {
        return rowOfCode;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(database.url(), database.username(), database.password());
    }
}
