package org.qcal.jobs.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A paragraph's output split into result messages as Zeppelin's {@code InterpreterOutput}
 * splits what an interpreter writes: a line that starts with {@code %html}, {@code %table},
 * {@code %text} (or another display type) and a blank starts a message of that type; inside a
 * table only a line after an empty line can (so a table ends with {@code "\n\n%text "} as
 * {@code z.show} writes it). Output before any marker is text.
 *
 * @param text everything the paragraph wrote, as written
 * @param messages the result messages, empty ones left out
 */
record ParagraphOutput(String text, List<Message> messages) {

  /** Zeppelin's display types, lower case as written after {@code %}. */
  private static final List<String> TYPES =
      List.of("text", "html", "angular", "table", "img", "svg", "null", "network");

  /** One result message: its type ({@code TEXT}, {@code HTML}, {@code TABLE}, ...) and data. */
  record Message(String type, String data) {}

  static ParagraphOutput of(String text) {
    List<Message> messages = new ArrayList<>();
    String type = "TEXT";
    StringBuilder data = new StringBuilder();
    StringBuilder marker = new StringBuilder();
    boolean lineStart = true;
    boolean inMarker = false;
    char previous = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (lineStart) {
        if (c == '%') {
          lineStart = false;
          inMarker = true;
          marker.setLength(0);
          marker.append(c);
          previous = c;
          continue;
        } else if (c != '\n') {
          lineStart = false;
        }
      }
      if (c == '\n') {
        if (type.equals("TABLE")) {
          if (previous == '\n') {
            lineStart = true;
            continue;
          }
        } else {
          lineStart = true;
        }
      }
      if (inMarker) {
        if (c == ' ' || c == '\n' || c == '\t') {
          inMarker = false;
          String name = marker.substring(1);
          if (TYPES.contains(name)) {
            add(messages, type, data);
            type = name.toUpperCase(Locale.ROOT);
            data.setLength(0);
            previous = c;
            continue;
          }
          data.append(marker);
        } else {
          marker.append(c);
          previous = c;
          continue;
        }
      }
      data.append(c);
      previous = c;
    }
    if (inMarker) {
      data.append(marker);
    }
    add(messages, type, data);
    return new ParagraphOutput(text, List.copyOf(messages));
  }

  private static void add(List<Message> messages, String type, CharSequence data) {
    if (!data.toString().isBlank()) {
      messages.add(new Message(type, data.toString()));
    }
  }

  /** The messages of one type, in order. */
  List<Message> ofType(String type) {
    return messages.stream().filter(m -> m.type().equals(type)).toList();
  }
}
