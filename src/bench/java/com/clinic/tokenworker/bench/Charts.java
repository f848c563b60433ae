package com.clinic.tokenworker.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of the run, drawn with XChart. */
final class Charts {

    record Line(String name, double[] x, double[] y) {
    }

    private Charts() {
    }

    /** The cumulative share of codes (y, %) that had their token within x seconds of receipt, one line per mode. */
    static void receiptToToken(Path file, Map<String, List<Double>> secondsByMode) throws IOException {
        XYChart chart = chart("Receipt to token: share of codes done within x seconds", "seconds after receipt",
                "% of codes");
        secondsByMode.forEach((mode, seconds) -> {
            double[] sorted = Stats.sorted(seconds);
            double[] share = new double[sorted.length];
            for (int i = 0; i < sorted.length; i++) {
                share[i] = 100.0 * (i + 1) / sorted.length;
            }
            if (sorted.length > 0) {
                chart.addSeries(mode + " (" + sorted.length + " codes)", sorted, share).setMarker(SeriesMarkers.NONE);
            }
        });
        save(chart, file);
    }

    static void lines(Path file, String title, String xTitle, String yTitle, List<Line> lines) throws IOException {
        XYChart chart = chart(title, xTitle, yTitle);
        for (Line line : lines) {
            if (line.x().length > 0) {
                chart.addSeries(line.name(), line.x(), line.y()).setMarker(SeriesMarkers.NONE);
            }
        }
        save(chart, file);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(0);
        return chart;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
