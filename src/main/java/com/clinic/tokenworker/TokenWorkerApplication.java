package com.clinic.tokenworker;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Spring context of the worker. The process entry point is {@code cli.Main}, which picks a command first and
 * only then decides whether a Spring context (and a database) is needed at all. It declares no beans, so there is
 * nothing for a CGLIB subclass of it to intercept: none is generated.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class TokenWorkerApplication {
}
