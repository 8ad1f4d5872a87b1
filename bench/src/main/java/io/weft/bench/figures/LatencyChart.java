package io.weft.bench.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Figure 2's chart: acquisition latency (p50 and p99, milliseconds) against the number of
 * leases already held, on a logarithmic x axis. Drawn with java.awt, headless.
 */
final class LatencyChart {

    /** One measured point: leases held, and p50 / p99 in milliseconds. */
    record Point(int leases, double p50Millis, double p99Millis) {}

    private static final int WIDTH = 960;
    private static final int HEIGHT = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 40;
    private static final int TOP = 70;
    private static final int BOTTOM = 80;
    private static final Color P50 = new Color(0x1f77b4);
    private static final Color P99 = new Color(0xd62728);

    private LatencyChart() {}

    static void draw(Path file, String subtitle, List<Point> points) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double minX =
                    Math.log10(points.stream().mapToInt(Point::leases).min().orElse(100)) - 0.15;
            double maxX =
                    Math.log10(points.stream().mapToInt(Point::leases).max().orElse(100_000)) + 0.15;
            double maxY = niceCeiling(
                    points.stream().mapToDouble(Point::p99Millis).max().orElse(1) * 1.15);
            Axes axes = new Axes(minX, maxX, maxY);

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString("weft: AcquireLease latency against leases already held", LEFT, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(subtitle, LEFT, 52);

            drawGrid(g, axes, points);
            drawSeries(g, axes, points, true, P50);
            drawSeries(g, axes, points, false, P99);
            drawLegend(g);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private record Axes(double minLogX, double maxLogX, double maxY) {
        int x(double leases) {
            return LEFT
                    + (int) Math.round((Math.log10(leases) - minLogX) / (maxLogX - minLogX) * (WIDTH - LEFT - RIGHT));
        }

        int y(double millis) {
            return HEIGHT - BOTTOM - (int) Math.round(millis / maxY * (HEIGHT - TOP - BOTTOM));
        }
    }

    private static void drawGrid(Graphics2D g, Axes axes, List<Point> points) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            double millis = axes.maxY() * i / 5;
            int y = axes.y(millis);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, axes.maxY() < 5 ? "%.2f" : "%.1f", millis);
            g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        for (Point point : points) {
            int x = axes.x(point.leases());
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(x, TOP, x, HEIGHT - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%,d", point.leases());
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
        }
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        String xLabel = "leases already held (log scale; 10.0.0.0/8 in /24 subnets, server restarted at each point)";
        g.drawString(xLabel, LEFT + (WIDTH - LEFT - RIGHT - g.getFontMetrics().stringWidth(xLabel)) / 2, HEIGHT - 30);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("AcquireLease latency (ms), one in flight", -(HEIGHT + 150) / 2, 30);
        rotated.dispose();
    }

    private static void drawSeries(Graphics2D g, Axes axes, List<Point> points, boolean p50, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2.5f));
        int previousX = -1;
        int previousY = -1;
        for (Point point : points) {
            int x = axes.x(point.leases());
            int y = axes.y(p50 ? point.p50Millis() : point.p99Millis());
            if (previousX >= 0) {
                g.drawLine(previousX, previousY, x, y);
            }
            g.fillOval(x - 5, y - 5, 10, 10);
            previousX = x;
            previousY = y;
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void drawLegend(Graphics2D g) {
        int x = WIDTH - RIGHT - 150;
        int y = TOP + 10;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(P99);
        g.fillOval(x, y, 10, 10);
        g.setColor(Color.BLACK);
        g.drawString("p99", x + 18, y + 10);
        g.setColor(P50);
        g.fillOval(x, y + 22, 10, 10);
        g.setColor(Color.BLACK);
        g.drawString("p50", x + 18, y + 32);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    private static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }
}
