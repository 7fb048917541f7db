package org.qcal.jobs.report;

import java.util.Locale;

/** A tiny SVG writer: just what the report's plots need, with escaping and fixed number format. */
final class Svg {
  private final StringBuilder out = new StringBuilder();
  private final int width;
  private final int height;

  Svg(int width, int height, String label) {
    this.width = width;
    this.height = height;
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width)
        .append(' ').append(height).append("\" role=\"img\" aria-label=\"")
        .append(Html.escape(label)).append("\">");
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  Svg rect(double x, double y, double w, double h, String fill, String title) {
    out.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"")
        .append(n(w)).append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill)
        .append("\">");
    if (title != null) {
      out.append("<title>").append(Html.escape(title)).append("</title>");
    }
    out.append("</rect>");
    return this;
  }

  Svg line(double x1, double y1, double x2, double y2, String stroke, String dash, String title) {
    out.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"")
        .append(n(x2)).append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke)
        .append("\" stroke-width=\"2\"");
    if (dash != null) {
      out.append(" stroke-dasharray=\"").append(dash).append('"');
    }
    out.append('>');
    if (title != null) {
      out.append("<title>").append(Html.escape(title)).append("</title>");
    }
    out.append("</line>");
    return this;
  }

  Svg text(double x, double y, String anchor, String text) {
    out.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y))
        .append("\" font-size=\"11\" text-anchor=\"").append(anchor).append("\">")
        .append(Html.escape(text)).append("</text>");
    return this;
  }

  String close() {
    return out.append("</svg>").toString();
  }

  static String n(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
