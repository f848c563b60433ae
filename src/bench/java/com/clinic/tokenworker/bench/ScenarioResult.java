package com.clinic.tokenworker.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario measured: its headline figure, the reference measured in the same run and the ratio to it,
 * the goal and whether it held. A missed goal is a result like any other; only a scenario that produced no figure
 * (it crashed) fails the benchmark.
 */
final class ScenarioResult {

    enum Verdict { MET, MISSED, CRASHED }

    final String id;
    final String title;
    String method = "";
    String figure;
    Double value;
    String unit = "";
    String reference = "";
    Double ratio;
    String goal = "";
    Boolean met;
    String error;
    final Map<String, Object> details = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final List<String> charts = new ArrayList<>();

    ScenarioResult(String id, String title) {
        this.id = id;
        this.title = title;
    }

    ScenarioResult figure(String text, double value, String unit) {
        this.figure = text;
        this.value = value;
        this.unit = unit;
        return this;
    }

    ScenarioResult reference(String text, Double ratio) {
        this.reference = text;
        this.ratio = ratio;
        return this;
    }

    ScenarioResult goal(String text, boolean met) {
        this.goal = text;
        this.met = met;
        return this;
    }

    ScenarioResult detail(String key, Object value) {
        details.put(key, value);
        return this;
    }

    ScenarioResult note(String text) {
        notes.add(text);
        return this;
    }

    Verdict verdict() {
        if (error != null || figure == null) {
            return Verdict.CRASHED;
        }
        return Boolean.TRUE.equals(met) ? Verdict.MET : Verdict.MISSED;
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", id);
        map.put("title", title);
        map.put("verdict", verdict().name());
        map.put("figure", figure);
        map.put("value", value);
        map.put("unit", unit);
        map.put("reference", reference);
        map.put("ratio", ratio);
        map.put("goal", goal);
        map.put("goalMet", met);
        map.put("method", method);
        map.put("details", details);
        map.put("notes", notes);
        map.put("charts", charts);
        map.put("error", error);
        return map;
    }
}
