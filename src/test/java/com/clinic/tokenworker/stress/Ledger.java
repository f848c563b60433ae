package com.clinic.tokenworker.stress;

import com.clinic.tokenworker.simulator.SimulatorCall;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What reached the fake Fullscript, set against what the database says: the checks every campaign makes.
 * Codes and tokens are never printed; a code is named by its row id, a refresh token by a short hash.
 */
final class Ledger {

    /** How a row says that a grant it may have had was lost (worker's own wording, see ExchangeRules). */
    static final Pattern SAYS_LOST = Pattern.compile(
            "response was lost|could not be stored|outcome unknown|may have used|no usable answer|never arrived"
                    + "|cannot be kept fresh");

    /** A grant answered within this long before a disruption could still have been in the worker's hands. */
    static final Duration IN_HANDS = Duration.ofSeconds(5);
    /**
     * A request written to its socket just before its process was killed still reaches the fake, which may read it
     * a moment after the kill (a loaded machine): the grant it gets is lost to that kill.
     */
    static final Duration IN_FLIGHT = Duration.ofSeconds(2);

    record CodeRow(long id, String status, String lastError, Instant finishedAt) {
    }

    final List<SimulatorCall> calls;
    final Map<Long, CodeRow> rows;
    final Map<String, Long> rowOfCode;
    final List<Disruption> disruptions;

    final List<String> overlappingSends = new ArrayList<>();
    final List<String> lostUnexplained = new ArrayList<>();
    final List<String> lostUnreported = new ArrayList<>();
    final List<String> exchangedWithoutGrant = new ArrayList<>();
    final List<String> staleRefreshUnexplained = new ArrayList<>();
    final List<Duration> grantToCommit = new ArrayList<>();
    int codesSent;
    int codesGranted;
    int codesLost;
    int codesResent;
    int refreshesGranted;
    int staleRefreshSends;
    int requests;

    private Ledger(List<SimulatorCall> calls, Map<Long, CodeRow> rows, Map<String, Long> rowOfCode,
                   List<Disruption> disruptions) {
        this.calls = calls;
        this.rows = rows;
        this.rowOfCode = rowOfCode;
        this.disruptions = disruptions;
    }

    static Ledger of(List<SimulatorCall> calls, Connection db, Map<String, Long> rowOfCode,
                     List<Disruption> disruptions) throws SQLException {
        Map<Long, CodeRow> rows = new HashMap<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, status, last_error, finished_at FROM oauth_pending_code")) {
            while (rs.next()) {
                java.time.OffsetDateTime finished = rs.getObject(4, java.time.OffsetDateTime.class);
                rows.put(rs.getLong(1), new CodeRow(rs.getLong(1), rs.getString(2), rs.getString(3),
                        finished == null ? null : finished.toInstant()));
            }
        }
        Ledger ledger = new Ledger(calls, rows, rowOfCode, disruptions);
        ledger.check();
        return ledger;
    }

    private void check() {
        List<SimulatorCall> answered = calls.stream().filter(c -> c.answered().isPresent()).toList();
        requests = calls.size();
        overlaps(answered, SimulatorCall::code, code -> "code of row " + rowOfCode.get(code));
        overlaps(answered, SimulatorCall::refreshToken, token -> "refresh token #" + shortHash(token));
        Map<String, List<SimulatorCall>> byCode = answered.stream().filter(c -> c.code() != null)
                .collect(Collectors.groupingBy(SimulatorCall::code));
        codesSent = byCode.size();
        codesResent = (int) byCode.values().stream().filter(l -> l.size() > 1).count();
        for (Map.Entry<String, List<SimulatorCall>> entry : byCode.entrySet()) {
            Long id = rowOfCode.get(entry.getKey());
            if (id == null) {
                continue; // a code the campaign sent itself (a credential check's dummy code)
            }
            CodeRow row = rows.get(id);
            List<SimulatorCall> granted = entry.getValue().stream().filter(SimulatorCall::granted).toList();
            if (granted.isEmpty()) {
                continue;
            }
            codesGranted++;
            SimulatorCall grant = granted.get(0);
            if (row != null && "EXCHANGED".equals(row.status())) {
                if (row.finishedAt() != null) {
                    grantToCommit.add(Duration.between(grant.answered().orElseThrow(), row.finishedAt()));
                }
                continue;
            }
            if (row == null || "PENDING".equals(row.status()) || "EXCHANGING".equals(row.status())) {
                continue; // still in progress: judged at the end of the campaign
            }
            codesLost++;
            if (!explained(grant)) {
                lostUnexplained.add("row " + id + " (" + row.status() + ", granted " + grant.arrived() + ".."
                        + grant.answered().orElse(null) + "): " + row.lastError());
            }
            if (row.lastError() == null || !SAYS_LOST.matcher(row.lastError()).find()) {
                lostUnreported.add("row " + id + " " + row.status() + ": " + row.lastError());
            }
        }
        for (CodeRow row : rows.values()) {
            if ("EXCHANGED".equals(row.status())) {
                String code = codeOfRow(row.id());
                if (code == null || byCode.getOrDefault(code, List.of()).stream().noneMatch(SimulatorCall::granted)) {
                    exchangedWithoutGrant.add("row " + row.id());
                }
            }
        }
        Map<String, SimulatorCall> rotatingCall = new HashMap<>();
        for (SimulatorCall call : answered) {
            if (call.refreshToken() != null && call.granted()) {
                rotatingCall.putIfAbsent(call.refreshToken(), call);
                refreshesGranted++;
            }
        }
        for (SimulatorCall call : answered) {
            if (call.refreshToken() != null && call.rotatedAlready()) {
                staleRefreshSends++;
                SimulatorCall rotation = rotatingCall.get(call.refreshToken());
                if (rotation == null || !explained(rotation)) {
                    staleRefreshUnexplained.add("refresh token #" + shortHash(call.refreshToken()) + " resent at "
                            + call.arrived() + ", rotated by a call at " + (rotation == null ? "?" : rotation.arrived()));
                }
            }
        }
    }

    private final Map<Long, String> codeOfRow = new HashMap<>();

    private String codeOfRow(long id) {
        if (codeOfRow.isEmpty()) {
            rowOfCode.forEach((code, row) -> codeOfRow.put(row, code));
        }
        return codeOfRow.get(id);
    }

    /**
     * A grant lost is acceptable only when a disruption hit while its request or answer was on the way, or the
     * answer was in the worker's hands.
     */
    private boolean explained(SimulatorCall grant) {
        Instant from = grant.arrived().minus(IN_FLIGHT);
        Instant to = grant.answered().orElse(grant.arrived()).plus(IN_HANDS);
        return disruptions.stream().anyMatch(d -> !d.to().isBefore(from) && !d.from().isAfter(to));
    }

    /** A request carrying a code (or refresh token) that arrived while an earlier one with it was still being served. */
    private void overlaps(List<SimulatorCall> answered, Function<SimulatorCall, String> key,
                          Function<String, String> name) {
        Map<String, List<SimulatorCall>> byKey = answered.stream().filter(c -> key.apply(c) != null)
                .collect(Collectors.groupingBy(key));
        for (Map.Entry<String, List<SimulatorCall>> entry : byKey.entrySet()) {
            List<SimulatorCall> sends = entry.getValue().stream()
                    .sorted(Comparator.comparing(SimulatorCall::arrived)).toList();
            for (int i = 1; i < sends.size(); i++) {
                // Until the earlier request was decided (its code used or refused), it could still succeed.
                Instant previousDecided = sends.get(i - 1).decided().orElse(sends.get(i - 1).answered().orElseThrow());
                if (sends.get(i).arrived().isBefore(previousDecided)) {
                    overlappingSends.add(name.apply(entry.getKey()) + " sent at " + sends.get(i).arrived()
                            + " while the request of " + sends.get(i - 1).arrived() + " was undecided until "
                            + previousDecided);
                }
            }
        }
    }

    /** The problems, one a line; empty when every check held. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        overlappingSends.forEach(p -> problems.add("sent while an earlier request could still succeed: " + p));
        lostUnexplained.forEach(p -> problems.add("grant lost without a disruption to explain it: " + p));
        lostUnreported.forEach(p -> problems.add("grant lost and the row does not say so: " + p));
        exchangedWithoutGrant.forEach(p -> problems.add("EXCHANGED without a grant at Fullscript: " + p));
        staleRefreshUnexplained.forEach(p -> problems.add("rotated refresh token sent: " + p));
        return problems;
    }

    /** Grant answered to commit of the row: how long a granted token exists only in a worker's memory. */
    String windowFigures() {
        if (grantToCommit.isEmpty()) {
            return "no grant committed";
        }
        List<Long> ms = grantToCommit.stream().map(Duration::toMillis).sorted().toList();
        return "grant answered -> row committed: p50 " + ms.get(ms.size() / 2) + " ms, p99 "
                + ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.99) - 1)) + " ms, max "
                + ms.get(ms.size() - 1) + " ms over " + ms.size() + " grants";
    }

    long maxWindowMillis() {
        return grantToCommit.stream().mapToLong(Duration::toMillis).max().orElse(0);
    }

    static String shortHash(String secret) {
        return Integer.toHexString(Objects.hashCode(secret) & 0xfffff);
    }
}
