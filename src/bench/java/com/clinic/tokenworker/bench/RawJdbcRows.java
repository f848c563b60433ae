package com.clinic.tokenworker.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Plain JDBC: one connection per call thread, held for the whole drain, and its statements prepared once. */
final class RawJdbcRows implements PlainRows {

    private final String owner;
    private final Connection connection;
    private final PreparedStatement claim;
    private final PreparedStatement insert;
    private final PreparedStatement finish;

    RawJdbcRows(String url, String user, String owner) throws SQLException {
        this.owner = owner;
        this.connection = DriverManager.getConnection(url, user, null);
        this.claim = connection.prepareStatement(CLAIM);
        this.insert = connection.prepareStatement(INSERT);
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
            bind(insert, PlainRows.insertValues(claimed, grant));
            long tokenId;
            try (ResultSet rs = insert.executeQuery()) {
                if (!rs.next()) {
                    throw PlainRows.ownerAlreadyStored(claimed);
                }
                tokenId = rs.getLong(1);
            }
            bind(finish, PlainRows.finishValues(claimed, grant, tokenId, owner));
            if (finish.executeUpdate() != 1) {
                throw PlainRows.leaseLost(claimed);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static void bind(PreparedStatement statement, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
