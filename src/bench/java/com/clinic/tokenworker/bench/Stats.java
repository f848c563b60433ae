package com.clinic.tokenworker.bench;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics over a handful to a few thousand values: nearest rank, nothing interpolated. */
final class Stats {

    private Stats() {
    }

    static double percentile(Collection<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(Collection<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double max(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static double mean(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static String round(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", value);
    }

    static double[] toArray(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double[] sorted(Collection<Double> values) {
        double[] a = toArray(values);
        Arrays.sort(a);
        return a;
    }
}
