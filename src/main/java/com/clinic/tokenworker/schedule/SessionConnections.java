package com.clinic.tokenworker.schedule;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Plain connections outside the pool, to the pool's database with its credentials, for what belongs to one
 * session for its whole life: a LISTEN, a session-level advisory lock. A pooled connection is handed to other
 * work and recycled by the pool, so neither could live on it.
 */
@Component
public class SessionConnections {

    /** Seconds: a database that vanished without closing the socket is noticed by the next statement. */
    private static final String SOCKET_TIMEOUT = "30";

    private final String url;
    private final String username;
    private final String password;

    @Autowired
    public SessionConnections(DataSource dataSource) {
        this(unwrap(dataSource).getJdbcUrl(), unwrap(dataSource).getUsername(), unwrap(dataSource).getPassword());
    }

    /** Sessions on another database than the pool's: how a test stands in for a pooler that loses them. */
    public SessionConnections(String url, String username, String password) {
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /**
     * @param purpose shown as the session's application_name in pg_stat_activity
     */
    public Connection open(String purpose) throws SQLException {
        Properties properties = new Properties();
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "tokenworker " + purpose);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", SOCKET_TIMEOUT);
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = DriverManager.getConnection(url, properties);
        try (Statement statement = connection.createStatement()) {
            // The server's side of the same question: a worker whose host vanished (no FIN, no RST) must lose its
            // session, and with it its advisory lock, within about 25 s instead of the kernel's 2 hours.
            statement.execute("SET tcp_keepalives_idle = 10");
            statement.execute("SET tcp_keepalives_interval = 5");
            statement.execute("SET tcp_keepalives_count = 3");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static HikariDataSource unwrap(DataSource dataSource) {
        try {
            return dataSource.unwrap(HikariDataSource.class);
        } catch (SQLException e) {
            throw new IllegalStateException("the worker's DataSource is expected to be Hikari's", e);
        }
    }
}
