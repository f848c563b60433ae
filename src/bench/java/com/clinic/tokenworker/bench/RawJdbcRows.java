package com.clinic.tokenworker.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/** Plain JDBC: one connection per call thread, held for the whole drain, and its statements prepared once. */
final class RawJdbcRows implements PlainRows {

    private final String owner;
    private final Connection connection;
    private final PreparedStatement claim;
    private final PreparedStatement upsert;
    private final PreparedStatement finish;

    RawJdbcRows(String url, String user, String owner) throws SQLException {
        this.owner = owner;
        this.connection = DriverManager.getConnection(url, user, null);
        this.claim = connection.prepareStatement(CLAIM);
        this.upsert = connection.prepareStatement(UPSERT);
        this.finish = connection.prepareStatement(FINISH);
    }

    @Override
    public Claim claim() throws SQLException {
        claim.setString(1, owner);
        try (ResultSet rs = claim.executeQuery()) {
            return rs.next() ? new Claim(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)) : null;
        }
    }

    @Override
    public void record(Claim claimed, Grant grant) throws SQLException {
        connection.setAutoCommit(false);
        try {
            upsert.setString(1, "us");
            upsert.setString(2, grant.ownerType());
            upsert.setString(3, grant.ownerId());
            upsert.setString(4, claimed.appUserRef());
            upsert.setString(5, grant.scope());
            upsert.setString(6, grant.tokenType());
            upsert.setBytes(7, grant.accessCiphertext());
            upsert.setBytes(8, grant.refreshCiphertext());
            upsert.setString(9, grant.keyId());
            upsert.setString(10, claimed.redirectUri());
            upsert.setTimestamp(11, Timestamp.from(grant.issuedAt()));
            upsert.setTimestamp(12, Timestamp.from(grant.expiresAt()));
            upsert.setTimestamp(13, Timestamp.from(grant.issuedAt()));
            upsert.setTimestamp(14, Timestamp.from(grant.now()));
            upsert.setTimestamp(15, Timestamp.from(grant.now()));
            long tokenId;
            try (ResultSet rs = upsert.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("a newer grant of the same owner already stored");
                }
                tokenId = rs.getLong(1);
            }
            finish.setLong(1, tokenId);
            finish.setTimestamp(2, Timestamp.from(grant.now()));
            finish.setString(3, grant.requestId());
            finish.setLong(4, claimed.id());
            finish.setString(5, owner);
            if (finish.executeUpdate() != 1) {
                throw new IllegalStateException("lost the lease of code row " + claimed.id());
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
