package bench;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;

/** Starts, runs one query on SPRING_DATASOURCE_URL, exits: what "a bare Spring Boot + JDBC app" costs to start. */
@SpringBootApplication
public class BareApp implements CommandLineRunner {

    private final JdbcTemplate jdbc;

    public BareApp(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(BareApp.class, args)));
    }

    @Override
    public void run(String... args) {
        Integer one = jdbc.queryForObject("SELECT 1", Integer.class);
        System.out.println("bare app: SELECT 1 = " + one);
    }
}
