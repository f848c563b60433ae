package com.clinic.tokenworker.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The data stack the design card prescribes, used as thinly as it goes: a HikariCP pool (grown on demand from 2
 * idle connections, as the worker's), Spring's JdbcTemplate with positional parameters, and a TransactionTemplate
 * over JdbcTransactionManager. Each claim and each transaction borrows a connection and gives it back, as any
 * code on this stack does. Shared by all call threads.
 */
final class SpringJdbcRows implements PlainRows {

    private final String owner;
    private final HikariDataSource pool;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    SpringJdbcRows(String url, String user, String owner, int concurrency) {
        this.owner = owner;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setMaximumPoolSize(concurrency);
        config.setMinimumIdle(2);
        this.pool = new HikariDataSource(config);
        this.jdbc = new JdbcTemplate(pool);
        this.transaction = new TransactionTemplate(new JdbcTransactionManager(pool));
    }

    @Override
    public Claim claim() {
        List<Claim> claimed = jdbc.query(CLAIM, (rs, n) -> new Claim(rs.getLong(1), rs.getString(2),
                rs.getString(3), rs.getString(4)), owner);
        return claimed.isEmpty() ? null : claimed.get(0);
    }

    @Override
    public void record(Claim claimed, Grant grant) {
        transaction.executeWithoutResult(tx -> {
            List<Long> inserted = jdbc.queryForList(INSERT, Long.class, PlainRows.insertValues(claimed, grant));
            if (inserted.isEmpty()) {
                throw PlainRows.ownerAlreadyStored(claimed);
            }
            if (jdbc.update(FINISH, PlainRows.finishValues(claimed, grant, inserted.get(0), owner)) != 1) {
                throw PlainRows.leaseLost(claimed);
            }
        });
    }

    @Override
    public void close() {
        pool.close();
    }
}
