package com.clinic.tokenworker;

/** Where the worker's database is. {@link #toString()} never shows the password. */
public record DatabaseTarget(String url, String username, String password) {

    @Override
    public String toString() {
        return "DatabaseTarget[url=" + url + ", username=" + username + "]";
    }
}
